package org.tinyfit.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TensorValues;

/** Float networks built in code with seeded He-initialized weights, and helpers to run them. */
final class QuantTestNets {
    private QuantTestNets() {}

    /** conv(RELU) -> depthwise(RELU6) -> max pool -> conv -> mean -> fully connected -> softmax. */
    static Graph cnn(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("cnn");
        int x = b.input("x", DType.F32, 1, 12, 12, 2);
        int c1 = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "conv1", x, weights(b, r, "w1", 8, 3, 3, 2), bias(b, r, "b1", 8));
        int d1 = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 1, Op.Act.RELU6), "dw1", c1, weights(b, r, "dw", 1, 3, 3, 8), bias(b, r, "db", 8));
        int p1 = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "pool", d1);
        int c2 = b.node(new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE), "conv2", p1, weights(b, r, "w2", 6, 3, 3, 8), bias(b, r, "b2", 6));
        int axes = b.constant("axes", DType.I32, Shape.of(2), ints(1, 2));
        int m = b.node(new Op.Mean(false), "mean", c2, axes);
        int f = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", m, weights(b, r, "wf", 5, 6), bias(b, r, "bf", 5));
        int s = b.node(new Op.Softmax(1f), "probs", f);
        return b.output(s).build();
    }

    /**
     * Two branches joined by a concatenation: conv(RELU), and conv -> TANH; then conv, an ADD of a
     * constant, average pool, reshape, fully connected, logistic. The concatenation joins TANH's fixed
     * scale with a ReLU range it cannot hold.
     */
    static Graph branchy(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("branchy");
        int x = b.input("x", DType.F32, 1, 8, 8, 3);
        int a = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "a", x, weights(b, r, "wa", 4, 3, 3, 3), bias(b, r, "ba", 4));
        int c = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "c", x, weights(b, r, "wc", 4, 1, 1, 3), bias(b, r, "bc", 4));
        int t = b.node(new Op.Tanh(), "t", c);
        int cat = b.node(new Op.Concat(3, Op.Act.NONE), "cat", a, t);
        int d = b.node(new Op.Conv2D(Op.Padding.SAME, 2, 2, 1, 1, Op.Act.NONE), "d", cat, weights(b, r, "wd", 6, 3, 3, 8), bias(b, r, "bd", 6));
        int k = b.constant("k", DType.F32, Shape.of(6), floats(gaussians(r, 6)));
        int e = b.node(new Op.Add(Op.Act.RELU), "e", d, k);
        int p = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "p", e);
        int shape = b.constant("shape", DType.I32, Shape.of(2), ints(1, 24));
        int flat = b.node(new Op.Reshape(new int[] {1, 24}), "flat", p, shape);
        int f = b.node(new Op.FullyConnected(Op.Act.NONE, false), "f", flat, weights(b, r, "wf", 3, 24), bias(b, r, "bf", 3));
        int y = b.node(new Op.Logistic(), "y", f);
        return b.output(y).build();
    }

    /**
     * The MLPerf Tiny image-classification ResNet-8 by its published layer list (resnet_v1_eembc), with
     * batch norm folded and seeded He-normal weights: 32x32x3 -> conv 16 3x3 (ReLU); a stack of two
     * conv 16 3x3 with an identity shortcut; two stacks of conv 3x3 stride 2 and conv 3x3 (32, then 64
     * filters) whose shortcut is a 1x1 conv of stride 2; each stack's ADD with a fused ReLU; 8x8 average
     * pool, flatten, dense 10, softmax.
     */
    static Graph resnet8(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("resnet8");
        int x = b.input("input_1", DType.F32, 1, 32, 32, 3);
        x = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "conv0", x, weights(b, r, "w0", 16, 3, 3, 3), bias(b, r, "b0", 16));
        int in = 16;
        int[] filters = {16, 32, 64};
        for (int s = 0; s < 3; s++) {
            int f = filters[s], stride = s == 0 ? 1 : 2;
            String p = "stack" + (s + 1);
            int y = b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.RELU), p + "/conv1", x, weights(b, r, p + "/w1", f, 3, 3, in), bias(b, r, p + "/b1", f));
            y = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), p + "/conv2", y, weights(b, r, p + "/w2", f, 3, 3, f), bias(b, r, p + "/b2", f));
            int shortcut = s == 0 ? x
                    : b.node(new Op.Conv2D(Op.Padding.SAME, 2, 2, 1, 1, Op.Act.NONE), p + "/shortcut", x, weights(b, r, p + "/ws", f, 1, 1, in), bias(b, r, p + "/bs", f));
            x = b.node(new Op.Add(Op.Act.RELU), p + "/add", shortcut, y);
            in = f;
        }
        int pool = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 8, 8, 8, 8, Op.Act.NONE), "pool", x);
        int shape = b.constant("flat/shape", DType.I32, Shape.of(2), ints(1, 64));
        int flat = b.node(new Op.Reshape(new int[] {1, 64}), "flat", pool, shape);
        int logits = b.node(new Op.FullyConnected(Op.Act.NONE, false), "dense", flat, weights(b, r, "wd", 10, 64), bias(b, r, "bd", 10));
        int probs = b.node(new Op.Softmax(1f), "probs", logits);
        return b.output(probs).build();
    }

    static int weights(GraphBuilder b, Random r, String name, int... dims) {
        Shape s = Shape.of(dims);
        boolean depthwise = dims.length == 4 && dims[0] == 1;
        int fanIn = depthwise ? dims[1] * dims[2] : s.elements() / dims[0];
        float[] v = gaussians(r, s.elements());
        float k = (float) Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return b.constant(name, DType.F32, s, floats(v));
    }

    static int bias(GraphBuilder b, Random r, String name, int n) {
        float[] v = gaussians(r, n);
        for (int i = 0; i < n; i++) v[i] *= 0.1f;
        return b.constant(name, DType.F32, Shape.of(n), floats(v));
    }

    static float[] gaussians(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    static byte[] floats(float[] v) { return TensorBytes.ofFloats(v); }

    static byte[] ints(int... v) { return TensorBytes.ofInts(v); }

    /** {@code n} samples of standard normal values for a one-input graph. */
    static List<float[][]> samples(Graph g, int n, long seed) {
        Random r = new Random(seed);
        int len = g.tensor(g.inputs()[0]).shape().elements();
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new float[][] {gaussians(r, len)});
        return out;
    }

    /** Runs a one-input, one-output graph on real values; returns the real output (dequantized when int8). */
    static double[] run(Graph g, float[] input) {
        return runner(g).apply(input);
    }

    /** A function running {@code g} (one input, one output) in one interpreter, prepared once. */
    static java.util.function.Function<float[], double[]> runner(Graph g) {
        Schedule s = Schedule.stored(g);
        Interpreter it = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s));
        return input -> {
            double[] real = new double[input.length];
            for (int i = 0; i < real.length; i++) real[i] = input[i];
            byte[] in = TensorValues.fromReal(g.tensor(g.inputs()[0]), real, "test input");
            return TensorValues.real(g.tensor(g.outputs()[0]), it.run(new byte[][] {in})[0]);
        };
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
