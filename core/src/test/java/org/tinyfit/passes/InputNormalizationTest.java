package org.tinyfit.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;

class InputNormalizationTest {
    @Property(tries = 150, seed = "20261204")
    void theGraphOnRawDataComputesWhatTheOriginalComputesOnNormalizedData(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 1, max = 4) int blocks) {
        Random r = new Random(seed);
        Graph g = r.nextInt(3) == 0 ? dense(r) : FloatGraphs.random(seed, blocks);
        int c = g.tensor(g.inputs()[0]).shape().dim(-1);
        float[] shift = new float[c], scale = new float[c];
        boolean noShift = r.nextInt(4) == 0;
        for (int k = 0; k < c; k++) {
            shift[k] = noShift ? 0 : (float) (50 * r.nextGaussian());
            scale[k] = (float) Math.exp(r.nextGaussian() * 2);
        }
        InputNormalization.Result res = InputNormalization.apply(g, shift, scale);
        Graph inside = res.graph();
        ShapeInference.check(inside);
        assertEquals(g.tensor(g.inputs()[0]).name(), inside.tensor(inside.inputs()[0]).name(), "the input keeps its name");
        assertEquals(g.tensor(g.inputs()[0]).shape(), inside.tensor(inside.inputs()[0]).shape());
        assertTrue(inside.metadata().get(InputNormalization.METADATA_KEY).contains(res.description()), inside.metadata().toString());
        int expectedNodes = g.nodes().size() + (res.placement() == InputNormalization.Placement.FOLDED ? 0 : 2);
        assertEquals(expectedNodes, inside.nodes().size());
        if (res.placement() == InputNormalization.Placement.FOLDED) {
            Op first = inside.node(inside.consumers(inside.inputs()[0])[0]).op();
            assertTrue(first instanceof Op.FullyConnected || first instanceof Op.Conv2D c2 && (noShift || padsNothing(g, c2)), first.toString());
        }
        Statistics.label("placement").collect(res.placement());
        Statistics.label("placement").coverage(cv -> {
            cv.check(InputNormalization.Placement.FOLDED).percentage(p -> p > 15);
            cv.check(InputNormalization.Placement.FIRST_LAYERS).percentage(p -> p > 15);
        });

        byte[][] raw = FloatGraphs.randomInputs(g, seed);
        float[] x = FloatGraphs.floatsOf(raw[0]);
        for (int i = 0; i < x.length; i++) x[i] = x[i] * 40 + 20;
        float[] normalized = x.clone();
        for (int i = 0; i < x.length; i++) normalized[i] = (x[i] - shift[i % c]) * scale[i % c];
        byte[][] expected = FloatGraphs.run(g, new byte[][] {FloatGraphs.floats(normalized)});
        byte[][] actual = FloatGraphs.run(inside, new byte[][] {FloatGraphs.floats(x)});
        for (int o = 0; o < expected.length; o++) {
            float[] a = FloatGraphs.floatsOf(expected[o]), b = FloatGraphs.floatsOf(actual[o]);
            double magnitude = 0;
            for (float v : a) magnitude = Math.max(magnitude, Math.abs(v));
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k], b[k], 1e-3 * (1 + magnitude), "output " + o + " element " + k + " (" + res.description() + ")");
            }
        }
    }

    private static boolean padsNothing(Graph g, Op.Conv2D c) {
        Shape x = g.tensor(g.inputs()[0]).shape();
        Shape w = g.tensor(g.node(g.consumers(g.inputs()[0])[0]).input(1)).shape();
        return InputNormalization.padsNothing(x.dim(1), w.dim(1), c.strideH(), c.dilationH(), c.padding())
                && InputNormalization.padsNothing(x.dim(2), w.dim(2), c.strideW(), c.dilationW(), c.padding());
    }

    /** A tabular model: input [1, n], a FullyConnected (bias or not, maybe a fused ReLU), another one. */
    private static Graph dense(Random r) {
        GraphBuilder b = new GraphBuilder("dense");
        int n = 1 + r.nextInt(8), h = 1 + r.nextInt(6);
        int x = b.input("x", DType.F32, 1, n);
        int w = b.constant("w", DType.F32, Shape.of(h, n), FloatGraphs.floats(gaussian(r, h * n)));
        Op.FullyConnected fc = new Op.FullyConnected(r.nextBoolean() ? Op.Act.RELU : Op.Act.NONE, false);
        x = r.nextBoolean() ? b.node(fc, "fc0", x, w, b.constant("b", DType.F32, Shape.of(h), FloatGraphs.floats(gaussian(r, h)))) : b.node(fc, "fc0", x, w);
        x = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc1", x, b.constant("w1", DType.F32, Shape.of(2, h), FloatGraphs.floats(gaussian(r, 2 * h))));
        b.output(x);
        return b.build();
    }

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test void aDenseFirstLayerTakesTheNormalizationIntoItsWeights() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 2);
        b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, b.constant("w", DType.F32, Shape.of(1, 2), FloatGraphs.floats(1, 1))));
        Graph g = InputNormalization.apply(b.build(), new float[] {10, 20}, new float[] {2, 0.5f}).graph();
        // (x0 - 10) * 2 + (x1 - 20) * 0.5 at x = (11, 24): 2 + 2
        assertEquals(4f, FloatGraphs.floatsOf(FloatGraphs.run(g, new byte[][] {FloatGraphs.floats(11, 24)})[0])[0], 1e-6);
        assertEquals(1, g.nodes().size());
    }

    @Test void anIntegerInputIsRefusedByName() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("pixels", DType.I8, 1, 2);
        b.output(b.node(new Op.Relu(), "r", x));
        GraphException e = assertThrows(GraphException.class, () -> InputNormalization.apply(b.build(), new float[] {0}, new float[] {1}));
        assertTrue(e.getMessage().contains("pixels"), e.getMessage());
    }

    @Test void aChannelCountThatDoesNotMatchTheInputIsRefused() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 3);
        b.output(b.node(new Op.Relu(), "r", x));
        GraphException e = assertThrows(GraphException.class, () -> InputNormalization.apply(b.build(), new float[] {0, 0}, new float[] {1, 1}));
        assertTrue(e.getMessage().contains("2 channels"), e.getMessage());
    }
}
