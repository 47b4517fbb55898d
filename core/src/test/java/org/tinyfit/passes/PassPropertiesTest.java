package org.tinyfit.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;

class PassPropertiesTest {
    @Property(tries = 120, seed = "20261204")
    void batchNormFoldingKeepsOutputsWithinFloatRoundingAndLeavesNoFoldableBatchNorm(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 6) int blocks) {
        Graph g = FloatGraphs.random(seed, blocks);
        Graph folded = BatchNormFolding.fold(g);
        checkRewrite(g, folded, false, seed);
        for (Node n : folded.nodes()) {
            if (!(n.op() instanceof Op.BatchNorm)) continue;
            int p = folded.producer(n.input(0));
            assertTrue(p < 0 || BatchNormFolding.outputChannelAxis(folded.node(p).op()) < 0
                    || folded.consumers(n.input(0)).length > 1 || folded.isGraphOutput(n.input(0)), "a foldable " + n.label() + " is left");
        }
        long before = count(g, Op.BatchNorm.class), after = count(folded, Op.BatchNorm.class);
        Statistics.label("folded").collect(after < before);
        Statistics.label("fused").collect(fusedActivations(g, folded) > 0);
        Statistics.label("left").collect(after > 0);
        assertEquals(g.nodes().size() - folded.nodes().size(), before - after + fusedActivations(g, folded), "only folded BatchNorms and fused activations go");
        Statistics.label("folded").coverage(c -> c.check(true).percentage(p -> p > 30));
        Statistics.label("fused").coverage(c -> c.check(true).percentage(p -> p > 10));
        Statistics.label("left").coverage(c -> c.check(true).percentage(p -> p > 5));
    }

    @Property(tries = 120, seed = "20261204")
    void dropoutRemovalIsExactAndLeavesNoDropout(@ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 6) int blocks) {
        Graph g = FloatGraphs.random(seed, blocks);
        Graph removed = DropoutRemoval.apply(g);
        checkRewrite(g, removed, true, seed);
        assertEquals(0, count(removed, Op.Dropout.class));
        assertEquals(g.nodes().size() - count(g, Op.Dropout.class), removed.nodes().size());
    }

    @Property(tries = 120, seed = "20261204")
    void theInferenceFormHasNoDropoutAndComputesTheSame(@ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 6) int blocks) {
        Graph g = FloatGraphs.random(seed, blocks);
        Graph inf = InferenceForm.of(g);
        checkRewrite(g, inf, false, seed);
        assertEquals(0, count(inf, Op.Dropout.class));
    }

    @Property(tries = 120, seed = "20261204")
    void pruningDropsExactlyTheUnreferencedTensorsAndKeepsEverythingElse(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 6) int blocks, @ForAll @IntRange(min = 0, max = 8) int extra) {
        Graph g = FloatGraphs.random(seed, blocks);
        Graph padded = withUnreadTensors(g, extra, new Random(seed));
        Graph pruned = Renumbering.pruned(padded);
        assertEquals(g.tensors().size(), pruned.tensors().size(), "the unread tensors, and only they, are dropped");
        for (Tensor t : pruned.tensors()) {
            Tensor o = g.tensor(t.id());
            assertEquals(o.name(), t.name());
            assertEquals(o.shape(), t.shape());
        }
        assertEquals(g.nodes(), pruned.nodes(), "the same nodes with the same ids after renumbering");
        assertArrayEquals(g.inputs(), pruned.inputs());
        assertArrayEquals(g.outputs(), pruned.outputs());
        checkRewrite(padded, pruned, true, seed);
        assertEquals(pruned.nodes(), Renumbering.pruned(pruned).nodes(), "pruning twice changes nothing");
    }

    /**
     * The rewritten graph is valid, has the same inputs (names, shapes, order) and outputs (shapes, order), and computes
     * the same outputs in the runtime: bit for bit when {@code exact}, else within float rounding.
     */
    static void checkRewrite(Graph g, Graph rewritten, boolean exact, long seed) {
        ShapeInference.check(rewritten);
        assertEquals(describe(g, g.inputs(), true), describe(rewritten, rewritten.inputs(), true), "inputs");
        assertEquals(describe(g, g.outputs(), false), describe(rewritten, rewritten.outputs(), false), "outputs");
        byte[][] inputs = FloatGraphs.randomInputs(g, seed);
        byte[][] before = FloatGraphs.run(g, inputs), after = FloatGraphs.run(rewritten, inputs);
        for (int i = 0; i < before.length; i++) {
            if (exact) {
                assertArrayEquals(before[i], after[i], "output " + i);
                continue;
            }
            float[] a = FloatGraphs.floatsOf(before[i]), b = FloatGraphs.floatsOf(after[i]);
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k], b[k], 1e-4 + 1e-4 * Math.abs(a[k]), "output " + i + " element " + k);
            }
        }
    }

    /** Type and shape of each tensor, with its name when {@code named} (an output may take the name of the tensor a removed op copied). */
    private static List<String> describe(Graph g, int[] ids, boolean named) {
        List<String> out = new ArrayList<>();
        for (int t : ids) out.add((named ? g.tensor(t).name() + ":" : "") + g.tensor(t).describe());
        return out;
    }

    private static long count(Graph g, Class<? extends Op> kind) {
        return g.nodes().stream().filter(n -> kind.isInstance(n.op())).count();
    }

    /** Activations (ReLU, ReLU6) that were nodes of {@code g} and are fused into an op of {@code folded}. */
    private static long fusedActivations(Graph g, Graph folded) {
        return (count(g, Op.Relu.class) - count(folded, Op.Relu.class)) + (count(g, Op.Relu6.class) - count(folded, Op.Relu6.class));
    }

    /** {@code g} with {@code extra} constants no node reads, put at random places among its tensors. */
    private static Graph withUnreadTensors(Graph g, int extra, Random r) {
        List<Tensor> tensors = new ArrayList<>(g.tensors());
        int[] newId = new int[g.tensors().size()];
        for (int i = 0; i < newId.length; i++) newId[i] = i;
        for (int k = 0; k < extra; k++) {
            int at = r.nextInt(tensors.size() + 1);
            tensors.add(at, Tensor.constant(-1, "unread" + k, DType.F32, Shape.of(2), null, FloatGraphs.floats(k, -k)));
        }
        List<Tensor> numbered = new ArrayList<>();
        for (Tensor t : tensors) {
            if (t.id() >= 0) newId[t.id()] = numbered.size();
            numbered.add(t.withId(numbered.size()));
        }
        UnaryOperator<int[]> remap = ids -> java.util.Arrays.stream(ids).map(t -> t < 0 ? -1 : newId[t]).toArray();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) nodes.add(new Node(n.id(), n.op(), remap.apply(n.inputs()), remap.apply(n.outputs())));
        return new Graph(g.name(), numbered, nodes, remap.apply(g.inputs()), remap.apply(g.outputs()), g.metadata());
    }
}
