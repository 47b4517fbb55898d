package org.tinyfit.bench;

import java.util.List;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;

/**
 * Float CNNs of the MLPerf Tiny suite (github.com/mlcommons/tiny, benchmark/training/), built from
 * their published layer lists with seeded He-normal weights and small random biases: the timing
 * depends only on the shapes.
 */
final class FloatCnns {
    private FloatCnns() {}

    static List<String> names() { return List.of("resnet8", "ds_cnn", "mobilenet_v1_025"); }

    static Graph byName(String name) {
        return switch (name) {
            case "resnet8" -> resnet8(8);
            case "ds_cnn" -> dsCnn(2);
            case "mobilenet_v1_025" -> mobileNetV1(1);
            default -> throw new IllegalArgumentException("no model " + name + "; use one of " + names());
        };
    }

    /**
     * Image classification ResNet-8 on 32x32x3: conv 3x3 16 (ReLU), three residual stacks of 16, 32
     * and 64 filters (conv 3x3 stride 1 or 2 + ReLU, conv 3x3, a 1x1 stride-2 shortcut conv when the
     * shape changes, ADD + ReLU), 8x8 average pool, dense 10, softmax.
     */
    static Graph resnet8(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("resnet8");
        int x = b.input("input_1", DType.F32, 1, 32, 32, 3);
        x = conv(b, r, "conv0", x, 3, 16, 3, 1, Op.Act.RELU);
        int in = 16;
        int[] filters = {16, 32, 64};
        for (int s = 0; s < 3; s++) {
            int f = filters[s], stride = s == 0 ? 1 : 2;
            String p = "stack" + (s + 1);
            int y = conv(b, r, p + "/conv1", x, in, f, 3, stride, Op.Act.RELU);
            y = conv(b, r, p + "/conv2", y, f, f, 3, 1, Op.Act.NONE);
            int shortcut = s == 0 ? x : conv(b, r, p + "/shortcut", x, in, f, 1, 2, Op.Act.NONE);
            x = b.node(new Op.Add(Op.Act.RELU), p + "/add", shortcut, y);
            in = f;
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 8, 8, 8, 8, Op.Act.NONE), "pool", x);
        return head(b, r, x, 64, 10);
    }

    /** Keyword spotting DS-CNN on 49x10x1: conv 10x4 stride 2 to 64, four depthwise-separable blocks of 64, 25x5 average pool, dense 12, softmax. */
    static Graph dsCnn(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("ds_cnn");
        int x = b.input("input", DType.F32, 1, 49, 10, 1);
        x = b.node(new Op.Conv2D(Op.Padding.SAME, 2, 2, 1, 1, Op.Act.RELU), "conv0", x, weights(b, r, "conv0/w", 64, 10, 4, 1), bias(b, r, "conv0/b", 64));
        for (int k = 1; k <= 4; k++) {
            x = depthwise(b, r, "block" + k + "/dw", x, 64, 1);
            x = conv(b, r, "block" + k + "/pw", x, 64, 64, 1, 1, Op.Act.RELU);
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 25, 5, 25, 5, Op.Act.NONE), "pool", x);
        return head(b, r, x, 64, 12);
    }

    /** Visual wake words MobileNet v1 0.25 on 96x96x3: conv 3x3 stride 2 to 8, 13 depthwise-separable blocks, 3x3 average pool, dense 2, softmax. */
    static Graph mobileNetV1(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("mobilenet_v1_025");
        int x = b.input("input", DType.F32, 1, 96, 96, 3);
        x = conv(b, r, "conv0", x, 3, 8, 3, 2, Op.Act.RELU);
        int in = 8;
        int[] widths = {16, 32, 32, 64, 64, 128, 128, 128, 128, 128, 128, 256, 256};
        int[] strides = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
        for (int k = 0; k < widths.length; k++) {
            x = depthwise(b, r, "block" + (k + 1) + "/dw", x, in, strides[k]);
            x = conv(b, r, "block" + (k + 1) + "/pw", x, in, widths[k], 1, 1, Op.Act.RELU);
            in = widths[k];
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 3, 3, 3, 3, Op.Act.NONE), "pool", x);
        return head(b, r, x, in, 2);
    }

    private static Graph head(GraphBuilder b, Random r, int x, int channels, int classes) {
        int shape = b.constant("flat/shape", DType.I32, Shape.of(2), TensorBytes.ofInts(new int[] {1, channels}));
        int flat = b.node(new Op.Reshape(new int[] {1, channels}), "flat", x, shape);
        int logits = b.node(new Op.FullyConnected(Op.Act.NONE, false), "dense", flat, weights(b, r, "dense/w", classes, channels), bias(b, r, "dense/b", classes));
        return b.output(b.node(new Op.Softmax(1f), "probs", logits)).build();
    }

    private static int conv(GraphBuilder b, Random r, String name, int x, int in, int out, int k, int stride, Op.Act act) {
        return b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, act), name, x, weights(b, r, name + "/w", out, k, k, in), bias(b, r, name + "/b", out));
    }

    private static int depthwise(GraphBuilder b, Random r, String name, int x, int channels, int stride) {
        return b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, stride, stride, 1, 1, 1, Op.Act.RELU), name, x, weights(b, r, name + "/w", 1, 3, 3, channels), bias(b, r, name + "/b", channels));
    }

    private static int weights(GraphBuilder b, Random r, String name, int... dims) {
        Shape s = Shape.of(dims);
        int fanIn = dims[0] == 1 && dims.length == 4 ? dims[1] * dims[2] : s.elements() / dims[0];
        float[] v = new float[s.elements()];
        float k = (float) Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * k;
        return b.constant(name, DType.F32, s, TensorBytes.ofFloats(v));
    }

    private static int bias(GraphBuilder b, Random r, String name, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian() * 0.1f;
        return b.constant(name, DType.F32, Shape.of(n), TensorBytes.ofFloats(v));
    }
}
