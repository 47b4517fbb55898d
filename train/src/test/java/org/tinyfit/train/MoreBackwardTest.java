package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinyfit.train.GradientCheckTest.ints;
import static org.tinyfit.train.GradientCheckTest.rand;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;

/**
 * The ops ONNX import produces beyond the spec layers (grouped and transposed convolution, PAD,
 * STRIDED_SLICE, broadcasting ADD/SUB/MUL, hard-swish as ONNX import writes it, MEAN over any axes,
 * CONCATENATION along any axis): each backward pass against finite differences, and each forward
 * pass against tinyfit's runtime.
 */
class MoreBackwardTest {
    private static final Op.Padding SAME = Op.Padding.SAME, VALID = Op.Padding.VALID;

    static int scalar(GraphBuilder b, String name, float v) {
        return b.constant(name, DType.F32, new Shape(new int[0]), TensorBytes.ofFloats(new float[] {v}));
    }

    /** The training engine's inference output equals the runtime's, sample by sample. */
    static void agreesWithRuntime(Graph g) {
        int n = 3;
        try (Net net = Net.compile(g, 2)) {
            int per = net.inputSize();
            float[] x = KernelTest.random(n * per, 31);
            for (int i = 0; i < x.length; i++) x[i] = x[i] * 4 - 2;
            net.forward(x, n, false, 0);
            float[] want = net.output().clone();
            int outPer = want.length / n;
            float[] have = RuntimeAgreementTest.runtime(g, x, per, outPer, n);
            for (int i = 0; i < n * outPer; i++) assertEquals(have[i], want[i], 1e-4f, g.name() + " output " + i);
        }
    }

    static void check(Graph g, int batch, long seed) {
        GradCheck.check(g, batch, seed);
        agreesWithRuntime(g);
    }

    @Test void groupedConvMatchesFiniteDifferencesAndTheRuntime() {
        GraphBuilder b = new GraphBuilder("grouped");
        int x = b.input("x", DType.F32, 1, 6, 5, 4);
        int y = b.node(new Op.Conv2D(SAME, 2, 1, 1, 1, Op.Act.NONE), "c", x, rand(b, "w", 1, 6, 3, 3, 2), rand(b, "b", 2, 6));
        check(b.output(y).build(), 3, 1);
    }

    @Test void groupedConvWithFusedActivations() {
        for (Op.Act act : new Op.Act[] {Op.Act.TANH, Op.Act.RELU6}) {
            GraphBuilder b = new GraphBuilder("grouped_" + act);
            int x = b.input("x", DType.F32, 1, 5, 5, 4);
            int y = b.node(new Op.Conv2D(SAME, 1, 1, 1, 1, act), "c", x, rand(b, "w", 1, 4, 3, 3, 1), rand(b, "b", 2, 4));
            Graph g = b.output(y).build();
            // finite differences need a smooth activation; the runtime has no fused TANH outside its clamps
            if (act == Op.Act.TANH) GradCheck.check(g, 2, 1);
            else agreesWithRuntime(g);
        }
    }

    @Test void groupedConvDilatedValidWithoutBias() {
        GraphBuilder b = new GraphBuilder("grouped_dilated");
        int x = b.input("x", DType.F32, 1, 7, 7, 6);
        int y = b.node(new Op.Conv2D(VALID, 1, 1, 2, 2, Op.Act.NONE), "c", x, rand(b, "w", 3, 3, 2, 2, 2), -1);
        check(b.output(y).build(), 2, 2);
    }

    @Test void transposeConvSameStride2MatchesFiniteDifferencesAndTheRuntime() {
        GraphBuilder b = new GraphBuilder("transpose_same");
        int x = b.input("x", DType.F32, 1, 3, 4, 2);
        int y = b.node(new Op.TransposeConv(SAME, 2, 2, Op.Act.NONE), "t", ints(b, "shape", 1, 6, 8, 3), rand(b, "w", 4, 3, 3, 3, 2), x, rand(b, "b", 5, 3));
        check(b.output(y).build(), 2, 3);
    }

