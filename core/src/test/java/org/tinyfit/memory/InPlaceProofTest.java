package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;

/**
 * What {@code tinyfit optimize} says about partial execution in place, proven by running: the split
 * graph, in the in-place min-peak order, planned by {@link InPlacePlanner}, runs in tinyfit's
 * interpreter in an arena of exactly the reported size and gives TFLite Micro's golden outputs.
 */
class InPlaceProofTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");

    static Graph model(String name) {
        Path p = MODELS.resolve(name + ".tflite");
        Assumptions.assumeTrue(Files.exists(p), "shared model " + p + " is not present");
        return TfliteReader.read(p);
    }

    /** The golden inputs of {@code golden/NAME.seedK.in} (graph inputs back to back) and the output of {@code .out}. */
    record Golden(byte[][] inputs, byte[] output) {
        static Golden read(Graph g, String name, int seed) throws IOException {
            byte[] in = Files.readAllBytes(MODELS.resolve("golden").resolve(name + ".seed" + seed + ".in"));
            byte[] out = Files.readAllBytes(MODELS.resolve("golden").resolve(name + ".seed" + seed + ".out"));
            int[] ins = g.inputs();
            byte[][] inputs = new byte[ins.length][];
            int pos = 0;
            for (int k = 0; k < ins.length; k++) {
                int n = (int) g.tensor(ins[k]).bytes();
                inputs[k] = Arrays.copyOfRange(in, pos, pos + n);
                pos += n;
            }
            assertEquals(in.length, pos, name + ": golden input size");
            return new Golden(inputs, out);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"person_detect", "simple_add_model"})
    void partialExecutionInPlaceRunsInTheReportedArenaAndEqualsTflm(String name) throws IOException {
        Graph g = model(name);
        MemoryOptimization m = MemoryOptimization.of(g, List.of());
        Graph split = m.partialExecution().graph();
        Schedule order = m.splitOrderSearch().schedule();
        InPlacePlanner.Result r = new InPlacePlanner().solve(split, order);
        assertEquals(m.partialExecutionPeakBytes(), r.lowerBoundBytes(), "the reported peak is the in-place bound of the order");
        assertEquals(m.partialExecutionPeakBytes() + r.gapBytes(), r.plan().arenaBytes(), "planned arena (gap " + r.gapBytes() + " B)");
        assertTrue(InPlacePlanCheck.verify(split, order, r.plan()) > 0, "some node runs in place");
        Interpreter in = new Interpreter(split, order, r.plan());
        assertEquals(r.plan().arenaBytes(), in.arena().bytes().length, "the interpreter's arena");
        for (int seed = 0; seed < 3; seed++) {
            Golden gold = Golden.read(g, name, seed);
            assertArrayEquals(gold.output(), in.run(gold.inputs())[0], name + " seed " + seed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"person_detect", "simple_add_model"})
    void theReportedPeaksAreTheKnownOnes(String name) {
        MemoryOptimization m = MemoryOptimization.of(model(name), List.of());
        assertEquals(name.equals("person_detect") ? 20_656 : 32_768, m.partialExecutionPeakBytes());
    }

    @Property(tries = 30, seed = "11")
    void splitInPlacePlansRunLikeTheUnsplitGraph(@ForAll long seed) {
        Graph g = Math.floorMod(seed, 2) == 0 ? PartialExecutionTest.randomChain(seed) : PatchExecutionTest.randomRun(seed);
        Schedule plain = Schedule.stored(g);
        byte[] x = FloatEval.bytes(FloatEval.randomInput(g, seed));
        byte[] want = new Interpreter(g, plain, new TflmGreedyPlanner().plan(g, plain)).run(new byte[][] {x})[0];
        PartialExecution.Result pe = PartialExecution.apply(g);
        Schedule order = new MinPeakScheduler(MemoryOptimization.SPLIT_GRAPH_STATE_LIMIT, LiveModel.IN_PLACE).solve(pe.graph()).schedule();
        InPlacePlanner.Result r = new InPlacePlanner().solve(pe.graph(), order);
        InPlacePlanCheck.verify(pe.graph(), order, r.plan());
        assertTrue(r.gapBytes() >= 0);
        Interpreter in = new Interpreter(pe.graph(), order, r.plan());
        assertEquals(r.plan().arenaBytes(), in.arena().bytes().length);
        assertArrayEquals(FloatEval.floats(want), FloatEval.floats(in.run(new byte[][] {x})[0]), 0f, pe.splits().toString());
    }

}
