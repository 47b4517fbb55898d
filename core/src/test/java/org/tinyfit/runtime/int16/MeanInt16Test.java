package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MeanInt16Test {

    @Test
    void averagesOverTheSpatialAxesPerChannel() {
        // [1,2,2,2]: channel 0 = 1,3,5,7 (mean 4), channel 1 = -10,-20,-30,-40 (mean -25)
        short[] in = {1, -10, 3, -20, 5, -30, 7, -40};
        int[] shape = {1, 2, 2, 2};
        MeanInt16.Params p = MeanInt16.prepare(shape, new int[] {1, 2}, 1f, 0, 1f, 0);
        short[] out = new short[2];
        MeanInt16.run(in, shape, out, p);
        assertArrayEquals(new short[] {4, -25}, out);
    }

    @Test
    void negativeAndRepeatedAxesResolveToTheSameDimension() {
        int[] shape = {2, 3};
        MeanInt16.Params p = MeanInt16.prepare(shape, new int[] {-1, 1}, 1f, 0, 1f, 0);
        assertEquals(3, p.count());
        short[] out = new short[2];
        MeanInt16.run(new short[] {3, 6, 9, -3, -6, -9}, shape, out, p);
        assertArrayEquals(new short[] {6, -6}, out);
    }

    @Test
    void foldsOneOverTheCountIntoTheMultiplier() {
        // 1/3 of the ratio 1.0: multiplier 2^30 (0.5) shifted by floor(log2 3) = 1, divided by 3
        MeanInt16.Params p = MeanInt16.prepare(new int[] {3}, new int[] {0}, 1f, 0, 1f, 0);
        assertEquals((int) ((1L << 31) / 3), p.multiplier());
        assertEquals(0, p.shift());
    }
}
