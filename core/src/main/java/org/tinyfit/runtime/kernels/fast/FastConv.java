package org.tinyfit.runtime.kernels.fast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.fast.vector.VectorConv;

/**
 * CONV_2D, float and int8. Float runs on the Vector API ({@link VectorConv}) where {@link Simd#AVAILABLE}; otherwise, and for int8,
 * by patches (im2col one output pixel at a time): the input window, offset by the input
 * zero point and with 0 where the window leaves the image, is gathered once per pixel and dotted with
 * every filter row. Integer sums are exact, so the result equals the reference bit for bit; float
 * sums run in the reference's order (row, column, channel), so they are equal too. Output rows are
 * split across threads when a layer is large. Checks and parameters are the reference's ({@link
 * Conv2DKernel#plan}).
 */
public final class FastConv implements Kernel {
    private final boolean simd;

    /** Float on the Vector API where {@link Simd#AVAILABLE}. */
    public FastConv() { this(Simd.AVAILABLE); }

    /** {@code simd}: float runs {@link VectorConv} (only when {@link Simd#AVAILABLE}); otherwise the scalar patches below. */
    public FastConv(boolean simd) { this.simd = simd && Simd.AVAILABLE; }

    @Override
    public PreparedKernel prepare(Node node, Graph graph) {
        Conv2DKernel.Plan p = Conv2DKernel.plan(node, graph);
        if (p.int8()) return int8Conv(p.geometry(), p.quant(), p.input(), p.filter(), p.bias(), p.output());
        Conv2DKernel.Geometry g = p.geometry();
        if (simd) {
            boolean parallel = (long) g.batches() * g.outH() * g.outW() * g.outC() * g.kH() * g.kW() * g.filterInC() > PARALLEL_MACS;
            return VectorConv.floatConv(g, p.input(), p.filter(), p.bias(), p.output(), p.min(), p.max(), p.constantWeights(), parallel);
        }
        return floatConv(g, p.input(), p.filter(), p.bias(), p.output(), p.min(), p.max(), p.constantWeights());
    }

    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Layers with more multiply-accumulates than this are split across threads. */
    static final long PARALLEL_MACS = 1L << 21;

