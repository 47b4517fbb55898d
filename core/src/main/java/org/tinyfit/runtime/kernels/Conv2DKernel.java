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
 * CONV_2D, float and int8 (per-channel int8 weights, int32 bias), as TFLite's reference kernels:
 * padding, stride, dilation, groups, fused activation. {@link #plan} checks a node and computes what
 * any CONV_2D kernel needs; the fast one ({@code kernels.fast.FastConv}) starts from it too and is
 * tested against this reference.
 */
public final class Conv2DKernel implements Kernel {
    private final boolean inPlace;

    public Conv2DKernel() { this(false); }

    /**
     * {@code inPlace}: the output shares the input's bytes (a 1x1 convolution, {@link org.tinyfit.memory.InPlace}):
     * each input pixel is copied into a pixel buffer before its output pixel is written, first to last
     * pixel, or last to first when the output has more channels.
     */
    public Conv2DKernel(boolean inPlace) { this.inPlace = inPlace; }

    /** The geometry of one convolution (filter [outC, kH, kW, filterInC]; {@code inC / filterInC} groups). */
    public record Geometry(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW, int filterInC,
                           int strideH, int strideW, int dilH, int dilW, int padH, int padW) {
        public int groups() { return inC / filterInC; }

        public int filtersPerGroup() { return outC / groups(); }
    }

    /**
     * A checked CONV_2D node: its geometry, tensor ids ({@code bias} -1 when absent), and either the
     * float activation range ({@code quant} null) or the int8 requantization; {@code constantWeights}:
     * filter and bias are constants.
     */
    public record Plan(Geometry geometry, int input, int filter, int bias, int output, float min, float max, ConvQuant quant,
                       boolean constantWeights) {
        public boolean int8() { return quant != null; }
    }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Plan p = plan(node, g);
        Geometry geo = p.geometry();
        int ti = p.input(), tf = p.filter(), tb = p.bias(), to = p.output();
        if (inPlace) return inPlace(node, g, p);
        if (!p.int8()) return a -> floatConv(a, geo, ti, tf, tb, to, p.min(), p.max());
        return a -> int8Conv(a, geo, p.quant(), ti, tf, tb, to);
    }

    private static PreparedKernel inPlace(Node node, Graph graph, Plan p) {
        Geometry g = p.geometry();
        if (g.batches() != 1 || g.groups() != 1) throw fail(node, "runs in place, which only a convolution of batch 1 without groups can");
        if (g.kH() != 1 || g.kW() != 1 || g.strideH() != 1 || g.strideW() != 1) {
            int lag = org.tinyfit.memory.InPlace.rowLag(graph, node, (Op.Conv2D) node.op());
            if (lag < 0) throw fail(node, "runs in place, which its rows do not allow");
            return rowByRow(p, lag);
        }
        int pixels = g.outH() * g.outW(), inC = g.inC(), outC = g.outC();
        boolean lastFirst = outC > inC;
        int ti = p.input(), tf = p.filter(), tb = p.bias(), to = p.output();
        if (!p.int8()) {
            float[] pixel = new float[inC];
            return a -> {
                for (int k = 0; k < pixels; k++) {
                    int px = lastFirst ? pixels - 1 - k : k;
                    for (int ic = 0; ic < inC; ic++) pixel[ic] = a.f32(ti, px * inC + ic);
                    for (int oc = 0; oc < outC; oc++) {
                        float total = 0f;
                        for (int ic = 0; ic < inC; ic++) total += pixel[ic] * a.f32(tf, oc * inC + ic);
                        float biasValue = tb >= 0 ? a.f32(tb, oc) : 0f;
                        a.setF32(to, px * outC + oc, clamp(total + biasValue, p.min(), p.max()));
                    }
                }
            };
        }
        ConvQuant q = p.quant();
        byte[] pixel = new byte[inC];
        return a -> {
            for (int k = 0; k < pixels; k++) {
                int px = lastFirst ? pixels - 1 - k : k;
                for (int ic = 0; ic < inC; ic++) pixel[ic] = a.i8(ti, px * inC + ic);
                for (int oc = 0; oc < outC; oc++) {
                    int acc = 0;
                    for (int ic = 0; ic < inC; ic++) acc += a.i8(tf, oc * inC + ic) * (pixel[ic] + q.inputOffset());
                    if (tb >= 0) acc += a.i32(tb, oc);
                    a.setI8(to, px * outC + oc, q.requantize(acc, oc));
                }
            }
        };
    }

    /** Checks a CONV_2D node's tensors and computes its geometry and (for int8) requantization. */
    public static Plan plan(Node node, Graph g) {
        Op.Conv2D op = (Op.Conv2D) node.op();
        ConvTensors ct = ConvTensors.of(node, g, 0, 1, 2);
        Tensor in = ct.in(), filter = ct.filter(), bias = ct.bias(), out = ct.out();
        int[] x = ct.x(), f = ct.f(), y = ct.y();
        if (f[3] <= 0 || x[3] % f[3] != 0) throw fail(node, "input 0 has " + x[3] + " channels, not a multiple of the filter's " + f[3]);
        if (y[3] != f[0]) throw fail(node, "the output has " + y[3] + " channels, the filter " + f[0]);
        if ((f[0] % (x[3] / f[3])) != 0) throw fail(node, "the filter's " + f[0] + " outputs do not divide into " + (x[3] / f[3]) + " groups");
        if (bias != null && bias.shape().elements() != f[0]) throw fail(node, "the bias has " + bias.shape().elements() + " values for " + f[0] + " output channels");
        Geometry geo = new Geometry(x[0], x[1], x[2], x[3], y[1], y[2], y[3], f[1], f[2], f[3], op.strideH(), op.strideW(),
                op.dilationH(), op.dilationW(),
                ShapeInference.padBefore(x[1], f[1], op.strideH(), op.dilationH(), op.padding()),
                ShapeInference.padBefore(x[2], f[2], op.strideW(), op.dilationW(), op.padding()));
        if (y[0] != x[0]) throw fail(node, "the output's batch " + y[0] + " differs from the input's " + x[0]);
        int ti = in.id(), tf = filter.id(), tb = bias == null ? -1 : bias.id(), to = out.id();
        if (in.dtype() == DType.F32) {
            KernelSupport.requireDType(node, filter, "the filter", DType.F32);
            KernelSupport.requireDType(node, out, "the output", DType.F32);
            if (bias != null) KernelSupport.requireDType(node, bias, "the bias", DType.F32);
            float[] range = FixedPoint.activationRangeFloat(op.act());
            return new Plan(geo, ti, tf, tb, to, range[0], range[1], null, filter.isConstant() && (bias == null || bias.isConstant()));
        }
        ct.requireInt8(node, "input 0");
        ConvQuant q = ConvQuant.conv(node, in, filter, out, op.act(), f[0]);
        return new Plan(geo, ti, tf, tb, to, 0f, 0f, q, filter.isConstant() && (bias == null || bias.isConstant()));
    }

    /**
     * In place, output rows first to last through a ring of {@code lag + 1} row buffers: once row r is
     * computed, row r - lag goes to its place ({@link org.tinyfit.memory.InPlace#rowLag}: only over input
     * rows no later row reads); the last rows once all are computed.
     */
    private static PreparedKernel rowByRow(Plan p, int lag) {
        Geometry g = p.geometry();
        int ti = p.input(), tf = p.filter(), tb = p.bias(), to = p.output(), row = g.outW() * g.outC(), slots = lag + 1;
        if (!p.int8()) {
            float[] ring = new float[slots * row];
            return a -> {
                for (int oy = 0; oy < g.outH(); oy++) {
                    int base = (oy % slots) * row;
                    for (int ox = 0; ox < g.outW(); ox++) {
                        for (int oc = 0; oc < g.outC(); oc++) {
                            float total = 0f;
                            for (int fy = 0; fy < g.kH(); fy++) {
                                int iy = oy * g.strideH() - g.padH() + g.dilH() * fy;
                                for (int fx = 0; fx < g.kW(); fx++) {
                                    int ix = ox * g.strideW() - g.padW() + g.dilW() * fx;
                                    if (ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH()) continue;
                                    for (int ic = 0; ic < g.inC(); ic++) {
                                        total += a.f32(ti, (iy * g.inW() + ix) * g.inC() + ic) * a.f32(tf, ((oc * g.kH() + fy) * g.kW() + fx) * g.inC() + ic);
                                    }
                                }
                            }
                            ring[base + ox * g.outC() + oc] = clamp(total + (tb >= 0 ? a.f32(tb, oc) : 0f), p.min(), p.max());
                        }
                    }
                    if (oy >= lag) for (int i = 0; i < row; i++) a.setF32(to, (oy - lag) * row + i, ring[((oy - lag) % slots) * row + i]);
                }
                for (int r = Math.max(0, g.outH() - lag); r < g.outH(); r++) for (int i = 0; i < row; i++) a.setF32(to, r * row + i, ring[(r % slots) * row + i]);
            };
        }
        ConvQuant q = p.quant();
        byte[] ring = new byte[slots * row];
        return a -> {
            for (int oy = 0; oy < g.outH(); oy++) {
                int base = (oy % slots) * row;
                for (int ox = 0; ox < g.outW(); ox++) {
                    for (int oc = 0; oc < g.outC(); oc++) {
                        int acc = 0;
                        for (int fy = 0; fy < g.kH(); fy++) {
                            int iy = oy * g.strideH() - g.padH() + g.dilH() * fy;
                            for (int fx = 0; fx < g.kW(); fx++) {
                                int ix = ox * g.strideW() - g.padW() + g.dilW() * fx;
                                if (ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH()) continue;
                                for (int ic = 0; ic < g.inC(); ic++) {
                                    acc += a.i8(tf, ((oc * g.kH() + fy) * g.kW() + fx) * g.inC() + ic) * (a.i8(ti, (iy * g.inW() + ix) * g.inC() + ic) + q.inputOffset());
                                }
                            }
                        }
                        if (tb >= 0) acc += a.i32(tb, oc);
                        ring[base + ox * g.outC() + oc] = (byte) q.requantize(acc, oc);
                    }
                }
                if (oy >= lag) for (int i = 0; i < row; i++) a.setI8(to, (oy - lag) * row + i, ring[((oy - lag) % slots) * row + i]);
            }
            for (int r = Math.max(0, g.outH() - lag); r < g.outH(); r++) for (int i = 0; i < row; i++) a.setI8(to, r * row + i, ring[(r % slots) * row + i]);
        };
    }

    static void int8Conv(Arena a, Geometry g, ConvQuant q, int ti, int tf, int tb, int to) {
        int fpg = g.filtersPerGroup();
        for (int b = 0; b < g.batches(); b++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padW();
                    for (int oc = 0; oc < g.outC(); oc++) {
                        int group = oc / fpg;
                        int acc = 0;
                        for (int fy = 0; fy < g.kH(); fy++) {
                            int iy = iy0 + g.dilH() * fy;
                            for (int fx = 0; fx < g.kW(); fx++) {
                                int ix = ix0 + g.dilW() * fx;
                                if (ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH()) continue;
                                for (int ic = 0; ic < g.filterInC(); ic++) {
                                    int iv = a.i8(ti, ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic + group * g.filterInC());
                                    int fv = a.i8(tf, ((oc * g.kH() + fy) * g.kW() + fx) * g.filterInC() + ic);
                                    acc += fv * (iv + q.inputOffset());
                                }
                            }
                        }
                        if (tb >= 0) acc += a.i32(tb, oc);
                        a.setI8(to, ((b * g.outH() + oy) * g.outW() + ox) * g.outC() + oc, q.requantize(acc, oc));
                    }
                }
            }
        }
    }

    static void floatConv(Arena a, Geometry g, int ti, int tf, int tb, int to, float min, float max) {
        int fpg = g.filtersPerGroup();
        for (int b = 0; b < g.batches(); b++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padW();
                    for (int oc = 0; oc < g.outC(); oc++) {
                        int group = oc / fpg;
                        float total = 0f;
                        for (int fy = 0; fy < g.kH(); fy++) {
                            int iy = iy0 + g.dilH() * fy;
                            for (int fx = 0; fx < g.kW(); fx++) {
                                int ix = ix0 + g.dilW() * fx;
                                if (ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH()) continue;
                                for (int ic = 0; ic < g.filterInC(); ic++) {
                                    float iv = a.f32(ti, ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic + group * g.filterInC());
                                    float fv = a.f32(tf, ((oc * g.kH() + fy) * g.kW() + fx) * g.filterInC() + ic);
                                    total += iv * fv;
                                }
                            }
                        }
                        float biasValue = tb >= 0 ? a.f32(tb, oc) : 0f;
                        a.setF32(to, ((b * g.outH() + oy) * g.outW() + ox) * g.outC() + oc, clamp(total + biasValue, min, max));
                    }
                }
            }
        }
    }

    /** Clamps a float result to the fused activation's range. */
    public static float clamp(float v, float min, float max) { return Math.min(Math.max(v, min), max); }
}
