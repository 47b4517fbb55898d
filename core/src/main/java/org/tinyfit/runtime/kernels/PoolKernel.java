package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/** AVERAGE_POOL_2D and MAX_POOL_2D, float and int8 (input and output share their quantization, as in TFLite). */
public final class PoolKernel implements Kernel {
    private final boolean inPlace;

    public PoolKernel() { this(false); }

    /** {@code inPlace}: the output shares the input's bytes; runs one channel at a time through a plane of scratch. */
    public PoolKernel(boolean inPlace) { this.inPlace = inPlace; }

    record Geometry(int batches, int inH, int inW, int depth, int outH, int outW, int kH, int kW, int strideH, int strideW, int padH, int padW) {}

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.Pool2D op = (Op.Pool2D) node.op();
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireRank(node, in, "input 0", 4);
        KernelSupport.requireRank(node, out, "the output", 4);
        int[] x = in.shape().dims(), y = out.shape().dims();
        if (x[0] != y[0] || x[3] != y[3]) throw fail(node, "input 0 has shape " + in.shape() + ", the output " + out.shape() + ": batch and channels must match");
        Geometry geo = new Geometry(x[0], x[1], x[2], x[3], y[1], y[2], op.filterH(), op.filterW(), op.strideH(), op.strideW(),
                ShapeInference.padBefore(x[1], op.filterH(), op.strideH(), 1, op.padding()),
                ShapeInference.padBefore(x[2], op.filterW(), op.strideW(), 1, op.padding()));
        boolean avg = op.pool() == Op.PoolKind.AVG;
        int ti = in.id(), to = out.id();
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8);
        KernelSupport.requireDType(node, out, "the output", in.dtype());
        if (inPlace && (geo.batches() != 1 || (long) geo.outH() * geo.outW() > (long) geo.inH() * geo.inW())) {
            throw fail(node, "runs in place only with batch 1 and an output no larger than the input");
        }
        if (in.dtype() == DType.F32) {
            float[] r = FixedPoint.activationRangeFloat(op.act());
            if (inPlace) {
                float[] plane = new float[geo.outH() * geo.outW()];
                return a -> {
                    for (int c = 0; c < geo.depth(); c++) {
                        for (int oy = 0; oy < geo.outH(); oy++)
                            for (int ox = 0; ox < geo.outW(); ox++) plane[oy * geo.outW() + ox] = floatValue(a, geo, avg, ti, 0, oy, ox, c, r[0], r[1]);
                        for (int p = 0; p < plane.length; p++) a.setF32(to, p * geo.depth() + c, plane[p]);
                    }
                };
            }
            return a -> floatPool(a, geo, avg, ti, to, r[0], r[1]);
        }
        Tensor outT = out;
        int[] r = FixedPoint.activationRange(op.act(), QuantParams.scale(node, outT, "output"), QuantParams.zeroPoint(node, outT, "output"), -128, 127);
        if (inPlace) {
            byte[] plane = new byte[geo.outH() * geo.outW()];
            return a -> {
                for (int c = 0; c < geo.depth(); c++) {
                    for (int oy = 0; oy < geo.outH(); oy++)
                        for (int ox = 0; ox < geo.outW(); ox++) plane[oy * geo.outW() + ox] = (byte) int8Value(node, a, geo, avg, ti, 0, oy, ox, c, r[0], r[1]);
                    for (int p = 0; p < plane.length; p++) a.setI8(to, p * geo.depth() + c, plane[p]);
                }
            };
        }
        return a -> int8Pool(node, a, geo, avg, ti, to, r[0], r[1]);
    }

    static void int8Pool(Node node, Arena a, Geometry g, boolean avg, int ti, int to, int actMin, int actMax) {
        for (int b = 0; b < g.batches(); b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int c = 0; c < g.depth(); c++)
                        a.setI8(to, ((b * g.outH() + oy) * g.outW() + ox) * g.depth() + c, int8Value(node, a, g, avg, ti, b, oy, ox, c, actMin, actMax));
    }

    /** One int8 output element: TFLite's average (rounded half away from zero) or maximum over the window, clamped. */
    static int int8Value(Node node, Arena a, Geometry g, boolean avg, int ti, int b, int oy, int ox, int c, int actMin, int actMax) {
        int ix0 = ox * g.strideW() - g.padW();
        int iy0 = oy * g.strideH() - g.padH();
        int fx0 = Math.max(0, -ix0), fx1 = Math.min(g.kW(), g.inW() - ix0);
        int fy0 = Math.max(0, -iy0), fy1 = Math.min(g.kH(), g.inH() - iy0);
        int v;
        if (avg) {
            int acc = 0, count = 0;
            for (int fy = fy0; fy < fy1; fy++) {
                for (int fx = fx0; fx < fx1; fx++) {
                    acc += a.i8(ti, ((b * g.inH() + iy0 + fy) * g.inW() + ix0 + fx) * g.depth() + c);
                    count++;
                }
            }
            if (count == 0) throw fail(node, "output (" + oy + ", " + ox + ") has an empty pooling window");
            v = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        } else {
            v = -128;
            for (int fy = fy0; fy < fy1; fy++) {
                for (int fx = fx0; fx < fx1; fx++) v = Math.max(v, a.i8(ti, ((b * g.inH() + iy0 + fy) * g.inW() + ix0 + fx) * g.depth() + c));
            }
        }
        return FixedPoint.clamp(v, actMin, actMax);
    }

    static void floatPool(Arena a, Geometry g, boolean avg, int ti, int to, float actMin, float actMax) {
        for (int b = 0; b < g.batches(); b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int c = 0; c < g.depth(); c++)
                        a.setF32(to, ((b * g.outH() + oy) * g.outW() + ox) * g.depth() + c, floatValue(a, g, avg, ti, b, oy, ox, c, actMin, actMax));
    }

    static float floatValue(Arena a, Geometry g, boolean avg, int ti, int b, int oy, int ox, int c, float actMin, float actMax) {
        int ix0 = ox * g.strideW() - g.padW();
        int iy0 = oy * g.strideH() - g.padH();
        int fx0 = Math.max(0, -ix0), fx1 = Math.min(g.kW(), g.inW() - ix0);
        int fy0 = Math.max(0, -iy0), fy1 = Math.min(g.kH(), g.inH() - iy0);
        float v;
        if (avg) {
            float total = 0f, count = 0f;
            for (int fy = fy0; fy < fy1; fy++) {
                for (int fx = fx0; fx < fx1; fx++) {
                    total += a.f32(ti, ((b * g.inH() + iy0 + fy) * g.inW() + ix0 + fx) * g.depth() + c);
                    count++;
                }
            }
            v = total / count;
        } else {
            v = -Float.MAX_VALUE;
            for (int fy = fy0; fy < fy1; fy++) {
                for (int fx = fx0; fx < fx1; fx++) v = Math.max(v, a.f32(ti, ((b * g.inH() + iy0 + fy) * g.inW() + ix0 + fx) * g.depth() + c));
            }
        }
        return Conv2DKernel.clamp(v, actMin, actMax);
    }
}