    @Test void transposeConvValidWithReluAndOddOutput() {
        GraphBuilder b = new GraphBuilder("transpose_valid");
        int x = b.input("x", DType.F32, 1, 3, 3, 3);
        int y = b.node(new Op.TransposeConv(VALID, 2, 1, Op.Act.RELU), "t", ints(b, "shape", 1, 7, 5, 2), rand(b, "w", 6, 2, 3, 3, 3), x, -1);
        check(b.output(y).build(), 2, 4);
    }

    @Test void padWithAValueMatchesFiniteDifferencesAndTheRuntime() {
        GraphBuilder b = new GraphBuilder("pad");
        int x = b.input("x", DType.F32, 1, 3, 4, 2);
        int p = b.node(new Op.Pad(), "p", x, ints(b, "pads", 0, 0, 1, 2, 0, 1, 1, 0), scalar(b, "v", 0.5f));
        int y = b.node(new Op.Tanh(), "t", p);
        check(b.output(y).build(), 2, 5);
    }

    @Test void stridedSliceWithMasksNegativeStrideAndShrinkMatchesFiniteDifferencesAndTheRuntime() {
        GraphBuilder b = new GraphBuilder("slice");
        int x = b.input("x", DType.F32, 1, 6, 5, 4);
        // axis 1: every second row from 1; axis 2: reversed from the end (begin mask); axis 3: channel 2 only (shrink)
        int s = b.node(new Op.StridedSlice(0b0100, 0b0001, 0, 0, 0b1000, false), "s", x,
                ints(b, "begin", 0, 1, 0, 2), ints(b, "end", 0, 6, -6, 3), ints(b, "strides", 1, 2, -1, 1));
        check(b.output(s).build(), 2, 6);
    }

    @Test void stridedSliceWithOffset() {
        GraphBuilder b = new GraphBuilder("slice_offset");
        int x = b.input("x", DType.F32, 1, 5, 6);
        int s = b.node(new Op.StridedSlice(0, 0, 0, 0, 0, true), "s", x, ints(b, "begin", 0, 1, 1), ints(b, "end", 1, 3, 4), ints(b, "strides", 1, 1, 2));
        check(b.output(s).build(), 2, 7);
    }

    @Test void broadcastingConstantsMatchFiniteDifferencesAndTheRuntime() {
        GraphBuilder b = new GraphBuilder("broadcast_const");
        int x = b.input("x", DType.F32, 1, 3, 4, 5);
        int a = b.node(new Op.Add(Op.Act.NONE), "a", x, rand(b, "perChannel", 7, 5));
        int m = b.node(new Op.Mul(Op.Act.RELU_N1_TO_1), "m", rand(b, "perRow", 8, 1, 3, 1, 1), a);
        int s = b.node(new Op.Sub(Op.Act.NONE), "s", rand(b, "perColumn", 9, 4, 1), m);
        int t = b.node(new Op.Mul(Op.Act.NONE), "t", s, scalar(b, "half", 0.5f));
        check(b.output(t).build(), 3, 8);
    }

    @Test void broadcastingActivationsAsInSqueezeAndExcite() {
        GraphBuilder b = new GraphBuilder("squeeze_excite");
        int x = b.input("x", DType.F32, 1, 4, 3, 6);
        int pooled = b.node(new Op.Mean(true), "pool", x, ints(b, "axes", 1, 2));
        int gate = b.node(new Op.Logistic(), "gate", pooled);
        int y = b.node(new Op.Mul(Op.Act.NONE), "scale", x, gate);
        int z = b.node(new Op.Sub(Op.Act.NONE), "centre", y, b.node(new Op.Mean(true), "chanMean", y, ints(b, "axes2", -1)));
        check(b.output(z).build(), 3, 9);
    }

