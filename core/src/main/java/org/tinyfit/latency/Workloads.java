package org.tinyfit.latency;

import java.util.List;
import org.tinyfit.device.Calibration;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/**
 * The published benchmark networks latency measurements are made on, built layer by layer from their
 * published layer lists (int8), so that the latency model can be evaluated on them:
 * MLPerf Tiny's four reference models (github.com/mlcommons/tiny, benchmark/training/: keyword
 * spotting DS-CNN, visual wake words MobileNet v1 0.25, image classification ResNet-8, anomaly
 * detection FC autoencoder) and TFLite Micro's person detection example (MobileNet v1 0.25 on a
 * one-channel image).
 */
public final class Workloads {
    private Workloads() {}

    /** Every workload name a measurement or a calibration may use. */
    public static final List<String> NAMES = Calibration.WORKLOADS;

    /** The workload called {@code workload}, one of {@link #NAMES}. */
    public static Graph byName(String workload) {
        return switch (workload) {
            case "mlperf-tiny-vww" -> mobileNetV1Quarter(3);
            case "tflm-person-detection" -> mobileNetV1Quarter(1);
            case "mlperf-tiny-kws" -> dsCnn();
            case "mlperf-tiny-ic" -> resNet8();
            case "mlperf-tiny-ad" -> fcAutoencoder();
            default -> throw new IllegalArgumentException("no workload \"" + workload + "\"; use one of " + String.join(", ", NAMES));
        };
    }

    /** MobileNet v1 with width 0.25 on a 96x96 image with {@code channels} channels, 2 classes (VWW; TFLM's person detection has 1 channel). */
    public static Graph mobileNetV1Quarter(int channels) {
        GraphBuilder b = new GraphBuilder("mobilenet_v1_0.25_96x96x" + channels);
        int x = b.input("image", DType.I8, 1, 96, 96, channels);
        x = conv(b, "conv0", x, channels, 8, 3, 3, 2);
        int[][] blocks = {{1, 16}, {2, 32}, {1, 32}, {2, 64}, {1, 64}, {2, 128}, {1, 128}, {1, 128}, {1, 128}, {1, 128}, {1, 128}, {2, 256}, {1, 256}};
        int c = 8;
        for (int i = 0; i < blocks.length; i++) {
            x = depthwise(b, "dw" + i, x, c, 3, blocks[i][0]);
            x = conv(b, "pw" + i, x, c, blocks[i][1], 1, 1, 1);
            c = blocks[i][1];
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 3, 3, 3, 3, Op.Act.NONE), "pool", x);
        x = conv(b, "logits", x, 256, 2, 1, 1, 1);
        x = b.node(new Op.Reshape(new int[] {1, 2}), "flat", x);
        x = b.node(new Op.Softmax(1f), "probs", x);
        return b.output(x).build();
    }

    /** MLPerf Tiny's keyword-spotting DS-CNN: 49x10 MFCC input, a 10x4 stride-2 conv, four depthwise-separable blocks of 64 channels, 12 classes. */
    public static Graph dsCnn() {
        GraphBuilder b = new GraphBuilder("ds_cnn");
        int x = b.input("mfcc", DType.I8, 1, 49, 10, 1);
        x = conv(b, "conv0", x, 1, 64, 10, 4, 2);
        for (int i = 0; i < 4; i++) {
            x = depthwise(b, "dw" + i, x, 64, 3, 1);
            x = conv(b, "pw" + i, x, 64, 64, 1, 1, 1);
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 25, 5, 25, 5, Op.Act.NONE), "pool", x);
        x = b.node(new Op.Reshape(new int[] {1, 64}), "flat", x);
        int w = b.constant("fc/w", DType.I8, Shape.of(12, 64), new byte[12 * 64]);
        int bias = b.constant("fc/b", DType.I32, Shape.of(12), new byte[12 * 4]);
        x = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w, bias);
        x = b.node(new Op.Softmax(1f), "probs", x);
        return b.output(x).build();
    }

    /** MLPerf Tiny's image-classification ResNet-8 on 32x32x3 CIFAR-10 images: three residual stacks of 16, 32, 64 channels. */
    public static Graph resNet8() {
        GraphBuilder b = new GraphBuilder("resnet8");
        int x = b.input("image", DType.I8, 1, 32, 32, 3);
        x = conv(b, "conv0", x, 3, 16, 3, 3, 1);
        int c = 16;
        int[] widths = {16, 32, 64};
        for (int s = 0; s < 3; s++) {
            int w = widths[s], stride = s == 0 ? 1 : 2;
            int y = conv(b, "s" + s + "/a", x, c, w, 3, 3, stride);
            y = conv(b, "s" + s + "/b", y, w, w, 3, 3, 1);
            int shortcut = s == 0 ? x : conv(b, "s" + s + "/shortcut", x, c, w, 1, 1, stride);
            x = b.node(new Op.Add(Op.Act.RELU), "s" + s + "/add", y, shortcut);
            c = w;
        }
        x = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 8, 8, 8, 8, Op.Act.NONE), "pool", x);
        x = b.node(new Op.Reshape(new int[] {1, 64}), "flat", x);
        x = fc(b, "fc", x, 64, 10);
        return b.output(b.node(new Op.Softmax(1f), "probs", x)).build();
    }

    /** MLPerf Tiny's anomaly-detection autoencoder: 640 inputs, dense layers 128-128-128-128-8-128-128-128-128-640. */
    public static Graph fcAutoencoder() {
        GraphBuilder b = new GraphBuilder("fc_autoencoder");
        int x = b.input("frames", DType.I8, 1, 640);
        int[] sizes = {640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640};
        for (int i = 1; i < sizes.length; i++) x = fc(b, "dense" + i, x, sizes[i - 1], sizes[i]);
        return b.output(x).build();
    }

    private static int fc(GraphBuilder b, String name, int x, int in, int out) {
        int w = b.constant(name + "/w", DType.I8, Shape.of(out, in), new byte[out * in]);
        int bias = b.constant(name + "/b", DType.I32, Shape.of(out), new byte[out * 4]);
        return b.node(new Op.FullyConnected(Op.Act.RELU, false), name, x, w, bias);
    }

    private static int conv(GraphBuilder b, String name, int x, int in, int out, int kh, int kw, int stride) {
        int w = b.constant(name + "/w", DType.I8, Shape.of(out, kh, kw, in), new byte[out * kh * kw * in]);
        int bias = b.constant(name + "/b", DType.I32, Shape.of(out), new byte[out * 4]);
        return b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.RELU6), name, x, w, bias);
    }

    private static int depthwise(GraphBuilder b, String name, int x, int c, int k, int stride) {
        int w = b.constant(name + "/w", DType.I8, Shape.of(1, k, k, c), new byte[k * k * c]);
        int bias = b.constant(name + "/b", DType.I32, Shape.of(c), new byte[c * 4]);
        return b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, stride, stride, 1, 1, 1, Op.Act.RELU6), name, x, w, bias);
    }
}
