package org.tinyfit.runtime.kernels;

import org.tinyfit.runtime.PreparedKernel;

/** FULLY_CONNECTED over the raw arena with precomputed weight sums; exact same results as the reference. */
final class FastFullyConnected {
    private FastFullyConnected() {}

    static PreparedKernel int8(FullyConnectedKernel.Quant q, int batches, int outDepth, int accumDepth, int ti, int tw, int tb, int to) {
        return a -> FullyConnectedKernel.int8Fc(a, q, batches, outDepth, accumDepth, ti, tw, tb, to);
    }
}