    @Test void hardSwishAsOnnxImportWritesItMatchesFiniteDifferencesAndKeepsItsConstants() {
        GraphBuilder b = new GraphBuilder("hard_swish");
        int x = b.input("x", DType.F32, 1, 4, 4, 3);
        int gate = b.node(new Op.Add(Op.Act.RELU6), "hs_relu6", x, scalar(b, "hs_three", 3f));
        int scaled = b.node(new Op.Mul(Op.Act.NONE), "hs_gate", gate, scalar(b, "hs_sixth", 1f / 6f));
        int y = b.node(new Op.Mul(Op.Act.NONE), "hs", x, scaled);
        Graph g = b.output(y).build();
        check(g, 2, 10);
        try (Net net = Net.compile(g, 1)) {
            assertEquals(0, net.trainableCount(), "hard-swish's 3 and 1/6 are fixed");
            float[] in = {-4f, -3f, -1.5f, 0f, 1f, 2.5f, 3f, 5f, -0.5f, 0.25f, 4f, -2f, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
            net.forward(in, 1, false, 0);
            for (int i = 0; i < 12; i++) {
                float v = in[i];
                assertEquals(v * Math.min(6f, Math.max(0f, v + 3f)) / 6f, net.output()[i], 1e-6f, "hard-swish(" + v + ")");
            }
        }
    }

    @Test void meanOverChannelsAndRowsWithKeptDimsMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("mean");
        int x = b.input("x", DType.F32, 1, 3, 4, 5);
        int m = b.node(new Op.Mean(true), "m", x, ints(b, "axes", 1, -1));
        int y = b.node(new Op.Mean(false), "m2", b.node(new Op.LeakyRelu(0.2f), "leaky", x), ints(b, "axes2", 2));
        int r = b.node(new Op.Reshape(new int[] {1, 15}), "flat", y);
        int r2 = b.node(new Op.Reshape(new int[] {1, 4}), "flat2", m);
        int z = b.node(new Op.Concat(-1, Op.Act.NONE), "cat", r, r2);
        check(b.output(z).build(), 2, 11);
    }

    @Test void concatAlongEveryNonBatchAxis() {
        GraphBuilder b = new GraphBuilder("concat");
        int x = b.input("x", DType.F32, 1, 2, 3, 2);
        int t = b.node(new Op.Tanh(), "t", x);
        int h = b.node(new Op.Concat(1, Op.Act.NONE), "h", x, t);
        int w = b.node(new Op.Concat(2, Op.Act.NONE), "w", h, h);
        int c = b.node(new Op.Concat(-1, Op.Act.NONE), "c", w, b.node(new Op.Relu(), "r", w), w);
        check(b.output(c).build(), 2, 12);
    }

    @Property(tries = 25)
    void broadcastingAddMulOfRandomShapes(@ForAll @IntRange(min = 1, max = 4) int h, @ForAll @IntRange(min = 1, max = 4) int w,
                                          @ForAll @IntRange(min = 1, max = 4) int c, @ForAll @IntRange(min = 0, max = 7) int mask,
                                          @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll boolean constant) {
        int[] full = {1, h, w, c};
        int[] other = {1, (mask & 1) != 0 ? 1 : h, (mask & 2) != 0 ? 1 : w, (mask & 4) != 0 ? 1 : c};
        GraphBuilder b = new GraphBuilder("random_broadcast");
        int x = b.input("x", DType.F32, full);
        if (!constant && mask == 0) return;
        // an activation operand: the input averaged over the masked axes, so it broadcasts back over them
        int operand = constant ? rand(b, "k", mask + 100, other)
                : b.node(new Op.Mean(true), "m", x, ints(b, "axes", java.util.stream.IntStream.range(1, 4).filter(d -> (mask >> (d - 1) & 1) != 0).toArray()));
        Op op = switch (kind) { case 0 -> new Op.Add(Op.Act.NONE); case 1 -> new Op.Sub(Op.Act.NONE); default -> new Op.Mul(Op.Act.NONE); };
        int y = b.node(op, "y", b.node(new Op.Tanh(), "t", x), operand);
        check(b.output(y).build(), 2, 13 + mask);
    }

