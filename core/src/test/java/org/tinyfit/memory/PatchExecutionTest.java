package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;

class PatchExecutionTest {
    /** A random run of convolutions (SAME or VALID, strides 1-2, kernels 1-3), depthwise convolutions and activations. */
    static Graph randomRun(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("run-" + seed);
        int h = 6 + r.nextInt(12), w = 3 + r.nextInt(8);
        int t = b.input("x", DType.F32, 1, h, w, 1 + r.nextInt(3));
        int layers = 1 + r.nextInt(4);
        for (int i = 0; i < layers; i++) {
            int kind = r.nextInt(3);
            int k = 1 + r.nextInt(3), s = 1 + r.nextInt(2);
            Op.Padding p = r.nextBoolean() ? Op.Padding.SAME : Op.Padding.VALID;
            int rows = b.tensorAt(t).shape().dim(1), cols = b.tensorAt(t).shape().dim(2);
            if (p == Op.Padding.VALID && (rows < k || cols < k)) p = Op.Padding.SAME;
            int c = b.tensorAt(t).shape().dim(3);
            if (kind == 0) {
                int out = 1 + r.nextInt(6);
                t = b.node(new Op.Conv2D(p, s, s, 1, 1, Op.Act.NONE), "conv" + i, t, FloatEval.randomConstant(b, r, "w" + i, out, k, k, c), FloatEval.randomConstant(b, r, "b" + i, out));
            } else if (kind == 1) {
                t = b.node(new Op.DepthwiseConv2D(p, s, s, 1, 1, 1, Op.Act.RELU6), "dw" + i, t, FloatEval.randomConstant(b, r, "w" + i, 1, k, k, c), FloatEval.randomConstant(b, r, "b" + i, c));
            } else {
                t = b.node(new Op.Relu(), "relu" + i, t);
            }
        }
        return b.output(t).build();
    }

    @Test
    void partialExecutionComputesAnInvertedResidualBlockInRowBands() {
        Graph g = invertedResidual();
        PartialExecution.Result r = PartialExecution.apply(g);
        assertEquals(PartialExecution.Along.ROWS, r.splits().get(0).along());
        assertTrue(r.peakBytesAfter() < r.peakBytesBefore() * 3 / 4, r.peakBytesAfter() + " vs " + r.peakBytesBefore());
        assertEquals(StepMemory.peakBytes(r.graph(), Schedule.stored(r.graph()), LiveModel.IN_PLACE), r.peakBytesAfter());
        float[] in = FloatEval.randomInput(g, 2);
        assertArrayEquals(FloatEval.run(g, in)[0], FloatEval.run(r.graph(), in)[0], 0f);
    }

    @Property(tries = 60, seed = "5")
    void bandsComputeExactlyWhatTheWholeRunComputes(@ForAll long seed) {
        Graph g = randomRun(seed);
        int rows = g.tensor(g.outputs()[0]).shape().dim(1);
        float[] x = FloatEval.randomInput(g, seed);
        float[] want = FloatEval.run(g, x)[0];
        for (int bands = 2; bands <= Math.min(rows, 5); bands++) {
            Graph split = PatchExecution.split(g, 0, g.nodes().size() - 1, bands);
            assertArrayEquals(want, FloatEval.run(split, x)[0], 0f, bands + " bands");
        }
    }

    static Graph invertedResidual() {
        Random r = new Random(3);
        GraphBuilder b = new GraphBuilder("inverted-residual");
        int x = b.input("x", DType.F32, 1, 16, 16, 4);
        int e = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU6), "expand", x, FloatEval.randomConstant(b, r, "we", 24, 1, 1, 4));
        int d = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 1, Op.Act.RELU6), "dw", e, FloatEval.randomConstant(b, r, "wd", 1, 3, 3, 24));
        int p = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "project", d, FloatEval.randomConstant(b, r, "wp", 4, 1, 1, 24));
        return b.output(p).build();
    }

    @Test
    void anInvertedResidualBlockNeedsLessInBands() {
        Graph g = invertedResidual();
        long whole = StepMemory.peakBytes(g, Schedule.stored(g), LiveModel.IN_PLACE);
        // the expansion writes 16x16x24 over its 16x16x4 input in place, then the depthwise runs over it
        // in place through a 16x16 plane: 24,576 + 1,024 bytes
        assertEquals(24576 + 1024, whole);
        long previous = Long.MAX_VALUE;
        // (4 bands no longer beat the whole block once the expansion runs in place: their halo rows cost more)
        for (int bands : new int[] {8, 16}) {
            Graph s = PatchExecution.split(g, 0, 2, bands);
            long peak = StepMemory.peakBytes(s, Schedule.stored(s), LiveModel.IN_PLACE);
            assertTrue(peak < previous && peak < whole, bands + " bands: " + peak);
            previous = peak;
        }
        Graph split = PatchExecution.split(g, 0, 2, 16);
        long banded = StepMemory.peakBytes(split, Schedule.stored(split), LiveModel.IN_PLACE);
        assertTrue(banded < whole * 3 / 4, banded + " vs " + whole);
        float[] in = FloatEval.randomInput(g, 1);
        assertArrayEquals(FloatEval.run(g, in)[0], FloatEval.run(split, in)[0], 0f);
    }
}