    static PreparedKernel int8Conv(Conv2DKernel.Geometry g, ConvQuant q, int ti, int tf, int tb, int to) {
        int k = g.kH() * g.kW() * g.filterInC();
        int fpg = g.filtersPerGroup();
        boolean parallel = (long) g.batches() * g.outH() * g.outW() * g.outC() * k > PARALLEL_MACS;
        int[][] filterRows = new int[g.outC()][];
        int[] bias = new int[g.outC()];
        boolean[] ready = new boolean[1];
        return a -> {
            if (!ready[0]) {
                byte[] f = a.array(tf);
                int fBase = a.offset(tf);
                for (int oc = 0; oc < g.outC(); oc++) {
                    filterRows[oc] = new int[k];
                    for (int j = 0; j < k; j++) filterRows[oc][j] = f[fBase + oc * k + j];
                    bias[oc] = tb >= 0 ? a.i32(tb, oc) : 0;
                }
                ready[0] = true;
            }
            checkBounds(a, g, ti, to);
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            forEachRow(g.batches() * g.outH(), parallel, row -> {
                int b = row / g.outH(), oy = row % g.outH();
                int[] patch = new int[k];
                int iy0 = oy * g.strideH() - g.padH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padW();
                    int outPos = outBase + ((b * g.outH() + oy) * g.outW() + ox) * g.outC();
                    for (int group = 0; group < g.groups(); group++) {
                        int p = 0;
                        for (int fy = 0; fy < g.kH(); fy++) {
                            int iy = iy0 + g.dilH() * fy;
                            for (int fx = 0; fx < g.kW(); fx++) {
                                int ix = ix0 + g.dilW() * fx;
                                if (ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH()) {
                                    for (int ic = 0; ic < g.filterInC(); ic++) patch[p++] = 0;
                                } else {
                                    int src = inBase + ((b * g.inH() + iy) * g.inW() + ix) * g.inC() + group * g.filterInC();
                                    for (int ic = 0; ic < g.filterInC(); ic++) patch[p++] = in[src + ic] + q.inputOffset();
                                }
                            }
                        }
                        for (int oc = group * fpg; oc < (group + 1) * fpg; oc++) {
                            int[] w = filterRows[oc];
                            int acc = 0;
                            for (int j = 0; j < k; j++) acc += w[j] * patch[j];
                            out[outPos + oc] = (byte) q.requantize(acc + bias[oc], oc);
                        }
                    }
                }
            });
        };
    }

    /** {@code constantWeights}: filter and bias are constants, so they are read into arrays once, on the first run. */
    static PreparedKernel floatConv(Conv2DKernel.Geometry g, int ti, int tf, int tb, int to, float min, float max, boolean constantWeights) {
        int k = g.kH() * g.kW() * g.filterInC();
        int fpg = g.filtersPerGroup();
        boolean parallel = (long) g.batches() * g.outH() * g.outW() * g.outC() * k > PARALLEL_MACS;
        float[][] filterRows = new float[g.outC()][k];
        float[] bias = new float[g.outC()];
        boolean[] ready = new boolean[1];
        return a -> {
            checkBounds(a, g, ti, to);
            if (!constantWeights || !ready[0]) {
                for (int oc = 0; oc < g.outC(); oc++) for (int j = 0; j < k; j++) filterRows[oc][j] = a.f32(tf, oc * k + j);
                for (int oc = 0; oc < g.outC(); oc++) bias[oc] = tb >= 0 ? a.f32(tb, oc) : 0f;
                ready[0] = true;
            }
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            forEachRow(g.batches() * g.outH(), parallel, row -> {
                int b = row / g.outH(), oy = row % g.outH();
                float[] patch = new float[k];
                boolean[] inside = new boolean[g.kH() * g.kW()];
                int iy0 = oy * g.strideH() - g.padH();
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padW();
                    for (int group = 0; group < g.groups(); group++) {
                        int p = 0;
                        for (int fy = 0; fy < g.kH(); fy++) {
                            int iy = iy0 + g.dilH() * fy;
                            for (int fx = 0; fx < g.kW(); fx++) {
                                int ix = ix0 + g.dilW() * fx;
                                boolean ok = !(ix < 0 || ix >= g.inW() || iy < 0 || iy >= g.inH());
                                inside[fy * g.kW() + fx] = ok;
                                int src = inBase + 4 * (((b * g.inH() + iy) * g.inW() + ix) * g.inC() + group * g.filterInC());
                                for (int ic = 0; ic < g.filterInC(); ic++) patch[p++] = ok ? (float) F32.get(in, src + 4 * ic) : 0f;
                            }
                        }
                        for (int oc = group * fpg; oc < (group + 1) * fpg; oc++) {
                            float[] w = filterRows[oc];
                            float total = 0f;
                            int j = 0;
                            for (int t = 0; t < inside.length; t++) {
                                if (!inside[t]) { j += g.filterInC(); continue; }
                                for (int ic = 0; ic < g.filterInC(); ic++, j++) total += patch[j] * w[j];
                            }
                            F32.set(out, outBase + 4 * (((b * g.outH() + oy) * g.outW() + ox) * g.outC() + oc), Conv2DKernel.clamp(total + bias[oc], min, max));
                        }
                    }
                }
            });
        };
    }

    /** Runs {@code body} for each row 0..rows-1, split across threads when {@code parallel}. */
    static void forEachRow(int rows, boolean parallel, IntConsumer body) {
        IntStream range = IntStream.range(0, rows);
        (parallel ? range.parallel() : range).forEach(body);
    }

    /** The raw loops index inside each tensor only if the geometry agrees with the byte counts. */
    static void checkBounds(Arena a, Conv2DKernel.Geometry g, int ti, int to) {
        if ((long) g.batches() * g.inH() * g.inW() * g.inC() > a.elements(ti) || (long) g.batches() * g.outH() * g.outW() * g.outC() > a.elements(to)) {
            throw new IllegalStateException("convolution geometry " + g + " exceeds its tensors");
        }
    }
}
