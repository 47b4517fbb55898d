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
 * TRANSPOSE_CONV, float and int8 per-channel, as TFLite Micro's reference: every input pixel
 * scatters through the filter into an int32 (or float) accumulator of the output's size, then bias,
 * requantization and the fused activation apply. The int8 accumulators live in the arena when the
 * plan places TFLite Micro's scratch buffer for them, else on the heap. Padding is computed from the output size as TFLite
 * does. Inputs: output shape, filter [O,KH,KW,I], input, bias (optional).
 */
public final class TransposeConvKernel implements Kernel {

    record Geometry(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW, int strideH, int strideW, int padH, int padW) {}

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.TransposeConv op = (Op.TransposeConv) node.op();
        ConvTensors ct = ConvTensors.of(node, g, 2, 1, 3);
        Tensor in = ct.in(), filter = ct.filter(), bias = ct.bias(), out = ct.out();
        int[] x = ct.x(), f = ct.f(), y = ct.y();
        if (x[3] != f[3]) throw fail(node, "input 2 has " + x[3] + " channels, the filter " + f[3]);
        if (y[3] != f[0]) throw fail(node, "the output has " + y[3] + " channels, the filter " + f[0]);
        if (x[0] != y[0]) throw fail(node, "the output's batch " + y[0] + " differs from the input's " + x[0]);
        Geometry geo = new Geometry(x[0], x[1], x[2], x[3], y[1], y[2], y[3], f[1], f[2], op.strideH(), op.strideW(),
                ShapeInference.padBefore(y[1], f[1], op.strideH(), 1, op.padding()),
                ShapeInference.padBefore(y[2], f[2], op.strideW(), 1, op.padding()));
        int ti = in.id(), tf = filter.id(), tb = bias == null ? -1 : bias.id(), to = out.id();
        int n = out.shape().elements();
        if (in.dtype() == DType.F32) {
            KernelSupport.requireDType(node, filter, "the filter", DType.F32);
            KernelSupport.requireDType(node, out, "the output", DType.F32);
            float[] r = FixedPoint.activationRangeFloat(op.act());
            return a -> floatTransposeConv(a, geo, ti, tf, tb, to, r[0], r[1], new float[n]);
        }
        ct.requireInt8(node, "input 2");
        ConvQuant q = ConvQuant.conv(node, in, filter, out, op.act(), f[0]);
        int[] heap = new int[n];
        int nodeId = node.id();
        return a -> {
            int off = a.scratchOffset(nodeId, 0, 4L * n);
            int8TransposeConv(a, geo, q, ti, tf, tb, to, off < 0 ? Int32Scratch.of(heap) : Int32Scratch.inArena(a, off, n));
        };
    }

    private static int at(Geometry g, int b, int y, int x, int c) { return ((b * g.outH() + y) * g.outW() + x) * g.outC() + c; }

    static void int8TransposeConv(Arena a, Geometry g, ConvQuant q, int ti, int tf, int tb, int to, Int32Scratch scratch) {
        scratch.clear();
        for (int b = 0; b < g.batches(); b++)
            for (int iy = 0; iy < g.inH(); iy++)
                for (int ix = 0; ix < g.inW(); ix++)
                    for (int ic = 0; ic < g.inC(); ic++) {
                        int ox0 = ix * g.strideW() - g.padW(), oy0 = iy * g.strideH() - g.padH();
                        int iv = a.i8(ti, ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic);
                        for (int fy = 0; fy < g.kH(); fy++)
                            for (int fx = 0; fx < g.kW(); fx++)
                                for (int oc = 0; oc < g.outC(); oc++) {
                                    int ox = ox0 + fx, oy = oy0 + fy;
                                    if (ox >= 0 && ox < g.outW() && oy >= 0 && oy < g.outH()) {
                                        int fv = a.i8(tf, ((oc * g.kH() + fy) * g.kW() + fx) * g.inC() + ic);
                                        int at = at(g, b, oy, ox, oc);
                                        scratch.set(at, scratch.get(at) + (iv + q.inputOffset()) * fv);
                                    }
                                }
                    }
        for (int i = 0; i < scratch.length(); i++) {
            int oc = i % g.outC();
            int acc = scratch.get(i);
            if (tb >= 0) acc += a.i32(tb, oc);
            a.setI8(to, i, q.requantize(acc, oc));
        }
    }

    static void floatTransposeConv(Arena a, Geometry g, int ti, int tf, int tb, int to, float min, float max, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        for (int b = 0; b < g.batches(); b++)
            for (int iy = 0; iy < g.inH(); iy++)
                for (int ix = 0; ix < g.inW(); ix++)
                    for (int ic = 0; ic < g.inC(); ic++) {
                        int ox0 = ix * g.strideW() - g.padW(), oy0 = iy * g.strideH() - g.padH();
                        float iv = a.f32(ti, ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + ic);
                        for (int fy = 0; fy < g.kH(); fy++)
                            for (int fx = 0; fx < g.kW(); fx++)
                                for (int oc = 0; oc < g.outC(); oc++) {
                                    int ox = ox0 + fx, oy = oy0 + fy;
                                    if (ox >= 0 && ox < g.outW() && oy >= 0 && oy < g.outH()) {
                                        acc[at(g, b, oy, ox, oc)] += iv * a.f32(tf, ((oc * g.kH() + fy) * g.kW() + fx) * g.inC() + ic);
                                    }
                                }
                    }
        for (int i = 0; i < acc.length; i++) {
            float v = acc[i] + (tb >= 0 ? a.f32(tb, i % g.outC()) : 0f);
            a.setF32(to, i, Conv2DKernel.clamp(v, min, max));
        }
    }
}