    @Property(tries = 25)
    void padAndSliceOfRandomGeometry(@ForAll @IntRange(min = 1, max = 5) int h, @ForAll @IntRange(min = 1, max = 5) int c,
                                     @ForAll @IntRange(min = 0, max = 2) int before, @ForAll @IntRange(min = 0, max = 2) int after,
                                     @ForAll @IntRange(min = -6, max = 6) int begin, @ForAll @IntRange(min = -6, max = 6) int end,
                                     @ForAll @IntRange(min = -3, max = 3) int stride) {
        if (stride == 0) return;
        GraphBuilder b = new GraphBuilder("random_pad_slice");
        int x = b.input("x", DType.F32, 1, h, c);
        int p = b.node(new Op.Pad(), "p", x, ints(b, "pads", 0, 0, before, after, after, before));
        Shape ps = Shape.of(1, h + before + after, c + before + after);
        int len = ps.dim(1);
        int s0 = org.tinyfit.runtime.kernels.KernelParams.sliceStart(begin, stride, false, len);
        int s1 = org.tinyfit.runtime.kernels.KernelParams.sliceStop(end, stride, false, false, false, len, s0);
        if (stride > 0 ? s1 <= s0 : s1 >= s0) return;
        int s = b.node(new Op.StridedSlice(0, 0, 0, 0, 0, false), "s", p, ints(b, "begin", 0, begin, 0), ints(b, "end", 1, end, ps.dim(2)), ints(b, "strides", 1, stride, 1));
        check(b.output(s).build(), 2, 50 + h * 7 + c);
    }

    @Test void slicingOrPaddingTheBatchIsRefusedByName() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 4);
        int p = b.node(new Op.Pad(), "p", x, ints(b, "pads", 1, 0, 0, 0));
        Graph g = b.output(p).build();
        GraphException e = assertThrows(GraphException.class, () -> Net.compile(g, 1));
        assertTrue(e.getMessage().contains("batch axis"), e.getMessage());
    }

    @Test void transposeOfTheSampleAxesMatchesFiniteDifferencesAndTheRuntime() {
        GraphBuilder b = new GraphBuilder("transpose");
        int x = b.input("x", DType.F32, 1, 3, 4, 2);
        int t = b.node(new Op.Transpose(), "t", x, ints(b, "perm", 0, 3, 1, 2));
        int y = b.node(new Op.Tanh(), "y", t);
        check(b.output(y).build(), 2, 8);
    }

    @Test void nearestResizeWithEachOptionMatchesFiniteDifferencesAndTheRuntime() {
        boolean[][] options = {{false, false}, {true, false}, {false, true}};
        for (boolean[] o : options) {
            GraphBuilder b = new GraphBuilder("nearest_" + o[0] + "_" + o[1]);
            int x = b.input("x", DType.F32, 1, 3, 4, 2);
            int r = b.node(new Op.Resize(Op.ResizeMode.NEAREST, o[0], o[1]), "r", x, ints(b, "size", 5, 7));
            int y = b.node(new Op.Tanh(), "y", r);
            check(b.output(y).build(), 2, 9);
        }
    }

    @Test void bilinearResizeAndTransposingTheBatchAreRefusedByName() {
        GraphBuilder b = new GraphBuilder("bilinear");
        int x = b.input("x", DType.F32, 1, 3, 4, 2);
        int r = b.node(new Op.Resize(Op.ResizeMode.BILINEAR, false, false), "r", x, ints(b, "size", 5, 7));
        Graph g = b.output(r).build();
        GraphException e = assertThrows(GraphException.class, () -> Net.compile(g, 1));
        assertTrue(e.getMessage().contains("RESIZE_BILINEAR cannot be trained"), e.getMessage());
        GraphBuilder c = new GraphBuilder("transpose_batch");
        int z = c.input("x", DType.F32, 1, 3, 4);
        int t = c.node(new Op.Transpose(), "t", z, ints(c, "perm", 1, 0, 2));
        Graph h = c.output(t).build();
        GraphException f = assertThrows(GraphException.class, () -> Net.compile(h, 1));
        assertTrue(f.getMessage().contains("TRANSPOSE cannot be trained"), f.getMessage());
    }
}
