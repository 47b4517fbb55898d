package org.tinyfit.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/**
 * The int8 models of the memory benchmarks that are not among the shared files, built from their
 * published layer lists with seeded He-normal weights and quantized by {@link PostTrainingQuantization}
 * on uniform inputs in [-1, 1] (random but valid weights and quantization: the memory figures depend
 * only on the shapes).
 */
public final class TinyMlModels {
    private TinyMlModels() {}

    /** The models by name, in the order of the benchmark table. */
    public static List<String> names() { return List.of("mobilenet_v1_025_vww", "ds_cnn_kws", "resnet8", "mcunet_vww"); }

    /** The int8 model called {@code name} (one of {@link #names()}). */
    public static Graph int8(String name) {
        return switch (name) {
            case "mobilenet_v1_025_vww" -> quantize(mobileNetV1Vww(1));
            case "ds_cnn_kws" -> quantize(dsCnn(2));
            case "resnet8" -> quantize(QuantTestNets.resnet8(8));
            case "mcunet_vww" -> quantize(mcunetVww(3));
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }

    static Graph quantize(Graph f) {
        return PostTrainingQuantization.quantize(f, uniform(f, 8, 1), PtqOptions.defaults()).graph();
    }

    static List<float[][]> uniform(Graph g, int n, long seed) {
        Random r = new Random(seed);
        int len = g.tensor(g.inputs()[0]).shape().elements();
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[len];
            for (int j = 0; j < len; j++) x[j] = r.nextFloat() * 2 - 1;
            out.add(new float[][] {x});
        }
        return out;
    }

