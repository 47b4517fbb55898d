package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * DEPTHWISE_CONV_2D, float and int8 per-channel, with depth multiplier, as TFLite's reference kernels.
 * {@link #plan} checks a node for any depthwise kernel, the fast one ({@code
 * kernels.fast.FastDepthwiseConv}) included.
 */
public final class DepthwiseConv2DKernel implements Kernel {
    private final boolean inPlace;

    public DepthwiseConv2DKernel() { this(false); }

    /**
     * {@code inPlace}: the output shares the input's bytes; runs one channel at a time through a plane
     * of scratch.
     */
    public DepthwiseConv2DKernel(boolean inPlace) { this.inPlace = inPlace; }

    /** The geometry of one depthwise convolution (filter [1, kH, kW, outC], {@code outC = inC * multiplier}). */
    public record Geometry(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW, int multiplier,
                           int strideH, int strideW, int dilH, int dilW, int padH, int padW) {}

    /**
     * A checked DEPTHWISE_CONV_2D node: geometry, tensor ids ({@code bias} -1 when absent), and the
     * float activation range ({@code quant} null) or the int8 requantization.
     */
    public record Plan(Geometry geometry, int input, int filter, int bias, int output, float min, float max, ConvQuant quant) {
        public boolean int8() { return quant != null; }
    }

