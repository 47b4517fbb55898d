package org.tinyfit.runtime.kernels.fast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.FullyConnectedKernel;
import org.tinyfit.runtime.kernels.fast.vector.VectorFullyConnected;

/**
 * FULLY_CONNECTED on arrays. int8: the input (plus its offset) is widened once per batch row and
 * dotted with each weight row (plus the weights' offset, precomputed). Integer sums are exact, so the
 * result equals the reference; large layers split their outputs across threads. float with constant
 * weights: {@link VectorFullyConnected} where {@link Simd#AVAILABLE}, else {@link #f32}; float with weights computed at run time runs the reference. Checks and
 * parameters are the reference's ({@link FullyConnectedKernel#plan}).
 */
public final class FastFullyConnected implements Kernel {
    private final boolean simd;

    /** Float on the Vector API where {@link Simd#AVAILABLE}. */
    public FastFullyConnected() { this(Simd.AVAILABLE); }

    /** {@code simd}: float with constant weights runs {@link VectorFullyConnected} (only when {@link Simd#AVAILABLE}). */
    public FastFullyConnected(boolean simd) { this.simd = simd && Simd.AVAILABLE; }

    @Override
    public PreparedKernel prepare(Node node, Graph graph) {
        FullyConnectedKernel.Plan p = FullyConnectedKernel.plan(node, graph);
        int batches = p.batches(), outDepth = p.outDepth(), accumDepth = p.accumDepth();
        if (p.int8()) return int8(p.quant(), p.filterOffset(), batches, outDepth, accumDepth, p.input(), p.weights(), p.bias(), p.output());
        if (!p.constantWeights()) {
            return a -> FullyConnectedKernel.floatFc(a, batches, outDepth, accumDepth, p.input(), p.weights(), p.bias(), p.output(), p.min(), p.max());
        }
        float[] weights = TensorBytes.floats(TensorBytes.le(graph.tensor(p.weights()).data()), outDepth * accumDepth);
        float[] bias = p.bias() < 0 ? null : TensorBytes.floats(TensorBytes.le(graph.tensor(p.bias()).data()), outDepth);
        if (simd) return VectorFullyConnected.f32(weights, bias, batches, outDepth, accumDepth, p.input(), p.output(), p.min(), p.max());
        return f32(weights, bias, batches, outDepth, accumDepth, p.input(), p.output(), p.min(), p.max());
    }

    private static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * float FULLY_CONNECTED with the constant weights and bias read into float arrays once; each
     * output sums its products in the reference's order (so the float result is the same).
     */
    static PreparedKernel f32(float[] weights, float[] bias, int batches, int outDepth, int accumDepth, int ti, int to, float min, float max) {
        float[] x = new float[accumDepth];
        return a -> {
            if ((long) batches * accumDepth > a.elements(ti) || (long) batches * outDepth > a.elements(to)) {
                throw new IllegalStateException("fully connected geometry exceeds its tensors");
            }
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            for (int b = 0; b < batches; b++) {
                for (int d = 0; d < accumDepth; d++) x[d] = (float) F32.get(in, inBase + 4 * (b * accumDepth + d));
                for (int oc = 0; oc < outDepth; oc++) {
                    float total = 0f;
                    int w = oc * accumDepth;
                    for (int d = 0; d < accumDepth; d++) total += x[d] * weights[w + d];
                    float v = total + (bias == null ? 0f : bias[oc]);
                    F32.set(out, outBase + 4 * (oc + outDepth * b), Conv2DKernel.clamp(v, min, max));
                }
            }
        };
    }

    static PreparedKernel int8(ConvQuant q, int filterOffset, int batches, int outDepth, int accumDepth, int ti, int tw, int tb, int to) {
        int[][] rows = new int[outDepth][];
        int[] bias = new int[outDepth];
        boolean[] ready = new boolean[1];
        boolean parallel = (long) batches * outDepth * accumDepth > FastConv.PARALLEL_MACS;
        int[] x = new int[accumDepth];
        return a -> {
            if (!ready[0]) {
                byte[] w = a.array(tw);
                int wBase = a.offset(tw);
                for (int oc = 0; oc < outDepth; oc++) {
                    rows[oc] = new int[accumDepth];
                    for (int d = 0; d < accumDepth; d++) rows[oc][d] = w[wBase + oc * accumDepth + d] + filterOffset;
                    bias[oc] = tb >= 0 ? a.i32(tb, oc) : 0;
                }
                ready[0] = true;
            }
            if ((long) batches * accumDepth > a.elements(ti) || (long) batches * outDepth > a.elements(to)) {
                throw new IllegalStateException("fully connected geometry exceeds its tensors");
            }
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            for (int b = 0; b < batches; b++) {
                for (int d = 0; d < accumDepth; d++) x[d] = in[inBase + b * accumDepth + d] + q.inputOffset();
                int bb = b;
                if (parallel) {
                    IntStream.range(0, outDepth).parallel().forEach(oc -> out[outBase + oc + outDepth * bb] = row(q, rows[oc], x, bias[oc], oc));
                } else {
                    for (int oc = 0; oc < outDepth; oc++) out[outBase + oc + outDepth * b] = row(q, rows[oc], x, bias[oc], oc);
                }
            }
        };
    }

    private static byte row(ConvQuant q, int[] w, int[] x, int bias, int oc) {
        int acc = 0;
        for (int d = 0; d < w.length; d++) acc += w[d] * x[d];
        return (byte) q.requantize(acc + bias, oc);
    }
}
