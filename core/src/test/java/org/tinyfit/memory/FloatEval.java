package org.tinyfit.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;

/** A plain float32 evaluator for the few ops the memory tests build, to check that rewrites keep results. */
final class FloatEval {
    private FloatEval() {}

    static float[][] run(Graph g, float[]... inputs) {
        float[][] v = new float[g.tensors().size()][];
        for (Tensor t : g.tensors()) if (t.isConstant() && t.dtype() == DType.F32) v[t.id()] = floats(t.data());
        int[] ins = g.inputs();
        for (int i = 0; i < ins.length; i++) v[ins[i]] = inputs[i];
        for (Node n : g.nodes()) v[n.output(0)] = eval(g, n, v);
        int[] outs = g.outputs();
        float[][] r = new float[outs.length][];
        for (int i = 0; i < outs.length; i++) r[i] = v[outs[i]];
        return r;
    }

    static float[] floats(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.length / 4];
        for (int i = 0; i < f.length; i++) f[i] = bb.getFloat(i * 4);
        return f;
    }

    /** {@code n} standard normal values from {@code r}. */
    static float[] gaussians(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** Standard normal values for {@code g}'s first input, drawn from {@code seed}. */
    static float[] randomInput(Graph g, long seed) {
        return gaussians(new Random(seed), g.tensor(g.inputs()[0]).shape().elements());
    }

    /** A float32 constant of shape {@code dims} with standard normal values from {@code r}. */
    static int randomConstant(GraphBuilder b, Random r, String name, int... dims) {
        Shape s = Shape.of(dims);
        return b.constant(name, DType.F32, s, bytes(gaussians(r, s.elements())));
    }

    static byte[] bytes(float[] f) {
        ByteBuffer bb = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : f) bb.putFloat(x);
        return bb.array();
    }

    private static void unsupported(Node n) {
        throw new IllegalArgumentException("FloatEval does not run " + n.label());
    }

    private static float act(Op.Act a, float x) {
        return switch (a) {
            case NONE -> x;
            case RELU -> Math.max(0, x);
            case RELU6 -> Math.min(6, Math.max(0, x));
            case RELU_N1_TO_1, TANH, SIGN_BIT -> throw new IllegalArgumentException(a.toString());
        };
    }

    private static float[] eval(Graph g, Node n, float[][] v) {
        Shape xs = g.tensor(n.input(0)).shape(), ys = g.tensor(n.output(0)).shape();
        float[] x = v[n.input(0)];
        float[] y = new float[ys.elements()];
        switch (n.op()) {
            case Op.Conv2D c -> {
                Shape fs = g.tensor(n.input(1)).shape();
                float[] f = v[n.input(1)], b = n.hasInput(2) ? v[n.input(2)] : null;
                int kh = fs.dim(1), kw = fs.dim(2), ci = xs.dim(3), co = ys.dim(3);
                int pt = ShapeInference.padBefore(xs.dim(1), kh, c.strideH(), c.dilationH(), c.padding());
                int pl = ShapeInference.padBefore(xs.dim(2), kw, c.strideW(), c.dilationW(), c.padding());
                for (int oy = 0; oy < ys.dim(1); oy++) for (int ox = 0; ox < ys.dim(2); ox++) for (int o = 0; o < co; o++) {
                    float s = b == null ? 0 : b[o];
                    for (int ky = 0; ky < kh; ky++) for (int kx = 0; kx < kw; kx++) {
                        int iy = oy * c.strideH() + ky * c.dilationH() - pt, ix = ox * c.strideW() + kx * c.dilationW() - pl;
                        if (iy < 0 || ix < 0 || iy >= xs.dim(1) || ix >= xs.dim(2)) continue;
                        for (int i = 0; i < ci; i++) s += x[(iy * xs.dim(2) + ix) * ci + i] * f[((o * kh + ky) * kw + kx) * ci + i];
                    }
                    y[(oy * ys.dim(2) + ox) * co + o] = act(c.act(), s);
                }
            }
            case Op.DepthwiseConv2D d -> {
                Shape fs = g.tensor(n.input(1)).shape();
                float[] f = v[n.input(1)], b = n.hasInput(2) ? v[n.input(2)] : null;
                int kh = fs.dim(1), kw = fs.dim(2), ci = xs.dim(3), co = ys.dim(3), m = co / ci;
                int pt = ShapeInference.padBefore(xs.dim(1), kh, d.strideH(), d.dilationH(), d.padding());
                int pl = ShapeInference.padBefore(xs.dim(2), kw, d.strideW(), d.dilationW(), d.padding());
                for (int oy = 0; oy < ys.dim(1); oy++) for (int ox = 0; ox < ys.dim(2); ox++) for (int o = 0; o < co; o++) {
                    float s = b == null ? 0 : b[o];
                    for (int ky = 0; ky < kh; ky++) for (int kx = 0; kx < kw; kx++) {
                        int iy = oy * d.strideH() + ky * d.dilationH() - pt, ix = ox * d.strideW() + kx * d.dilationW() - pl;
                        if (iy < 0 || ix < 0 || iy >= xs.dim(1) || ix >= xs.dim(2)) continue;
                        s += x[(iy * xs.dim(2) + ix) * ci + o / m] * f[(ky * kw + kx) * co + o];
                    }
                    y[(oy * ys.dim(2) + ox) * co + o] = act(d.act(), s);
                }
            }
            case Op.Pool2D p -> {
                int c = xs.dim(3);
                int pt = ShapeInference.padBefore(xs.dim(1), p.filterH(), p.strideH(), 1, p.padding());
                int pl = ShapeInference.padBefore(xs.dim(2), p.filterW(), p.strideW(), 1, p.padding());
                for (int oy = 0; oy < ys.dim(1); oy++) for (int ox = 0; ox < ys.dim(2); ox++) for (int o = 0; o < c; o++) {
                    float s = p.pool() == Op.PoolKind.MAX ? Float.NEGATIVE_INFINITY : 0;
                    int count = 0;
                    for (int ky = 0; ky < p.filterH(); ky++) for (int kx = 0; kx < p.filterW(); kx++) {
                        int iy = oy * p.strideH() + ky - pt, ix = ox * p.strideW() + kx - pl;
                        if (iy < 0 || ix < 0 || iy >= xs.dim(1) || ix >= xs.dim(2)) continue;
                        float e = x[(iy * xs.dim(2) + ix) * c + o];
                        s = p.pool() == Op.PoolKind.MAX ? Math.max(s, e) : s + e;
                        count++;
                    }
                    y[(oy * ys.dim(2) + ox) * c + o] = act(p.act(), p.pool() == Op.PoolKind.MAX ? s : s / count);
                }
            }
            case Op.Relu r -> { for (int i = 0; i < y.length; i++) y[i] = Math.max(0, x[i]); }
            case Op.Relu6 r -> { for (int i = 0; i < y.length; i++) y[i] = Math.min(6, Math.max(0, x[i])); }
            case Op.Add a -> { float[] b = v[n.input(1)]; for (int i = 0; i < y.length; i++) y[i] = act(a.act(), x[i] + b[i]); }
            case Op.Concat c -> {
                int axis = c.axis() < 0 ? c.axis() + ys.rank() : c.axis();
                int outer = 1;
                for (int d = 0; d < axis; d++) outer *= ys.dim(d);
                int inner = 1;
                for (int d = axis + 1; d < ys.rank(); d++) inner *= ys.dim(d);
                int at = 0;
                for (int k = 0; k < n.inputCount(); k++) {
                    int len = g.tensor(n.input(k)).shape().dim(axis) * inner;
                    float[] src = v[n.input(k)];
                    for (int o = 0; o < outer; o++) System.arraycopy(src, o * len, y, o * ys.dim(axis) * inner + at, len);
                    at += len;
                }
            }
            case Op.TransposeConv o -> unsupported(n);
            case Op.FullyConnected o -> unsupported(n);
            case Op.Sub o -> unsupported(n);
            case Op.Mul o -> unsupported(n);
            case Op.Reshape o -> unsupported(n);
            case Op.Softmax o -> unsupported(n);
            case Op.Logistic o -> unsupported(n);
            case Op.Tanh o -> unsupported(n);
            case Op.LeakyRelu o -> unsupported(n);
            case Op.Pad o -> {
                int[] pv = org.tinyfit.graph.ShapeInference.ints(g.tensor(n.input(1)));
                for (int oy = 0; oy < ys.dim(1); oy++) for (int ox = 0; ox < ys.dim(2); ox++) for (int c = 0; c < ys.dim(3); c++) {
                    int iy = oy - pv[2], ix = ox - pv[4];
                    boolean in = iy >= 0 && ix >= 0 && iy < xs.dim(1) && ix < xs.dim(2);
                    y[(oy * ys.dim(2) + ox) * ys.dim(3) + c] = in ? x[(iy * xs.dim(2) + ix) * xs.dim(3) + c] : 0f;
                }
            }
            case Op.Mean o -> unsupported(n);
            case Op.Quantize o -> unsupported(n);
            case Op.Dequantize o -> unsupported(n);
            case Op.BatchNorm o -> unsupported(n);
            case Op.Dropout o -> unsupported(n);
            case Op.StridedSlice o -> {
                int[] begin = org.tinyfit.graph.ShapeInference.ints(g.tensor(n.input(1)));
                for (int oy = 0; oy < ys.dim(1); oy++) for (int ox = 0; ox < ys.dim(2); ox++) for (int c = 0; c < ys.dim(3); c++) {
                    y[(oy * ys.dim(2) + ox) * ys.dim(3) + c] = x[((oy + begin[1]) * xs.dim(2) + ox + begin[2]) * xs.dim(3) + c + begin[3]];
                }
            }
            case Op.Transpose o -> unsupported(n);
            case Op.Resize o -> unsupported(n);
            case Op.Svdf o -> unsupported(n);
            case Op.UnidirectionalSequenceLstm o -> unsupported(n);
            case Op.BidirectionalSequenceLstm o -> unsupported(n);
            case Op.Opaque o -> unsupported(n);
        }
        return y;
    }
}
