package org.tinyfit.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import org.tinyfit.cost.Work;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.train.ModelSpec;

/**
 * The networks {@link TrainThroughput} trains, each as a tinyfit model spec and as the same DJL
 * block, on 28×28×1 images and 10 classes: the benchmark CNN, a depthwise-separable CNN and an MLP,
 * with layer sizes from the search space's ladders (widths 16–64, dense 64–256). No batch norm, so
 * the two engines hold exactly the same parameters.
 */
enum TrainNetwork {
    CNN("conv3x3x16-relu-maxpool2-conv3x3x32-relu-maxpool2-dense10"),
    DWSEP("conv3x3x16-relu-maxpool2-dw3x3-relu-conv1x1x32-relu-maxpool2-dw3x3-relu-conv1x1x64-relu-avgpool7-dense10"),
    MLP("flatten784-dense256-relu-dense128-relu-dense64-relu-dense10");

    final String description;

    TrainNetwork(String description) { this.description = description; }

    static final int CLASSES = 10;

    String label() { return name().toLowerCase(java.util.Locale.ROOT); }

    ModelSpec spec() {
        ModelSpec.Builder b = ModelSpec.builder(28, 28, 1).name("throughput-" + label());
        switch (this) {
            case CNN -> b.conv(16, 3, "relu", false).maxPool(2).conv(32, 3, "relu", false).maxPool(2).flatten();
            case DWSEP -> b.conv(16, 3, "relu", false).maxPool(2)
                    .dwconv(3, 1, "relu", false).conv(32, 1, "relu", false).maxPool(2)
                    .dwconv(3, 1, "relu", false).conv(64, 1, "relu", false)
                    .add(new ModelSpec.Pool(false, 7, 7, Op.Padding.VALID)).flatten();
            case MLP -> b.flatten().dense(256, "relu").dense(128, "relu").dense(64, "relu");
        }
        return b.dense(CLASSES).build();
    }

    /** The same network as a DJL block: NCHW, which for one input channel is the NHWC batch's bytes. */
    SequentialBlock torchBlock() {
        SequentialBlock s = new SequentialBlock();
        switch (this) {
            case CNN -> s.add(conv(16, 3, 1)).add(Activation.reluBlock()).add(maxPool())
                    .add(conv(32, 3, 1)).add(Activation.reluBlock()).add(maxPool()).add(Blocks.batchFlattenBlock());
            case DWSEP -> s.add(conv(16, 3, 1)).add(Activation.reluBlock()).add(maxPool())
                    .add(conv(16, 3, 16)).add(Activation.reluBlock()).add(conv(32, 1, 1)).add(Activation.reluBlock()).add(maxPool())
                    .add(conv(32, 3, 32)).add(Activation.reluBlock()).add(conv(64, 1, 1)).add(Activation.reluBlock())
                    .add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
            case MLP -> s.add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                    .add(Linear.builder().setUnits(64).build()).add(Activation.reluBlock());
        }
        return s.add(Linear.builder().setUnits(CLASSES).build());
    }

    private static Conv2d conv(int filters, int k, int groups) {
        int pad = k / 2;
        return Conv2d.builder().setKernelShape(new Shape(k, k)).optPadding(new Shape(pad, pad)).optGroups(groups)
                .setFilters(filters).build();
    }

    private static ai.djl.nn.Block maxPool() { return Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)); }

    /**
     * Floating-point operations of one training step per sample: 2 per multiply-accumulate of the
     * forward pass, of the weight gradients and of the input gradients (none for the first layer,
     * whose input is the data).
     */
    static double trainingFlopsPerSample(Graph g) {
        long macs = 0;
        int input = g.inputs()[0];
        for (Node n : g.nodes()) {
            long m = Work.of(g, n).macs();
            if (m == 0) continue;
            boolean dataInput = reachesOnlyInput(g, n.input(0), input);
            macs += m * (dataInput ? 2 : 3);
        }
        int batch = g.tensor(input).shape().dims()[0];
        return 2.0 * macs / batch;
    }

    /** Whether tensor t is the graph input, possibly through reshapes (no gradient flows into it). */
    private static boolean reachesOnlyInput(Graph g, int t, int input) {
        while (t != input) {
            int p = g.producer(t);
            if (p < 0 || !(g.node(p).op() instanceof Op.Reshape)) return false;
            t = g.node(p).input(0);
        }
        return true;
    }

    /**
     * tinyfit's parameters in the order and layout of the DJL block's (weight then bias of each layer):
     * conv filters OHWI → OIHW, depthwise [1,KH,KW,C] → [C,1,KH,KW], and a dense layer after a
     * flattened H×W×C map (H·W &gt; 1, C &gt; 1) gets its columns in C,H,W order.
     */
    static List<float[]> torchLayout(Graph g, java.util.function.IntFunction<float[]> value) {
        List<float[]> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            switch (n.op()) {
                case Op.Conv2D c -> {
                    int[] d = g.tensor(n.input(1)).shape().dims();
                    out.add(ohwiToOihw(value.apply(n.input(1)), d[0], d[1], d[2], d[3]));
                    out.add(value.apply(n.input(2)));
                }
                case Op.DepthwiseConv2D dw -> {
                    int[] d = g.tensor(n.input(1)).shape().dims();
                    // [1,KH,KW,C] is OHWI with I and O swapped: the same transposition with O = 1, I = C
                    out.add(ohwiToOihw(value.apply(n.input(1)), 1, d[1], d[2], d[3]));
                    out.add(value.apply(n.input(2)));
                }
                case Op.FullyConnected fc -> {
                    float[] w = value.apply(n.input(1));
                    int[] d = g.tensor(n.input(1)).shape().dims();
                    int[] before = flattenedFrom(g, n.input(0));
                    if (before != null && before[0] * before[1] > 1 && before[2] > 1) w = hwcColumnsToChw(w, d[0], before[0], before[1], before[2]);
                    out.add(w);
                    out.add(value.apply(n.input(2)));
                }
                default -> { }
            }
        }
        return out;
    }

    /** The [H,W,C] per-sample shape a flatten reshaped into t, or null. */
    private static int[] flattenedFrom(Graph g, int t) {
        int p = g.producer(t);
        if (p < 0 || !(g.node(p).op() instanceof Op.Reshape)) return null;
        int[] d = g.tensor(g.node(p).input(0)).shape().dims();
        return d.length == 4 ? new int[] {d[1], d[2], d[3]} : null;
    }

    private static float[] ohwiToOihw(float[] w, int o, int h, int wd, int i) {
        float[] r = new float[w.length];
        for (int a = 0; a < o; a++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < wd; x++)
                    for (int c = 0; c < i; c++) r[((a * i + c) * h + y) * wd + x] = w[((a * h + y) * wd + x) * i + c];
        return r;
    }

    private static float[] hwcColumnsToChw(float[] w, int rows, int h, int wd, int c) {
        int in = h * wd * c;
        float[] r = new float[w.length];
        for (int o = 0; o < rows; o++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < wd; x++)
                    for (int ch = 0; ch < c; ch++) r[o * in + (ch * h + y) * wd + x] = w[o * in + (y * wd + x) * c + ch];
        return r;
    }
}
