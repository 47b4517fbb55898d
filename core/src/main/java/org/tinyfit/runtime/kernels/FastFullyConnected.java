package org.tinyfit.runtime.kernels;

import java.util.stream.IntStream;
import org.tinyfit.runtime.FixedPoint;
import org.tinyfit.runtime.PreparedKernel;

/**
 * int8 FULLY_CONNECTED on int arrays: the input (plus its offset) is widened once per batch row and
 * dotted with each weight row (plus the weights' offset, precomputed). Integer sums are exact, so the
 * result equals the reference; large layers split their outputs across threads.
 */
final class FastFullyConnected {
    private FastFullyConnected() {}

    static PreparedKernel int8(FullyConnectedKernel.Quant q, int batches, int outDepth, int accumDepth, int ti, int tw, int tb, int to) {
        int[][] rows = new int[outDepth][];
        int[] bias = new int[outDepth];
        boolean[] ready = new boolean[1];
        boolean parallel = (long) batches * outDepth * accumDepth > FastConv.PARALLEL_MACS;
        return a -> {
            if (!ready[0]) {
                byte[] w = a.array(tw);
                int wBase = a.offset(tw);
                for (int oc = 0; oc < outDepth; oc++) {
                    rows[oc] = new int[accumDepth];
                    for (int d = 0; d < accumDepth; d++) rows[oc][d] = w[wBase + oc * accumDepth + d] + q.filterOffset();
                    bias[oc] = tb >= 0 ? a.i32(tb, oc) : 0;
                }
                ready[0] = true;
            }
            if ((long) batches * accumDepth > a.elements(ti) || (long) batches * outDepth > a.elements(to)) {
                throw new IllegalStateException("fully connected geometry exceeds its tensors");
            }
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            int[] x = new int[accumDepth];
            for (int b = 0; b < batches; b++) {
                for (int d = 0; d < accumDepth; d++) x[d] = in[inBase + b * accumDepth + d] + q.inputOffset();
                int bb = b;
                IntStream range = IntStream.range(0, outDepth);
                (parallel ? range.parallel() : range).forEach(oc -> {
                    int[] w = rows[oc];
                    int acc = 0;
                    for (int d = 0; d < accumDepth; d++) acc += w[d] * x[d];
                    int v = FixedPoint.multiplyByQuantizedMultiplier(acc + bias[oc], q.multipliers()[oc], q.shifts()[oc]) + q.outputOffset();
                    out[outBase + oc + outDepth * bb] = (byte) FixedPoint.clamp(v, q.actMin(), q.actMax());
                });
            }
        };
    }
}
