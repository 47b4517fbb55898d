package org.tinyfit.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Writes the models of docs/bench-tflm-check.md with tinyfit's own writer: the demo network, inception-like,
 * residual and two-headed int8/float graphs, and eight random branchy float graphs. Run with the directory to
 * write to as the only argument.
 */
public final class TflmCheckModels {
    private TflmCheckModels() {}

    private static final Quantization Q = Quantization.perTensor(0.05f, -128);

    static byte[] w8(int n, int salt) {
        byte[] w = new byte[n];
        for (int i = 0; i < n; i++) w[i] = (byte) ((i * 37 + 11 + salt) % 15 - 7);
        return w;
    }
    static byte[] bias32(int n, int salt) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putInt(((i * 13 + salt) % 41) - 20);
        return b.array();
    }
    static byte[] f32(int n, int salt, float scale) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat((((i * 37 + 11 + salt) % 15) - 7) * scale);
        return b.array();
    }

    static Quantization fixedOut = null;
    static Quantization outQ(GraphBuilder b, int x, int terms) {
        if (fixedOut != null) return fixedOut;
        float sIn = b.tensorAt(x).quant().scales()[0];
        return Quantization.perTensor((float) (sIn * 0.01f * 3 * Math.sqrt(terms)), -128);
    }
    static int conv(GraphBuilder b, boolean fl, String name, int x, int in, int out, int k, int stride, Op.Act act) {
        int w, bias;
        if (fl) {
            w = b.constant(name + "/w", DType.F32, Shape.of(out, k, k, in), f32(out * k * k * in, name.length(), 0.02f));
            bias = b.constant(name + "/b", DType.F32, Shape.of(out), f32(out, 3, 0.01f));
        } else {
            w = b.constant(name + "/w", DType.I8, Shape.of(out, k, k, in), Quantization.perTensor(0.01f, 0), w8(out * k * k * in, name.length()));
            bias = b.constant(name + "/b", DType.I32, Shape.of(out), Quantization.perTensor(b.tensorAt(x).quant().scales()[0] * 0.01f, 0), bias32(out, name.length()));
        }
        Op op = new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, act);
        return fl ? b.node(op, name, x, w, bias) : b.node(op, name, DType.I8, outQ(b, x, k * k * in), x, w, bias);
    }
    static int dw(GraphBuilder b, boolean fl, String name, int x, int c, int stride) {
        int w, bias;
        if (fl) {
            w = b.constant(name + "/w", DType.F32, Shape.of(1, 3, 3, c), f32(9 * c, name.length(), 0.05f));
            bias = b.constant(name + "/b", DType.F32, Shape.of(c), f32(c, 5, 0.01f));
        } else {
            w = b.constant(name + "/w", DType.I8, Shape.of(1, 3, 3, c), Quantization.perTensor(0.01f, 0), w8(9 * c, name.length()));
            bias = b.constant(name + "/b", DType.I32, Shape.of(c), Quantization.perTensor(b.tensorAt(x).quant().scales()[0] * 0.01f, 0), bias32(c, name.length()));
        }
        Op op = new Op.DepthwiseConv2D(Op.Padding.SAME, stride, stride, 1, 1, 1, Op.Act.RELU6);
        return fl ? b.node(op, name, x, w, bias) : b.node(op, name, DType.I8, outQ(b, x, 9), x, w, bias);
    }
    static int head(GraphBuilder b, boolean fl, String name, int x, int hw, int c, int classes) {
        int pool = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, hw, hw, hw, hw, Op.Act.NONE), name + "/pool", x);
        int flat = b.node(new Op.Reshape(new int[] {1, c}), name + "/flatten", pool);
        int fc;
        if (fl) {
            int w = b.constant(name + "/fc/w", DType.F32, Shape.of(classes, c), f32(classes * c, 1, 0.03f));
            int bias = b.constant(name + "/fc/b", DType.F32, Shape.of(classes), f32(classes, 2, 0.01f));
            fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), name + "/fc", flat, w, bias);
            return b.node(new Op.Softmax(1f), name + "/probs", fc);
        }
        int w = b.constant(name + "/fc/w", DType.I8, Shape.of(classes, c), Quantization.perTensor(0.01f, 0), w8(classes * c, 4));
        int bias = b.constant(name + "/fc/b", DType.I32, Shape.of(classes), Quantization.perTensor(b.tensorAt(flat).quant().scales()[0] * 0.01f, 0), bias32(classes, 4));
        float sIn = b.tensorAt(flat).quant().scales()[0];
        fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), name + "/fc", DType.I8, Quantization.perTensor((float) (sIn * 0.01f * 2 * Math.sqrt(c)), 0), flat, w, bias);
        return b.node(new Op.Softmax(1f), name + "/probs", DType.I8, Quantization.perTensor(1f / 256, -128), fc);
    }

    /** Inception-like block, int8 or float; stored order runs the expanding branches first. */
    static Graph inception(boolean fl) {
        GraphBuilder b = new GraphBuilder(fl ? "inception-f32" : "inception-int8");
        int x = fl ? b.input("image", DType.F32, 1, 32, 32, 3) : b.input("image", DType.I8, Q, 1, 32, 32, 3);
        int stem = conv(b, fl, "stem", x, 3, 16, 3, 2, Op.Act.RELU);           // 16x16x16
        int c1 = conv(b, fl, "b4/expand", stem, 16, 96, 1, 1, Op.Act.RELU);     // 16x16x96 (big)
        if (!fl) fixedOut = Quantization.perTensor(0.02f, -128);
        int c2 = dw(b, fl, "b4/dw", c1, 96, 2); fixedOut = null;                                // 8x8x96
        int b2a = conv(b, fl, "b2/expand", stem, 16, 64, 1, 1, Op.Act.RELU);    // 16x16x64
        int b2b = dw(b, fl, "b2/dw", b2a, 64, 2);                               // 8x8x64
        if (!fl) fixedOut = Quantization.perTensor(0.02f, -128);
        int b2c = conv(b, fl, "b2/project", b2b, 64, 16, 1, 1, Op.Act.NONE); fixedOut = null;
        int b3a = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.SAME, 2, 2, 3, 3, Op.Act.NONE), "b3/pool", stem); // 8x8x16
        if (!fl) fixedOut = Quantization.perTensor(0.02f, -128);
        int b3b = conv(b, fl, "b3/conv", b3a, 16, 32, 1, 1, Op.Act.RELU);      // 8x8x32
        int b1 = conv(b, fl, "b1/conv", stem, 16, 16, 3, 2, Op.Act.RELU); fixedOut = null;
        int cat = b.node(new Op.Concat(3, Op.Act.NONE), "concat", c2, b2c, b3b, b1); // 8x8x160
        int mix = conv(b, fl, "mix", cat, 160, 32, 1, 1, Op.Act.RELU);
        return b.output(head(b, fl, "head", mix, 8, 32, 10)).build();
    }

    /** Residual int8: inverted-residual blocks with ADD skips, and two towers joined by ADD. */
    static Graph residual() {
        GraphBuilder b = new GraphBuilder("residual-int8");
        int x = b.input("image", DType.I8, Q, 1, 24, 24, 8);
        int stem = conv(b, false, "stem", x, 8, 16, 3, 1, Op.Act.RELU);                 // 24x24x16
        int e = conv(b, false, "r1/expand", stem, 16, 64, 1, 1, Op.Act.RELU);
        int d = dw(b, false, "r1/dw", e, 64, 1);
        int p = conv(b, false, "r1/project", d, 64, 16, 1, 1, Op.Act.NONE);
        int r1 = b.node(new Op.Add(Op.Act.NONE), "r1/add", stem, p);                    // 24x24x16
        int ta1 = conv(b, false, "ta/expand", r1, 16, 48, 1, 1, Op.Act.RELU);            // 24x24x48
        int tb1 = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "tb/pool", r1); // 12x12x16
        int ta2 = dw(b, false, "ta/dw", ta1, 48, 2);                                     // 12x12x48
        int tb2 = conv(b, false, "tb/expand", tb1, 16, 48, 1, 1, Op.Act.RELU);           // 12x12x48
        int ta3 = conv(b, false, "ta/project", ta2, 48, 24, 1, 1, Op.Act.NONE);          // 12x12x24
        int tb3 = conv(b, false, "tb/project", tb2, 48, 24, 1, 1, Op.Act.NONE);          // 12x12x24
        int sum = b.node(new Op.Add(Op.Act.RELU), "towers/add", ta3, tb3);
        return b.output(head(b, false, "head", sum, 12, 24, 4)).build();
    }

    /** Residual blocks, tower B stored first (its small output waits while tower A expands); int8 or float. */
    static Graph residualBFirst(boolean fl) {
        GraphBuilder b = new GraphBuilder(fl ? "residual-bfirst-f32" : "residual-bfirst-int8");
        int x = fl ? b.input("image", DType.F32, 1, 24, 24, 8) : b.input("image", DType.I8, Q, 1, 24, 24, 8);
        int stem = conv(b, fl, "stem", x, 8, 16, 3, 1, Op.Act.RELU);
        int e = conv(b, fl, "r1/expand", stem, 16, 32, 1, 1, Op.Act.RELU);
        int d = dw(b, fl, "r1/dw", e, 32, 1);
        int p = conv(b, fl, "r1/project", d, 32, 16, 1, 1, Op.Act.NONE);
        int r1 = b.node(new Op.Add(Op.Act.NONE), "r1/add", stem, p);
        int tb1 = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "tb/pool", r1);
        int tb2 = conv(b, fl, "tb/expand", tb1, 16, 48, 1, 1, Op.Act.RELU);
        int tb3 = conv(b, fl, "tb/project", tb2, 48, 24, 1, 1, Op.Act.NONE);
        int ta1 = conv(b, fl, "ta/expand", r1, 16, 96, 1, 1, Op.Act.RELU);
        int ta2 = dw(b, fl, "ta/dw", ta1, 96, 2);
        int ta3 = conv(b, fl, "ta/project", ta2, 96, 24, 1, 1, Op.Act.NONE);
        int sum = b.node(new Op.Add(Op.Act.RELU), "towers/add", ta3, tb3);
        return b.output(head(b, fl, "head", sum, 12, 24, 4)).build();
    }

    /** Two heads on one trunk (two outputs), int8; stored order interleaves the heads' big tensors. */
    static Graph twoHeads() {
        GraphBuilder b = new GraphBuilder("two-heads-int8");
        int x = b.input("image", DType.I8, Q, 1, 20, 20, 4);
        int t = conv(b, false, "trunk", x, 4, 16, 3, 1, Op.Act.RELU);      // 20x20x16
        int a1 = conv(b, false, "a/expand", t, 16, 64, 1, 1, Op.Act.RELU);  // 20x20x64
        int b1 = conv(b, false, "b/expand", t, 16, 64, 1, 1, Op.Act.RELU);  // 20x20x64
        int a2 = dw(b, false, "a/dw", a1, 64, 2);                           // 10x10x64
        int b2 = dw(b, false, "b/dw", b1, 64, 2);
        int ha = head(b, false, "ha", a2, 10, 64, 3);
        int hb = head(b, false, "hb", b2, 10, 64, 5);
        return b.output(ha, hb).build();
    }

    /**
     * A MobileNet v1 chain, width 0.25, int8, on a 96x96 image with {@code channels} channels and 2
     * classes (visual wake words): TFLite Micro's greedy planner needs more than the minimum arena for it.
     */
    static Graph mobilenetVww(int channels) { return mobilenetVww(channels, false); }

    /**
     * The same chain; with {@code meanHead} its classifier pools with an int8 MEAN, whose kernel asks
     * TFLite Micro for scratch buffers (int32 accumulators, iterators) that must fit around an offline plan.
     */
    static Graph mobilenetVww(int channels, boolean meanHead) {
        GraphBuilder b = new GraphBuilder("mobilenet-v1-0.25-vww-" + channels + (meanHead ? "-mean" : ""));
        int x = b.input("image", DType.I8, Q, 1, 96, 96, channels);
        fixedOut = Q; // one activation scale throughout, so a deep chain keeps RELU6 representable
        x = conv(b, false, "conv0", x, channels, 8, 3, 2, Op.Act.RELU6);
        int c = 8, hw = 48;
        int[][] blocks = {{1, 16}, {2, 32}, {1, 32}, {2, 64}, {1, 64}, {2, 128}, {1, 128}, {1, 128}, {1, 128}, {1, 128}, {1, 128}, {2, 256}, {1, 256}};
        for (int i = 0; i < blocks.length; i++) {
            x = dw(b, false, "dw" + (i + 1), x, c, blocks[i][0]);
            hw /= blocks[i][0];
            x = conv(b, false, "pw" + (i + 1), x, c, blocks[i][1], 1, 1, Op.Act.RELU6);
            c = blocks[i][1];
        }
        fixedOut = null;
        if (!meanHead) return b.output(head(b, false, "head", x, hw, c, 2)).build();
        ByteBuffer axes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(2);
        int ax = b.constant("head/axes", DType.I32, Shape.of(2), axes.array());
        int pooled = b.node(new Op.Mean(false), "head/mean", DType.I8, Q, x, ax);
        int w = b.constant("head/fc/w", DType.I8, Shape.of(2, c), Quantization.perTensor(0.01f, 0), w8(2 * c, 4));
        int bias = b.constant("head/fc/b", DType.I32, Shape.of(2), Quantization.perTensor(Q.scales()[0] * 0.01f, 0), bias32(2, 4));
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "head/fc", DType.I8, Quantization.perTensor(0.05f, 0), pooled, w, bias);
        return b.output(b.node(new Op.Softmax(1f), "head/probs", DType.I8, Quantization.perTensor(1f / 256, -128), fc)).build();
    }

    /** A random branchy float DAG on 16x16 maps: 1x1 convs, depthwise, ADD, CONCATENATION; loose ends concatenated. */
    static Graph randomDag(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("random-dag-" + seed);
        int x = b.input("image", DType.F32, 1, 16, 16, 4);
        List<Integer> ts = new ArrayList<>(), ch = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        ts.add(conv(b, true, "n0", x, 4, 8, 3, 1, Op.Act.RELU)); ch.add(8);
        int[] widths = {4, 8, 16, 32, 48};
        int n = 9 + r.nextInt(6);
        for (int i = 1; i <= n; i++) {
            int kind = r.nextInt(4);
            int a = r.nextInt(ts.size());
            if (kind == 2) {
                int bIdx = -1;
                for (int k = 0; k < 8 && bIdx < 0; k++) { int c = r.nextInt(ts.size()); if (c != a && ch.get(c).equals(ch.get(a))) bIdx = c; }
                if (bIdx < 0) kind = 0;
                else { used.add(a); used.add(bIdx); ts.add(b.node(new Op.Add(Op.Act.NONE), "n" + i, ts.get(a), ts.get(bIdx))); ch.add(ch.get(a)); continue; }
            }
            if (kind == 3) {
                int c = r.nextInt(ts.size());
                if (c == a) kind = 1;
                else { used.add(a); used.add(c); ts.add(b.node(new Op.Concat(3, Op.Act.NONE), "n" + i, ts.get(a), ts.get(c))); ch.add(ch.get(a) + ch.get(c)); continue; }
            }
            used.add(a);
            if (kind == 1) { ts.add(dw(b, true, "n" + i, ts.get(a), ch.get(a), 1)); ch.add(ch.get(a)); }
            else { int w = widths[r.nextInt(widths.length)]; ts.add(conv(b, true, "n" + i, ts.get(a), ch.get(a), w, 1, 1, Op.Act.RELU)); ch.add(w); }
        }
        List<Integer> ends = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < ts.size(); i++) if (!used.contains(i)) { ends.add(ts.get(i)); total += ch.get(i); }
        int last = ends.size() == 1 ? ends.get(0) : b.node(new Op.Concat(3, Op.Act.NONE), "ends", ends.stream().mapToInt(Integer::intValue).toArray());
        int out = conv(b, true, "out", last, total, 4, 1, 1, Op.Act.NONE);
        return b.output(out).build();
    }

    public static void main(String[] args) throws Exception {
        for (long seed = 1; seed <= 8; seed++) Files.write(Path.of(args[0]).resolve("random_dag_" + seed + ".tflite"), TfliteWriter.write(randomDag(seed)));
        Path dir = Path.of(args[0]);
        Files.write(dir.resolve("demo_cnn.tflite"), TfliteWriter.write(BoardsDemo.demoNetwork()));
        Files.write(dir.resolve("inception_int8.tflite"), TfliteWriter.write(inception(false)));
        Files.write(dir.resolve("inception_f32.tflite"), TfliteWriter.write(inception(true)));
        Files.write(dir.resolve("residual_int8.tflite"), TfliteWriter.write(residual()));
        Files.write(dir.resolve("residual_bfirst_int8.tflite"), TfliteWriter.write(residualBFirst(false)));
        Files.write(dir.resolve("residual_bfirst_f32.tflite"), TfliteWriter.write(residualBFirst(true)));
        Files.write(dir.resolve("two_heads_int8.tflite"), TfliteWriter.write(twoHeads()));
        Files.write(dir.resolve("mobilenet_vww_int8.tflite"), TfliteWriter.write(mobilenetVww(3)));
        Files.write(dir.resolve("mobilenet_vww1_int8.tflite"), TfliteWriter.write(mobilenetVww(1)));
        Files.write(dir.resolve("mobilenet_vww_mean_int8.tflite"), TfliteWriter.write(mobilenetVww(3, true)));
    }
}