    /** Checks a DEPTHWISE_CONV_2D node's tensors and computes its geometry and (for int8) requantization. */
    public static Plan plan(Node node, Graph g) {
        Op.DepthwiseConv2D op = (Op.DepthwiseConv2D) node.op();
        ConvTensors ct = ConvTensors.of(node, g, 0, 1, 2);
        Tensor in = ct.in(), filter = ct.filter(), bias = ct.bias(), out = ct.out();
        int[] x = ct.x(), f = ct.f(), y = ct.y();
        if (y[3] != f[3]) throw fail(node, "the output has " + y[3] + " channels, the filter " + f[3]);
        if (x[3] == 0 || f[3] % x[3] != 0) throw fail(node, "the filter's " + f[3] + " channels are not a multiple of the input's " + x[3]);
        int m = f[3] / x[3];
        if (bias != null && bias.shape().elements() != f[3]) throw fail(node, "the bias has " + bias.shape().elements() + " values for " + f[3] + " output channels");
        Geometry geo = new Geometry(x[0], x[1], x[2], x[3], y[1], y[2], y[3], f[1], f[2], m, op.strideH(), op.strideW(),
                op.dilationH(), op.dilationW(),
                ShapeInference.padBefore(x[1], f[1], op.strideH(), op.dilationH(), op.padding()),
                ShapeInference.padBefore(x[2], f[2], op.strideW(), op.dilationW(), op.padding()));
        int ti = in.id(), tf = filter.id(), tb = bias == null ? -1 : bias.id(), to = out.id();
        if (in.dtype() == DType.F32) {
            KernelSupport.requireDType(node, filter, "the filter", DType.F32);
            KernelSupport.requireDType(node, out, "the output", DType.F32);
            float[] range = FixedPoint.activationRangeFloat(op.act());
            return new Plan(geo, ti, tf, tb, to, range[0], range[1], null);
        }
        ct.requireInt8(node, "input 0");
        return new Plan(geo, ti, tf, tb, to, 0f, 0f, ConvQuant.conv(node, in, filter, out, op.act(), f[3]));
    }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Plan plan = plan(node, g);
        Geometry geo = plan.geometry();
        int ti = plan.input(), tf = plan.filter(), tb = plan.bias(), to = plan.output();
        if (!plan.int8()) {
            float[] range = {plan.min(), plan.max()};
            if (inPlace) {
                checkInPlace(node, geo);
                float[] plane = new float[geo.outH() * geo.outW()];
                return a -> {
                    for (int c = 0; c < geo.outC(); c++) {
                        for (int oy = 0; oy < geo.outH(); oy++)
                            for (int ox = 0; ox < geo.outW(); ox++) plane[oy * geo.outW() + ox] = floatValue(a, geo, ti, tf, tb, 0, oy, ox, c, range[0], range[1]);
                        for (int p = 0; p < plane.length; p++) a.setF32(to, p * geo.outC() + c, plane[p]);
                    }
                };
            }
            return reference(plan);
        }
        ConvQuant q = plan.quant();
        if (inPlace) {
            checkInPlace(node, geo);
            byte[] plane = new byte[geo.outH() * geo.outW()];
            return a -> {
                for (int c = 0; c < geo.outC(); c++) {
                    for (int oy = 0; oy < geo.outH(); oy++)
                        for (int ox = 0; ox < geo.outW(); ox++) plane[oy * geo.outW() + ox] = (byte) int8Value(a, geo, q, ti, tf, tb, 0, oy, ox, c);
                    for (int p = 0; p < plane.length; p++) a.setI8(to, p * geo.outC() + c, plane[p]);
                }
            };
        }
        return reference(plan);
    }

    /** The reference kernel (not in place) for a planned node. */
    public static PreparedKernel reference(Plan p) {
        Geometry geo = p.geometry();
        int ti = p.input(), tf = p.filter(), tb = p.bias(), to = p.output();
        if (!p.int8()) return a -> floatConv(a, geo, ti, tf, tb, to, p.min(), p.max());
        return a -> int8Conv(a, geo, p.quant(), ti, tf, tb, to);
    }

    private static void checkInPlace(Node node, Geometry g) {
        if (g.batches() != 1 || g.multiplier() != 1 || (long) g.outH() * g.outW() > (long) g.inH() * g.inW()) {
            throw fail(node, "runs in place only with batch 1, depth multiplier 1 and an output no larger than the input");
        }
    }

    /** Output channel {@code oc} at (b, oy, ox), requantized: the reference loop's body. */
    static int int8Value(Arena a, Geometry g, ConvQuant q, int ti, int tf, int tb, int b, int oy, int ox, int oc) {
        int ic = oc / g.multiplier();
        int iy0 = oy * g.strideH() - g.padH(), ix0 = ox * g.strideW() - g.padW();
        int acc = 0;
        for (int fy = 0; fy < g.kH(); fy++) {
            int iy = iy0 + g.dilH() * fy;
            if (iy < 0 || iy >= g.inH()) continue;
            for (int fx = 0; fx < g.kW(); fx++) {
                int ix = ix0 + g.dilW() * fx;
                if (ix < 0 || ix >= g.inW()) continue;
                acc += a.i8(tf, (fy * g.kW() + fx) * g.outC() + oc) * (a.i8(ti, ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic) + q.inputOffset());
            }
        }
        if (tb >= 0) acc += a.i32(tb, oc);
        return q.requantize(acc, oc);
    }

    static float floatValue(Arena a, Geometry g, int ti, int tf, int tb, int b, int oy, int ox, int oc, float min, float max) {
        int ic = oc / g.multiplier();
        int iy0 = oy * g.strideH() - g.padH(), ix0 = ox * g.strideW() - g.padW();
        float total = 0f;
        for (int fy = 0; fy < g.kH(); fy++) {
            int iy = iy0 + g.dilH() * fy;
            for (int fx = 0; fx < g.kW(); fx++) {
                int ix = ix0 + g.dilW() * fx;
                if (ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH()) continue;
                total += a.f32(ti, ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic) * a.f32(tf, (fy * g.kW() + fx) * g.outC() + oc);
            }
        }
        float biasValue = tb >= 0 ? a.f32(tb, oc) : 0f;
        return Conv2DKernel.clamp(total + biasValue, min, max);
    }

    static void int8Conv(Arena a, Geometry g, ConvQuant q, int ti, int tf, int tb, int to) {
        checkBounds(a, g, ti, tf, to);
        for (int b = 0; b < g.batches(); b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int oc = 0; oc < g.outC(); oc++)
                        a.setI8(to, ((b * g.outH() + oy) * g.outW() + ox) * g.outC() + oc, int8Value(a, g, q, ti, tf, tb, b, oy, ox, oc));
    }

    /** The raw loops above index inside each tensor only if the shapes agree with the byte counts. */
    public static void checkBounds(Arena a, Geometry g, int ti, int tf, int to) {
        if ((long) g.batches() * g.inH() * g.inW() * g.inC() > a.elements(ti)
                || (long) g.kH() * g.kW() * g.outC() > a.elements(tf)
                || (long) g.batches() * g.outH() * g.outW() * g.outC() > a.elements(to)) {
            throw new IllegalStateException("depthwise geometry " + g + " exceeds its tensors");
        }
    }

    static void floatConv(Arena a, Geometry g, int ti, int tf, int tb, int to, float min, float max) {
        for (int b = 0; b < g.batches(); b++)
            for (int oy = 0; oy < g.outH(); oy++)
                for (int ox = 0; ox < g.outW(); ox++)
                    for (int oc = 0; oc < g.outC(); oc++)
                        a.setF32(to, ((b * g.outH() + oy) * g.outW() + ox) * g.outC() + oc, floatValue(a, g, ti, tf, tb, b, oy, ox, oc, min, max));
    }
}
