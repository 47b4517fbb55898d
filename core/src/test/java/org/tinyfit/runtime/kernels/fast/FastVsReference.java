package org.tinyfit.runtime.kernels.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.Schedule;
import org.tinyfit.runtime.Bytes;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TestPlans;

/** Runs random graphs on the reference and the fast kernels; the fast ones must give the same bytes. */
final class FastVsReference {
    private FastVsReference() {}

    static byte[] sameOnBoth(Graph g, byte[] input) {
        byte[] ref = new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 0), Interpreter.defaultProviders(), false).run(new byte[][] {input})[0];
        byte[] fast = new Interpreter(g, Schedule.stored(g), TestPlans.firstFit(g, Schedule.stored(g)), Interpreter.defaultProviders(), true).run(new byte[][] {input})[0];
        assertArrayEquals(ref, fast, g.toString());
        return ref;
    }

    static byte[] data(Random r, DType dt, int n) {
        if (dt == DType.F32) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
            return Bytes.f32(v);
        }
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** A random float or int8 layer: {@code kind} 0 a (maybe grouped) CONV_2D, 1 a DEPTHWISE_CONV_2D, 2 a FULLY_CONNECTED. */
    static void randomLayer(long seed, boolean int8, int kind) {
        Random r = new Random(seed);
        DType dt = int8 ? DType.I8 : DType.F32;
        int h = 1 + r.nextInt(12), w = 1 + r.nextInt(12), kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
        int sh = 1 + r.nextInt(3), sw = 1 + r.nextInt(3), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
        Op.Padding pad = r.nextBoolean() ? Op.Padding.SAME : Op.Padding.VALID;
        Op.Act act = Op.Act.values()[r.nextInt(4)];
        GraphBuilder b = new GraphBuilder("fast");
        Quantization inQ = int8 ? Quantization.perTensor(0.02f + r.nextFloat() * 0.1f, r.nextInt(50) - 25) : null;
        Quantization outQ = int8 ? Quantization.perTensor(0.05f + r.nextFloat() * 0.5f, r.nextInt(50) - 25) : null;
        int inC, outC, filterCount;
        int[] fShape;
        Op op;
        int axis;
        if (kind == 0) { // conv, maybe grouped
            int groups = 1 + r.nextInt(2);
            inC = groups * (1 + r.nextInt(5));
            outC = groups * (1 + r.nextInt(6));
            fShape = new int[] {outC, kh, kw, inC / groups};
            op = new Op.Conv2D(pad, sh, sw, dh, dw, act);
            axis = 0;
        } else if (kind == 1) { // depthwise
            int m = 1 + r.nextInt(2);
            inC = 1 + r.nextInt(8);
            outC = inC * m;
            fShape = new int[] {1, kh, kw, outC};
            op = new Op.DepthwiseConv2D(pad, sh, sw, dh, dw, m, act);
            axis = 3;
        } else { // fully connected
            inC = 1 + r.nextInt(40);
            outC = 1 + r.nextInt(20);
            fShape = new int[] {outC, inC};
            op = new Op.FullyConnected(act, false);
            axis = 0;
            h = 1 + r.nextInt(3);
            w = 1;
        }
        filterCount = Shape.of(fShape).elements();
        int[] inShape = kind == 2 ? new int[] {h, inC} : new int[] {1 + r.nextInt(2), h, w, inC};
        float[] scales = new float[outC];
        for (int c = 0; c < outC; c++) scales[c] = 0.005f + r.nextFloat() * 0.02f;
        Quantization fQ = int8 ? (r.nextBoolean() ? new Quantization(scales, new long[outC], axis) : Quantization.perTensor(scales[0], 0)) : null;
        int x = b.input("x", dt, inQ, inShape);
        int f = b.constant("f", dt, Shape.of(fShape), fQ, data(r, dt, filterCount));
        int bias = -1;
        if (r.nextBoolean()) {
            if (int8) {
                int[] bv = new int[outC];
                for (int c = 0; c < outC; c++) bv[c] = r.nextInt(4001) - 2000;
                bias = b.constant("b", DType.I32, Shape.of(outC), Bytes.i32(bv));
            } else {
                bias = b.constant("b", DType.F32, Shape.of(outC), data(r, dt, outC));
            }
        }
        Graph g;
        try {
            int y = b.node(op, "y", dt, outQ, x, f, bias);
            g = b.output(y).build();
        } catch (GraphException e) {
            return; // a geometry with no output (window larger than a VALID image)
        }
        if (g.tensor(g.outputs()[0]).shape().elements() == 0) return;
        sameOnBoth(g, data(r, dt, Shape.of(inShape).elements()));
    }

    /** A large int8 ADD ({@code kind} 0), SUB (1) or MUL (2), maybe broadcasting. */
    static void largeInt8Elementwise(long seed, int kind, boolean broadcast) {
        Random r = new Random(seed);
        int rows = 64 + r.nextInt(64), cols = 64 + r.nextInt(8);
        Op.Act act = Op.Act.values()[r.nextInt(4)];
        Op op = switch (kind) { case 0 -> new Op.Add(act); case 1 -> new Op.Sub(act); default -> new Op.Mul(act); };
        GraphBuilder b = new GraphBuilder("table");
        int x = b.input("x", DType.I8, Quantization.perTensor(0.01f + r.nextFloat() * 0.1f, r.nextInt(60) - 30), rows, cols);
        int yCols = broadcast ? 1 : cols;
        byte[] yData = data(r, DType.I8, rows * yCols);
        int y = b.constant("y", DType.I8, Shape.of(rows, yCols), Quantization.perTensor(0.01f + r.nextFloat() * 0.1f, r.nextInt(60) - 30), yData);
        int out = b.node(op, "z", DType.I8, Quantization.perTensor(0.02f + r.nextFloat() * 0.2f, r.nextInt(60) - 30), x, y);
        Graph g = b.output(out).build();
        sameOnBoth(g, data(r, DType.I8, rows * cols));
    }
}