    /**
     * MLPerf Tiny's visual wake words model (MobileNet v1, width 0.25, 96x96x3): conv 3x3 stride 2 to
     * 8 channels, then 13 depthwise-separable blocks (depthwise 3x3, pointwise 1x1, ReLU after each)
     * with pointwise widths 16, 32, 32, 64, 64, 128 x6, 256, 256 and stride 2 at the depthwise of
     * blocks 2, 4, 6 and 12, all SAME padding; 3x3 average pool, dense 2, softmax.
     */
    public static Graph mobileNetV1Vww(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("mobilenet_v1_025_vww");
        int x = b.input("input", DType.F32, 1, 96, 96, 3);
        x = conv(b, r, "conv0", x, 3, 8, 3, 3, 2, Op.Act.RELU);
        int in = 8;
        int[] widths = {16, 32, 32, 64, 64, 128, 128, 128, 128, 128, 128, 256, 256};
        int[] strides = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
        for (int k = 0; k < widths.length; k++) {
            x = depthwise(b, r, "block" + (k + 1) + "/dw", x, in, 3, strides[k], Op.Padding.SAME, Op.Act.RELU);
            x = conv(b, r, "block" + (k + 1) + "/pw", x, in, widths[k], 1, 1, 1, Op.Act.RELU);
            in = widths[k];
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 3, 3, 3, 3, Op.Act.NONE), "pool", x);
        return head(b, r, x, in, 2);
    }

    /**
     * MLPerf Tiny's keyword spotter (DS-CNN small, 49x10x1 MFCC input): conv 10x4 stride 2 to 64
     * channels (SAME, ReLU), four depthwise-separable blocks (depthwise 3x3, pointwise 64, ReLU after
     * each), 25x5 average pool, dense 12, softmax.
     */
    public static Graph dsCnn(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("ds_cnn_kws");
        int x = b.input("input", DType.F32, 1, 49, 10, 1);
        x = conv(b, r, "conv0", x, 1, 64, 10, 4, 2, Op.Act.RELU);
        for (int k = 1; k <= 4; k++) {
            x = depthwise(b, r, "block" + k + "/dw", x, 64, 3, 1, Op.Padding.SAME, Op.Act.RELU);
            x = conv(b, r, "block" + k + "/pw", x, 64, 64, 1, 1, 1, Op.Act.RELU);
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 25, 5, 25, 5, Op.Act.NONE), "pool", x);
        return head(b, r, x, 64, 12);
    }

    /**
     * A MobileNetV2 / MCUNet-style visual wake words model at 80x80x3, with the explicit PAD the
     * TFLite converter writes before every strided layer (then VALID): PAD + conv 3x3 stride 2 to 16;
     * depthwise 3x3 + project 8 (expansion 1); then inverted residual blocks (expand 1x1, depthwise,
     * project 1x1 without activation, ADD when stride 1 and widths match) of (expansion, kernel, width,
     * stride): (6,3,16,2) (3,3,16,1) (6,5,24,2) (3,3,24,1) (6,3,40,2) (3,5,40,1) (6,5,48,1) (6,3,96,2)
     * (3,5,96,1) (6,3,160,1); average pool of the last 3x3 map, dense 2, softmax. A stride-2 layer's PAD
 * is TensorFlow's SAME padding for its input size.
     */
    public static Graph mcunetVww(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("mcunet_vww");
        int x = b.input("input", DType.F32, 1, 80, 80, 3);
        int size = 80;
        x = pad(b, "conv0/pad", x, 0, 1, 0, 1);
        size = 40;
        x = conv(b, r, "conv0", x, 3, 16, 3, 3, 2, Op.Act.RELU6, Op.Padding.VALID);
        x = depthwise(b, r, "block0/dw", x, 16, 3, 1, Op.Padding.SAME, Op.Act.RELU6);
        x = conv(b, r, "block0/project", x, 16, 8, 1, 1, 1, Op.Act.NONE);
        int in = 8;
        int[][] blocks = {{6, 3, 16, 2}, {3, 3, 16, 1}, {6, 5, 24, 2}, {3, 3, 24, 1}, {6, 3, 40, 2}, {3, 5, 40, 1}, {6, 5, 48, 1}, {6, 3, 96, 2}, {3, 5, 96, 1}, {6, 3, 160, 1}};
        for (int k = 0; k < blocks.length; k++) {
            int t = blocks[k][0], kernel = blocks[k][1], out = blocks[k][2], stride = blocks[k][3];
            String p = "block" + (k + 1);
            int mid = in * t;
            int y = conv(b, r, p + "/expand", x, in, mid, 1, 1, 1, Op.Act.RELU6);
            if (stride == 2) {
                int outSize = (size + 1) / 2, total = Math.max((outSize - 1) * 2 + kernel - size, 0);
                int before = total / 2, after = total - before;
                size = outSize;
                y = pad(b, p + "/pad", y, before, after, before, after);
                y = depthwise(b, r, p + "/dw", y, mid, kernel, 2, Op.Padding.VALID, Op.Act.RELU6);
            } else {
                y = depthwise(b, r, p + "/dw", y, mid, kernel, 1, Op.Padding.SAME, Op.Act.RELU6);
            }
            y = conv(b, r, p + "/project", y, mid, out, 1, 1, 1, Op.Act.NONE);
            x = stride == 1 && in == out ? b.node(new Op.Add(Op.Act.NONE), p + "/add", x, y) : y;
            in = out;
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, size, size, size, size, Op.Act.NONE), "pool", x);
        return head(b, r, x, in, 2);
    }

    private static Graph head(GraphBuilder b, Random r, int x, int channels, int classes) {
        int shape = b.constant("flat/shape", DType.I32, Shape.of(2), QuantTestNets.ints(1, channels));
        int flat = b.node(new Op.Reshape(new int[] {1, channels}), "flat", x, shape);
        int logits = b.node(new Op.FullyConnected(Op.Act.NONE, false), "dense", flat, QuantTestNets.weights(b, r, "dense/w", classes, channels), QuantTestNets.bias(b, r, "dense/b", classes));
        return b.output(b.node(new Op.Softmax(1f), "probs", logits)).build();
    }

    private static int conv(GraphBuilder b, Random r, String name, int x, int in, int out, int kh, int kw, int stride, Op.Act act) {
        return conv(b, r, name, x, in, out, kh, kw, stride, act, Op.Padding.SAME);
    }

    private static int conv(GraphBuilder b, Random r, String name, int x, int in, int out, int kh, int kw, int stride, Op.Act act, Op.Padding padding) {
        return b.node(new Op.Conv2D(padding, stride, stride, 1, 1, act), name, x, QuantTestNets.weights(b, r, name + "/w", out, kh, kw, in), QuantTestNets.bias(b, r, name + "/b", out));
    }

    private static int depthwise(GraphBuilder b, Random r, String name, int x, int channels, int kernel, int stride, Op.Padding padding, Op.Act act) {
        return b.node(new Op.DepthwiseConv2D(padding, stride, stride, 1, 1, 1, act), name, x, QuantTestNets.weights(b, r, name + "/w", 1, kernel, kernel, channels), QuantTestNets.bias(b, r, name + "/b", channels));
    }

    private static int pad(GraphBuilder b, String name, int x, int top, int bottom, int left, int right) {
        int pads = b.constant(name + "/pads", DType.I32, Shape.of(4, 2), QuantTestNets.ints(0, 0, top, bottom, left, right, 0, 0));
        return b.node(new Op.Pad(), name, x, pads);
    }
}
