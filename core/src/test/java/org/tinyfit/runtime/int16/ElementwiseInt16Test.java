package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;

class ElementwiseInt16Test {

    @Test
    void leakyReluScalesNegativesByAlphaAndKeepsPositives() {
        LeakyReluInt16.Params p = LeakyReluInt16.prepare(1f, 0, 1f, 0, 0.5f);
        short[] out = new short[4];
        LeakyReluInt16.run(new short[] {-400, -2, 0, 300}, out, p);
        assertArrayEquals(new short[] {-200, -1, 0, 300}, out);
    }

    @Test
    void leakyReluWithNegativeAlphaFlipsNegatives() {
        LeakyReluInt16.Params p = LeakyReluInt16.prepare(1f, 0, 1f, 0, -0.5f);
        assertEquals(200, LeakyReluInt16.apply(-400, p));
        assertEquals(300, LeakyReluInt16.apply(300, p));
    }

    @Property
    void leakyReluWithIdentityScaleAndAlphaOneIsIdentity(@ForAll short x) {
        LeakyReluInt16.Params p = LeakyReluInt16.prepare(0.001f, 0, 0.001f, 0, 1f);
        assertEquals(x, LeakyReluInt16.apply(x, p));
    }

    @Test
    void padSurroundsTheInputWithTheValue() {
        PadInt16.Params p = PadInt16.prepare(new int[] {1, 0, 0, 2}, (short) 9);
        short[] out = new short[3 * 4];
        PadInt16.run(new short[] {1, 2, 3, 4}, new int[] {2, 2}, out, p);
        assertArrayEquals(new short[] {9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9}, out);
    }

    @Test
    void padWithoutValueFillsZeroNotTheZeroPoint() {
        PadInt16.Params p = PadInt16.prepare(new int[] {1, 1}, null);
        short[] out = new short[3];
        PadInt16.run(new short[] {5}, new int[] {1}, out, p);
        assertArrayEquals(new short[] {0, 5, 0}, out);
    }

    @Test
    void requantizeInt16ToInt32MultipliesByTheScaleRatio() {
        QuantizeInt16.Requantize p = QuantizeInt16.prepare(0.5f, 0, 0.125f, 3, DType.I32);
        int[] out = new int[3];
        QuantizeInt16.requantize(new int[] {-32768, 0, 100}, out, p);
        assertArrayEquals(new int[] {-131072 + 3, 3, 403}, out);
    }

    @Test
    void requantizeToInt16Saturates() {
        QuantizeInt16.Requantize p = QuantizeInt16.prepare(1f, 0, 0.5f, 0, DType.I16);
        int[] out = new int[2];
        QuantizeInt16.requantize(new int[] {20000, -20000}, out, p);
        assertArrayEquals(new int[] {32767, -32768}, out);
    }

    @Test
    void floatQuantizeRoundsHalfAwayFromZero() {
        int[] out = new int[4];
        QuantizeInt16.quantize(new float[] {0.25f, -0.25f, 0.75f, 1e10f}, out, 0.5f, 0, DType.I16);
        assertArrayEquals(new int[] {1, -1, 2, -32768}, out);
    }

    @Test
    void stridedSliceHonoursNegativeStridesAndShrink() {
        // input [2,4]: take row 1 (shrink), columns from the end backwards with stride 2
        StridedSliceInt16.Params p = StridedSliceInt16.prepare(new int[] {2, 4}, new int[] {1, -1}, new int[] {2, -5},
                new int[] {1, -2}, 0, 0, 1);
        short[] out = new short[2];
        StridedSliceInt16.run(new short[] {0, 1, 2, 3, 4, 5, 6, 7}, out, p);
        assertArrayEquals(new short[] {7, 5}, out);
    }

    @Test
    void stridedSliceMasksTakeTheWholeAxis() {
        StridedSliceInt16.Params p = StridedSliceInt16.prepare(new int[] {3, 2}, new int[] {2, 1}, new int[] {0, 2},
                new int[] {1, 1}, 1, 1, 0);
        assertArrayEquals(new int[] {1, 3, 5}, StridedSliceInt16.indices(p));
    }
}
