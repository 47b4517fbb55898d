package org.tinyfit.runtime.kernels.fast;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel.Geometry;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel;
import org.tinyfit.runtime.kernels.fast.vector.VectorDepthwiseConv;

/**
 * int8 DEPTHWISE_CONV_2D with channel-inner loops over int arrays: per output pixel, every channel's
 * accumulator advances together over the window. Integer sums are exact, so the bytes equal the
 * reference's; large layers split their rows across threads. Float with depth multiplier 1 runs on the
 * Vector API ({@link VectorDepthwiseConv}) where {@link Simd#AVAILABLE}, otherwise the reference. Checks and
 * parameters are the reference's ({@link DepthwiseConv2DKernel#plan}).
 */
public final class FastDepthwiseConv implements Kernel {
    private final boolean simd;

    /** Float on the Vector API where {@link Simd#AVAILABLE}. */
    public FastDepthwiseConv() { this(Simd.AVAILABLE); }

    /** {@code simd}: float with depth multiplier 1 runs {@link VectorDepthwiseConv} (only when {@link Simd#AVAILABLE}); otherwise the reference. */
    public FastDepthwiseConv(boolean simd) { this.simd = simd && Simd.AVAILABLE; }

    @Override
    public PreparedKernel prepare(Node node, Graph graph) {
        DepthwiseConv2DKernel.Plan p = DepthwiseConv2DKernel.plan(node, graph);
        if (p.int8()) return int8(p.geometry(), p.quant(), p.input(), p.filter(), p.bias(), p.output());
        Geometry g = p.geometry();
        if (simd && g.multiplier() == 1) {
            boolean parallel = (long) g.batches() * g.outH() * g.outW() * g.outC() * g.kH() * g.kW() > FastConv.PARALLEL_MACS;
            return VectorDepthwiseConv.floatConv(g, p.input(), p.filter(), p.bias(), p.output(), p.min(), p.max(), parallel);
        }
        return DepthwiseConv2DKernel.reference(p);
    }

    static PreparedKernel int8(Geometry g, ConvQuant q, int ti, int tf, int tb, int to) {
        int c = g.outC(), m = g.multiplier();
        int[] filter = new int[g.kH() * g.kW() * c];
        int[] bias = new int[c];
        boolean[] ready = new boolean[1];
        boolean parallel = (long) g.batches() * g.outH() * g.outW() * c * g.kH() * g.kW() > FastConv.PARALLEL_MACS;
        return a -> {
            if (!ready[0]) {
                for (int i = 0; i < filter.length; i++) filter[i] = a.i8(tf, i);
                for (int oc = 0; oc < c; oc++) bias[oc] = tb >= 0 ? a.i32(tb, oc) : 0;
                ready[0] = true;
            }
            DepthwiseConv2DKernel.checkBounds(a, g, ti, tf, to);
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            FastConv.forEachRow(g.batches() * g.outH(), parallel, row -> {
                int b = row / g.outH(), oy = row % g.outH();
                int[] acc = new int[c];
                int[] x = new int[c];
                int iy0 = oy * g.strideH() - g.padH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padW();
                    System.arraycopy(bias, 0, acc, 0, c);
                    for (int fy = 0; fy < g.kH(); fy++) {
                        int iy = iy0 + g.dilH() * fy;
                        if (iy < 0 || iy >= g.inH()) continue;
                        for (int fx = 0; fx < g.kW(); fx++) {
                            int ix = ix0 + g.dilW() * fx;
                            if (ix < 0 || ix >= g.inW()) continue;
                            int src = inBase + ((b * g.inH() + iy) * g.inW() + ix) * g.inC();
                            int tap = (fy * g.kW() + fx) * c;
                            if (m == 1) {
                                for (int oc = 0; oc < c; oc++) acc[oc] += filter[tap + oc] * (in[src + oc] + q.inputOffset());
                            } else {
                                for (int oc = 0; oc < c; oc++) x[oc] = in[src + oc / m] + q.inputOffset();
                                for (int oc = 0; oc < c; oc++) acc[oc] += filter[tap + oc] * x[oc];
                            }
                        }
                    }
                    int dst = outBase + ((b * g.outH() + oy) * g.outW() + ox) * c;
                    for (int oc = 0; oc < c; oc++) out[dst + oc] = (byte) q.requantize(acc[oc], oc);
                }
            });
        };
    }

}
