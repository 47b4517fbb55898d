package org.tinyfit.passes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;

/**
 * Seeded random float32 graphs of the shapes the passes rewrite: convolutions, depthwise
 * convolutions and fully connected layers, each maybe followed by a BatchNorm, an activation and a
 * Dropout; residual adds; sometimes a side output in the middle. And a way to run them.
 */
final class FloatGraphs {
    private final Random r;
    private final GraphBuilder b;
    private final List<Integer> sideOutputs = new ArrayList<>();
    private int names;

    private FloatGraphs(long seed) {
        r = new Random(seed);
        b = new GraphBuilder("float" + seed);
    }

    static Graph random(long seed, int blocks) {
        return new FloatGraphs(seed).make(blocks);
    }

    private Graph make(int blocks) {
        int size = 3 + r.nextInt(6);
        int x = b.input("x", DType.F32, 1, size, size, 1 + r.nextInt(4));
        for (int i = 0; i < blocks; i++) {
            x = switch (r.nextInt(4)) {
                case 0 -> after(conv(x));
                case 1 -> after(depthwise(x));
                case 2 -> residual(x);
                default -> after(b.node(new Op.Relu(), name("relu"), x));
            };
            if (r.nextInt(6) == 0) sideOutputs.add(x);
        }
        if (r.nextBoolean()) {
            int n = b.tensorAt(x).shape().elements();
            x = b.node(new Op.Reshape(new int[] {1, n}), name("flat"), x, b.constant(name("shape"), DType.I32, Shape.of(2), ints(1, n)));
            int units = 1 + r.nextInt(6);
            int w = constant(units, n);
            x = after(r.nextBoolean() ? b.node(new Op.FullyConnected(Op.Act.NONE, false), name("fc"), x, w, constant(units))
                    : b.node(new Op.FullyConnected(Op.Act.NONE, false), name("fc"), x, w));
        }
        b.output(x);
        for (int t : sideOutputs) if (t != x) b.output(t);
        return b.build();
    }

    private int conv(int x) {
        int in = b.tensorAt(x).shape().dim(3), out = 1 + r.nextInt(6), k = 1 + r.nextInt(3);
        Op.Conv2D op = new Op.Conv2D(r.nextBoolean() ? Op.Padding.SAME : Op.Padding.VALID, 1 + r.nextInt(2), 1 + r.nextInt(2), 1, 1, act());
        if (op.padding() == Op.Padding.VALID && k > Math.min(b.tensorAt(x).shape().dim(1), b.tensorAt(x).shape().dim(2))) op = new Op.Conv2D(Op.Padding.SAME, op.strideH(), op.strideW(), 1, 1, op.act());
        int w = constant(out, k, k, in);
        return r.nextBoolean() ? b.node(op, name("conv"), x, w, constant(out)) : b.node(op, name("conv"), x, w);
    }

    private int depthwise(int x) {
        int in = b.tensorAt(x).shape().dim(3), m = 1 + r.nextInt(2), k = 1 + r.nextInt(3);
        Op.DepthwiseConv2D op = new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, m, act());
        int w = constant(1, k, k, in * m);
        return r.nextBoolean() ? b.node(op, name("dw"), x, w, constant(in * m)) : b.node(op, name("dw"), x, w);
    }

    /** x + bn(conv(x)): a BatchNorm whose folded op's input is read twice, and an Add after it. */
    private int residual(int x) {
        int c = b.tensorAt(x).shape().dim(3);
        int y = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), name("conv"), x, constant(c, 3, 3, c), constant(c));
        y = batchNorm(y);
        return b.node(new Op.Add(r.nextInt(3) == 0 ? Op.Act.RELU : Op.Act.NONE), name("add"), x, y);
    }

    /** Maybe a BatchNorm, maybe an activation, maybe a Dropout. */
    private int after(int x) {
        if (r.nextInt(3) > 0) x = batchNorm(x);
        if (r.nextInt(5) == 0) sideOutputs.add(x);
        x = switch (r.nextInt(5)) {
            case 0 -> b.node(new Op.Relu(), name("relu"), x);
            case 1 -> b.node(new Op.Relu6(), name("relu6"), x);
            case 2 -> b.node(new Op.Tanh(), name("tanh"), x);
            default -> x;
        };
        if (r.nextInt(4) == 0) x = b.node(new Op.Dropout(0.5f), name("dropout"), x);
        return x;
    }

    private int batchNorm(int x) {
        int c = b.tensorAt(x).shape().dim(-1);
        float[] var = new float[c];
        for (int i = 0; i < c; i++) var[i] = 0.05f + 2 * r.nextFloat();
        return b.node(new Op.BatchNorm(1e-3f, 0.9f), name("bn"), x, constant(c), constant(c), constant(c),
                b.constant(name("var"), DType.F32, Shape.of(c), floats(var)));
    }

    /** Mostly none, sometimes a fused activation (which keeps a BatchNorm after it from folding). */
    private Op.Act act() { return r.nextInt(5) == 0 ? Op.Act.RELU : Op.Act.NONE; }

    private int constant(int... dims) {
        float[] v = new float[Shape.of(dims).elements()];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return b.constant(name("c"), DType.F32, Shape.of(dims), floats(v));
    }

    private String name(String kind) { return kind + (names++); }

    static byte[] floats(float... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        return bb.array();
    }

    static byte[] ints(int... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) bb.putInt(i);
        return bb.array();
    }

    static float[] floatsOf(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    /** Standard normal values for each of {@code g}'s inputs, from {@code seed}. */
    static byte[][] randomInputs(Graph g, long seed) {
        Random r = new Random(seed);
        int[] ins = g.inputs();
        byte[][] out = new byte[ins.length][];
        for (int i = 0; i < ins.length; i++) {
            float[] v = new float[g.tensor(ins[i]).shape().elements()];
            for (int k = 0; k < v.length; k++) v[k] = (float) r.nextGaussian();
            out[i] = floats(v);
        }
        return out;
    }

    /** {@code g} run in the runtime, in its stored order, in an arena planned as TFLite Micro plans it. */
    static byte[][] run(Graph g, byte[][] inputs) {
        Schedule s = Schedule.stored(g);
        return new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s)).run(inputs);
    }
}
