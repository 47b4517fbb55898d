package org.tinyfit.runtime.int16;

import org.tinyfit.quant.FixedPoint;

/**
 * The last step of TFLite Micro's 16-bit convolution and fully connected kernels: the sum of
 * products is kept both in 32 and in 64 bits, and the prepared accumulator width picks which one
 * (with the bias added in that width) is rescaled by the channel's multiplier.
 */
final class Accumulator {
    private Accumulator() {}

    static int rescale(boolean int32Accumulator, int acc32, long acc64, long[] bias, int channel, int multiplier, int shift) {
        if (int32Accumulator) {
            if (bias != null) acc32 += (int) bias[channel];
            return FixedPoint.multiplyByQuantizedMultiplier(acc32, multiplier, shift);
        }
        if (bias != null) acc64 += bias[channel];
        return FixedPoint.multiplyByQuantizedMultiplier(acc64, multiplier, shift);
    }
}
