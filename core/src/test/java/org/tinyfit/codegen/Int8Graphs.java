package org.tinyfit.codegen;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;

/**
 * Random int8 graphs for the C generator's tests: convolutions (stride, dilation, padding, groups,
 * per-channel and per-tensor scales), depthwise convolutions with depth multipliers, pooling, ADD
 * with a residual branch or a broadcast constant, CONCATENATION, PAD, STRIDED_SLICE, QUANTIZE, and a
 * FULLY_CONNECTED + SOFTMAX head; quantization like a converter's (bias scale = input scale times
 * filter scale, output scales that keep values in range).
 */
final class Int8Graphs {
    private Int8Graphs() {}

    private final record State(GraphBuilder b, Random r) {}

    static Graph random(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("int8-" + Long.toUnsignedString(seed, 36));
        State s = new State(b, r);
        int h = 5 + r.nextInt(10), w = 5 + r.nextInt(10), c = 1 + r.nextInt(6);
        int t = b.input("x", DType.I8, q(0.02f + r.nextFloat() * 0.08f, r.nextInt(41) - 20), 1, h, w, c);
        int layers = 2 + r.nextInt(5);
        for (int i = 0; i < layers; i++) {
            int[] d = b.tensorAt(t).shape().dims();
            switch (r.nextInt(9)) {
                case 0, 1 -> t = conv(s, t, "conv" + i, 1 + r.nextInt(12), 1 + r.nextInt(3), 1 + r.nextInt(2));
                case 2 -> t = depthwise(s, t, "dw" + i);
                case 3 -> {
                    if (d[1] < 3 || d[2] < 3) { t = conv(s, t, "conv" + i, 4, 1, 1); break; }
                    boolean same = r.nextBoolean();
                    int k = 2 + r.nextInt(2), st = 1 + r.nextInt(2);
                    t = b.node(new Op.Pool2D(r.nextBoolean() ? Op.PoolKind.AVG : Op.PoolKind.MAX, same ? Op.Padding.SAME : Op.Padding.VALID,
                            st, st, k, k, act(r)), "pool" + i, t);
                }
                case 4 -> {
                    int branch = conv(s, t, "res" + i, d[3], 1, 1);
                    t = b.node(new Op.Add(act(r)), "add" + i, DType.I8, q(b.tensorAt(t).quant().scale() * 1.5f, r.nextInt(21) - 10), t, branch);
                }
                case 5 -> {
                    int bias = b.constant("bias" + i, DType.I8, Shape.of(d[3]), q(0.05f, 3), bytes(r, d[3]));
                    t = b.node(new Op.Add(Op.Act.NONE), "badd" + i, DType.I8, q(b.tensorAt(t).quant().scale() * 2f, 0), t, bias);
                }
                case 6 -> {
                    int branch = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.SAME, 1, 1, 3, 3, Op.Act.NONE), "cpool" + i, t);
                    t = b.node(new Op.Concat(3, Op.Act.NONE), "cat" + i, t, branch);
                }
                case 7 -> {
                    int pads = b.constant("pads" + i, DType.I32, Shape.of(4, 2), null, ints(0, 0, r.nextInt(2), r.nextInt(3), r.nextInt(3), r.nextInt(2), 0, 0));
                    t = b.node(new Op.Pad(), "pad" + i, t, pads);
                    int rows = b.tensorAt(t).shape().dim(1);
                    int from = rows > 2 ? r.nextInt(2) : 0, to = rows - (rows - from > 1 ? r.nextInt(2) : 0);
                    int begin = b.constant("begin" + i, DType.I32, Shape.of(4), null, ints(0, from, 0, 0));
                    int end = b.constant("end" + i, DType.I32, Shape.of(4), null, ints(1, to, 0, 0));
                    int strides = b.constant("strides" + i, DType.I32, Shape.of(4), null, ints(1, 1, 1 + r.nextInt(2), 1));
                    t = b.node(new Op.StridedSlice(0b1100, 0b1100, 0, 0, 0, false), "slice" + i, t, begin, end, strides);
                }
                default -> t = b.node(new Op.Quantize(), "requant" + i, DType.I8, q(b.tensorAt(t).quant().scale() * (0.5f + r.nextFloat()), r.nextInt(41) - 20), t);
            }
        }
        if (r.nextBoolean()) {
            int[] d = b.tensorAt(t).shape().dims();
            int features = d[1] * d[2] * d[3];
            int flat = b.node(new Op.Reshape(new int[] {1, features}), "flatten", t);
            int classes = 2 + r.nextInt(9);
            float sIn = b.tensorAt(flat).quant().scale(), sW = 0.01f;
            int wt = b.constant("fc/w", DType.I8, Shape.of(classes, features), q(sW, 0), bytes(r, classes * features));
            int bias = b.constant("fc/b", DType.I32, Shape.of(classes), q(sIn * sW, 0), biases(r, classes));
            int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", DType.I8, q((float) (sIn * sW * 4 * Math.sqrt(features)), r.nextInt(21) - 10), flat, wt, bias);
            t = b.node(new Op.Softmax(1f), "probs", DType.I8, q(1f / 256, -128), fc);
        }
        return b.output(t).build();
    }

    static Quantization q(float scale, long zeroPoint) { return Quantization.perTensor(scale, zeroPoint); }

    static Op.Act act(Random r) { return new Op.Act[] {Op.Act.NONE, Op.Act.RELU, Op.Act.RELU6}[r.nextInt(3)]; }

    private static int conv(State s, int x, String name, int out, int k, int stride) {
        GraphBuilder b = s.b();
        Random r = s.r();
        int[] d = b.tensorAt(x).shape().dims();
        int groups = d[3] % 2 == 0 && out % 2 == 0 && r.nextInt(3) == 0 ? 2 : 1;
        int inPerGroup = d[3] / groups;
        int dilation = k > 1 && r.nextInt(3) == 0 ? 2 : 1;
        int effective = (k - 1) * dilation + 1;
        Op.Padding padding = effective <= Math.min(d[1], d[2]) && r.nextBoolean() ? Op.Padding.VALID : Op.Padding.SAME;
        float sIn = b.tensorAt(x).quant().scale();
        boolean perChannel = r.nextBoolean();
        float[] scales = new float[perChannel ? out : 1];
        for (int i = 0; i < scales.length; i++) scales[i] = 0.004f + r.nextFloat() * 0.02f;
        Quantization wq = new Quantization(scales, new long[scales.length], 0);
        float[] biasScales = new float[scales.length];
        for (int i = 0; i < scales.length; i++) biasScales[i] = sIn * scales[i];
        int w = b.constant(name + "/w", DType.I8, Shape.of(out, k, k, inPerGroup), wq, bytes(s.r(), out * k * k * inPerGroup));
        int bias = b.constant(name + "/b", DType.I32, Shape.of(out), new Quantization(biasScales, new long[biasScales.length], 0), biases(r, out));
        float sOut = (float) (sIn * scales[0] * 40 * Math.sqrt(k * k * inPerGroup));
        return b.node(new Op.Conv2D(padding, stride, stride, dilation, dilation, act(r)), name, DType.I8, q(sOut, r.nextInt(41) - 20), x, w, bias);
    }

    private static int depthwise(State s, int x, String name) {
        GraphBuilder b = s.b();
        Random r = s.r();
        int[] d = b.tensorAt(x).shape().dims();
        int m = 1 + r.nextInt(2), stride = 1 + r.nextInt(2);
        int ch = d[3] * m;
        float sIn = b.tensorAt(x).quant().scale();
        float[] scales = new float[ch], biasScales = new float[ch];
        for (int i = 0; i < ch; i++) {
            scales[i] = 0.004f + r.nextFloat() * 0.02f;
            biasScales[i] = sIn * scales[i];
        }
        int w = b.constant(name + "/w", DType.I8, Shape.of(1, 3, 3, ch), new Quantization(scales, new long[ch], 3), bytes(r, 9 * ch));
        int bias = b.constant(name + "/b", DType.I32, Shape.of(ch), new Quantization(biasScales, new long[ch], 0), biases(r, ch));
        return b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, stride, stride, 1, 1, m, act(r)), name, DType.I8, q(sIn * 0.3f, r.nextInt(41) - 20), x, w, bias);
    }

    static byte[] bytes(Random r, int n) {
        byte[] v = new byte[n];
        r.nextBytes(v);
        return v;
    }

    private static byte[] biases(Random r, int n) {
        ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) bb.putInt(r.nextInt(4001) - 2000);
        return bb.array();
    }

    private static byte[] ints(int... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) bb.putInt(x);
        return bb.array();
    }
}
