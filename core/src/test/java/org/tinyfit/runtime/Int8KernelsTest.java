package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.Schedule;

/**
 * int8 kernels against their float meaning: for each op, the int8 result dequantized is within about
 * one output step of the float kernel on the same real values (bit-exactness with TFLM is what the
 * golden tests check; this checks the ops the shared models do not use).
 */
class Int8KernelsTest {
    static byte[] quantize(float[] v, float scale, int zp) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) Math.max(-128, Math.min(127, Math.round(v[i] / scale) + zp));
        return out;
    }

    static float[] dequantize(byte[] b, float scale, int zp) {
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) out[i] = scale * (b[i] - zp);
        return out;
    }

    static byte[][] run(Graph g, byte[]... inputs) {
        return new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 5)).run(inputs);
    }

    static float[] gaussian(long seed, int n, double sigma) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * sigma);
        return v;
    }

    static void assertClose(float[] want, float[] got, double tolerance, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= tolerance, what + " element " + i + ": " + got[i] + ", expected " + want[i]);
        }
    }

    private static void unary(Op op, float inScale, int inZp, float outScale, int outZp, DoubleUnaryOperator f, double tolerance) {
        GraphBuilder b = new GraphBuilder("u");
        int x = b.input("x", DType.I8, Quantization.perTensor(inScale, inZp), 1, 256);
        int y = b.node(op, "y", DType.I8, Quantization.perTensor(outScale, outZp), x);
        Graph g = b.output(y).build();
        byte[] in = new byte[256];
        for (int i = 0; i < 256; i++) in[i] = (byte) (i - 128);
        float[] real = dequantize(in, inScale, inZp);
        float[] want = new float[256];
        for (int i = 0; i < 256; i++) want[i] = (float) Math.max(outScale * (-128 - outZp), Math.min(outScale * (127 - outZp), f.applyAsDouble(real[i])));
        assertClose(want, dequantize(run(g, in)[0], outScale, outZp), tolerance * outScale, op.kind());
    }

    @Test
    void int8LogisticFollowsTheSigmoid() {
        unary(new Op.Logistic(), 0.08f, 5, 1f / 256, -128, x -> 1 / (1 + Math.exp(-x)), 1.01);
    }

    @Test
    void int8TanhFollowsTanh() {
        unary(new Op.Tanh(), 0.05f, -3, 1f / 128, 0, Math::tanh, 1.01);
    }

    @Test
    void int8ActivationsFollowTheirFloatMeaning() {
        unary(new Op.Relu(), 0.1f, 10, 0.05f, -128, x -> Math.max(0, x), 0.51);
        // TFLM's double rounding (round to Q31, then round the shift) can land one step from the nearest value
        unary(new Op.LeakyRelu(0.2f), 0.1f, 10, 0.07f, 20, x -> x > 0 ? x : 0.2 * x, 1.01);
        unary(new Op.LeakyRelu(-0.5f), 0.1f, 0, 0.1f, 0, x -> x > 0 ? x : -0.5 * x, 1.01);
    }

    @Test
    void int8Relu6ClampsInTheInputsQuantization() {
        GraphBuilder b = new GraphBuilder("r6");
        Quantization q = Quantization.perTensor(0.1f, -20);
        int x = b.input("x", DType.I8, q, 1, 4);
        int y = b.node(new Op.Relu6(), "y", x);
        byte[] out = run(b.output(y).build(), Bytes.i8(-128, -21, 30, 127))[0];
        assertArrayEquals(Bytes.i8(-20, -20, 30, 40), out);
    }

    @Test
    void int8SoftmaxFollowsTheFloatSoftmax() {
        float inScale = 0.15f;
        int rows = 20, depth = 10;
        GraphBuilder b = new GraphBuilder("sm");
        int x = b.input("x", DType.I8, Quantization.perTensor(inScale, 4), rows, depth);
        int y = b.node(new Op.Softmax(1.0f), "y", DType.I8, Quantization.perTensor(1f / 256, -128), x);
        Graph g = b.output(y).build();
        byte[] in = quantize(gaussian(3, rows * depth, 3), inScale, 4);
        float[] real = dequantize(in, inScale, 4);
        float[] want = new float[rows * depth];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < depth; c++) sum += Math.exp(real[r * depth + c]);
            for (int c = 0; c < depth; c++) want[r * depth + c] = (float) Math.min(Math.exp(real[r * depth + c]) / sum, 127f / 256 + 0.5f);
        }
        assertClose(want, dequantize(run(g, in)[0], 1f / 256, -128), 1.01 / 256, "softmax");
    }

    @Test
    void int8BinaryOpsBroadcastAndRescale() {
        float s1 = 0.05f, s2 = 0.12f, so = 0.1f;
        float[] a = gaussian(5, 24, 1.5), c = gaussian(6, 4, 1.5);
        byte[] qa = quantize(a, s1, -7), qc = quantize(c, s2, 9);
        float[] ra = dequantize(qa, s1, -7), rc = dequantize(qc, s2, 9);
        for (Op op : new Op[] {new Op.Add(Op.Act.NONE), new Op.Sub(Op.Act.NONE), new Op.Mul(Op.Act.NONE), new Op.Add(Op.Act.RELU)}) {
            GraphBuilder b = new GraphBuilder("bin");
            int x = b.input("a", DType.I8, Quantization.perTensor(s1, -7), 2, 3, 4);
            int y = b.input("c", DType.I8, Quantization.perTensor(s2, 9), 4);
            int z = b.node(op, "z", DType.I8, Quantization.perTensor(so, 2), x, y);
            float[] want = new float[24];
            for (int i = 0; i < 24; i++) {
                double v = op instanceof Op.Add ? ra[i] + rc[i % 4] : op instanceof Op.Sub ? ra[i] - rc[i % 4] : ra[i] * rc[i % 4];
                if (op instanceof Op.Add add && add.act() == Op.Act.RELU) v = Math.max(0, v);
                want[i] = (float) Math.max(so * (-128 - 2), Math.min(so * (127 - 2), v));
            }
            assertClose(want, dequantize(run(b.output(z).build(), qa, qc)[0], so, 2), 0.51 * so, op.toString());
        }
    }

    @Test
    void int8MeanFollowsTheAverage() {
        float s = 0.03f, so = 0.02f;
        float[] v = gaussian(8, 2 * 5 * 3 * 4, 1);
        byte[] q = quantize(v, s, 3);
        float[] r = dequantize(q, s, 3);
        GraphBuilder b = new GraphBuilder("mean");
        int x = b.input("x", DType.I8, Quantization.perTensor(s, 3), 2, 5, 3, 4);
        int axes = b.constant("axes", DType.I32, Shape.of(2), Bytes.i32(1, 2));
        int y = b.nodeWithShape(new Op.Mean(true), "y", DType.I8, Shape.of(2, 1, 1, 4), Quantization.perTensor(so, -1), x, axes);
        float[] want = new float[8];
        for (int n = 0; n < 2; n++) for (int c = 0; c < 4; c++) {
            double sum = 0;
            for (int h = 0; h < 5; h++) for (int w = 0; w < 3; w++) sum += r[((n * 5 + h) * 3 + w) * 4 + c];
            want[n * 4 + c] = (float) (sum / 15);
        }
        assertClose(want, dequantize(run(b.output(y).build(), q)[0], so, -1), 1.01 * so, "mean");
    }

    @Test
    void int8PadFillsWithTheZeroPoint() {
        GraphBuilder b = new GraphBuilder("pad");
        int x = b.input("x", DType.I8, Quantization.perTensor(0.1f, -3), 1, 2);
        int p = b.constant("p", DType.I32, Shape.of(2, 2), Bytes.i32(1, 0, 1, 2));
        int y = b.nodeWithShape(new Op.Pad(), "y", DType.I8, Shape.of(2, 5), Quantization.perTensor(0.1f, -3), x, p);
        assertArrayEquals(Bytes.i8(-3, -3, -3, -3, -3, -3, 7, 8, -3, -3), run(b.output(y).build(), Bytes.i8(7, 8))[0]);
    }

    @Test
    void stridedSliceFollowsTfliteIndexRules() {
        GraphBuilder b = new GraphBuilder("ss");
        int x = b.input("x", DType.I8, Quantization.perTensor(1f, 0), 3, 4);
        int begin = b.constant("b", DType.I32, Shape.of(2), Bytes.i32(-1, 3));
        int end = b.constant("e", DType.I32, Shape.of(2), Bytes.i32(0, 0));
        int strides = b.constant("s", DType.I32, Shape.of(2), Bytes.i32(-1, -2));
        // rows 2, 1 (end 0 exclusive, stride -1); columns 3, 1
        int y = b.nodeWithShape(new Op.StridedSlice(0, 0, 0, 0, 0, false), "y", DType.I8, Shape.of(2, 2), Quantization.perTensor(1f, 0), x, begin, end, strides);
        assertArrayEquals(Bytes.i8(11, 9, 7, 5), run(b.output(y).build(), Bytes.i8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))[0]);
        GraphBuilder b2 = new GraphBuilder("ss2");
        int x2 = b2.input("x", DType.I8, Quantization.perTensor(1f, 0), 3, 4);
        int begin2 = b2.constant("b", DType.I32, Shape.of(2), Bytes.i32(1, 5));
        int end2 = b2.constant("e", DType.I32, Shape.of(2), Bytes.i32(2, 9));
        int strides2 = b2.constant("s", DType.I32, Shape.of(2), Bytes.i32(1, 1));
        // row 1 with the row axis shrunk; all columns by the begin and end masks
        int y2 = b2.nodeWithShape(new Op.StridedSlice(2, 2, 0, 0, 1, false), "y", DType.I8, Shape.of(4), Quantization.perTensor(1f, 0), x2, begin2, end2, strides2);
        assertArrayEquals(Bytes.i8(4, 5, 6, 7), run(b2.output(y2).build(), Bytes.i8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))[0]);
    }

    @Test
    void concatenationJoinsAlongTheAxis() {
        GraphBuilder b = new GraphBuilder("cat");
        Quantization q = Quantization.perTensor(0.5f, 1);
        int x = b.input("x", DType.I8, q, 2, 1);
        int y = b.input("y", DType.I8, q, 2, 2);
        int z = b.node(new Op.Concat(-1, Op.Act.NONE), "z", x, y);
        assertArrayEquals(Bytes.i8(1, 3, 4, 2, 5, 6), run(b.output(z).build(), Bytes.i8(1, 2), Bytes.i8(3, 4, 5, 6))[0]);
    }

    @Test
    void quantizeAndDequantizeRoundTrip() {
        GraphBuilder b = new GraphBuilder("qd");
        int x = b.input("x", DType.F32, 1, 6);
        int q = b.node(new Op.Quantize(), "q", DType.I8, Quantization.perTensor(0.5f, 10), x);
        int r = b.node(new Op.Quantize(), "r", DType.I8, Quantization.perTensor(0.25f, -4), q);
        int d = b.node(new Op.Dequantize(), "d", DType.F32, null, r);
        float[] out = Bytes.toF32(run(b.output(d).build(), Bytes.f32(0f, 1.25f, -1.25f, 3f, 100f, -100f))[0]);
        // 1.25 / 0.5 = 2.5 rounds away from zero to 3; +-100 saturate at the int8 ends of each scale
        assertArrayEquals(new float[] {0f, 1.5f, -1.5f, 3f, 32.75f, -31f}, out);
    }

    @Test
    void int8ConvolutionsFollowTheFloatOnes() {
        Random r = new Random(11);
        for (Op op : new Op[] {
            new Op.Conv2D(Op.Padding.SAME, 2, 1, 1, 2, Op.Act.NONE),
            new Op.Conv2D(Op.Padding.VALID, 1, 2, 2, 1, Op.Act.RELU6),
            new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 2, 1, 1, 2, Op.Act.NONE),
            new Op.TransposeConv(Op.Padding.SAME, 2, 2, Op.Act.NONE),
            new Op.FullyConnected(Op.Act.RELU, false)}) {
            ConvTwin t = ConvTwin.make(op, r);
            float[] want = Bytes.toF32(run(t.floatGraph(), Bytes.f32(t.realInput()))[0]);
            float[] got = dequantize(run(t.int8Graph(), t.int8Input())[0], t.outScale(), t.outZp());
            for (int i = 0; i < want.length; i++) want[i] = Math.max(t.outScale() * (-128 - t.outZp()), Math.min(t.outScale() * (127 - t.outZp()), want[i]));
            assertClose(want, got, 0.51 * t.outScale() + 1e-4, op.toString());
        }
    }

    @Test
    void scratchBuffersLiveInTheArenaWhereThePlanPutsThem() {
        ConvTwin t = ConvTwin.make(new Op.TransposeConv(Op.Padding.SAME, 2, 2, Op.Act.NONE), new Random(5));
        Graph g = t.int8Graph();
        Schedule s = Schedule.stored(g);
        org.tinyfit.memory.ArenaPlan tflm = new org.tinyfit.memory.TflmGreedyPlanner().plan(g, s);
        int outElements = g.tensor(g.outputs()[0]).shape().elements();
        assertTrue(tflm.scratchOffsets().length > 0 && tflm.scratchOffsets()[0].length == 1, "TFLM's plan places the int32 accumulators");
        assertTrue(tflm.arenaBytes() >= 4L * outElements, "the arena holds them");
        byte[] heap = run(g, t.int8Input())[0];
        Interpreter it = new Interpreter(g, s, tflm);
        byte[][] in = {t.int8Input()};
        assertArrayEquals(heap, it.run(in)[0]);
        int off = (int) tflm.scratchOffset(0, 0);
        assertTrue(java.util.stream.IntStream.range(0, 4 * outElements).anyMatch(i -> it.arena().bytes()[off + i] != 0), "accumulators were written in the arena");
    }

    @Test
    void aPlanWhoseScratchOverlapsALiveTensorIsRejected() {
        ConvTwin t = ConvTwin.make(new Op.TransposeConv(Op.Padding.SAME, 2, 2, Op.Act.NONE), new Random(5));
        Graph g = t.int8Graph();
        org.tinyfit.memory.ArenaPlan sep = TestPlans.separate(g, 0);
        org.tinyfit.memory.ArenaPlan bad = new org.tinyfit.memory.ArenaPlan(sep.offsets(), sep.arenaBytes(), "bad", new long[][] {{0}});
        org.tinyfit.graph.GraphException e = org.junit.jupiter.api.Assertions.assertThrows(org.tinyfit.graph.GraphException.class,
                () -> new Interpreter(g, Schedule.stored(g), bad));
        assertTrue(e.getMessage().contains("scratch buffer 0 of node 0 (TRANSPOSE_CONV)"), e.getMessage());
    }
}
