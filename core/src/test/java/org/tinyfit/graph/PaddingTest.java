package org.tinyfit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PaddingTest {
    @Test
    void samePaddingOfAStridedEvenFilterPutsTheOddUnitAfter() {
        // input 4, filter 2, stride 2, SAME: output 2, total padding 0 -> nothing before
        assertEquals(0, ShapeInference.padBefore(4, 2, 2, 1, Op.Padding.SAME));
        // input 5, filter 4, stride 1, SAME: total padding 3 -> 1 before, 2 after
        assertEquals(1, ShapeInference.padBefore(5, 4, 1, 1, Op.Padding.SAME));
        assertEquals(0, ShapeInference.padBefore(5, 4, 1, 1, Op.Padding.VALID));
        // dilation widens the window: filter 3 at dilation 2 spans 5 -> 2 before
        assertEquals(2, ShapeInference.padBefore(7, 3, 1, 2, Op.Padding.SAME));
    }

    @Property
    void sameWindowsCoverTheInputWithTheOddUnitAfter(@ForAll @IntRange(min = 1, max = 64) int in, @ForAll @IntRange(min = 1, max = 7) int kernel,
                                                     @ForAll @IntRange(min = 1, max = 4) int stride, @ForAll @IntRange(min = 1, max = 3) int dilation) {
        int out = ShapeInference.outSize(in, kernel, stride, dilation, Op.Padding.SAME, "test");
        int before = ShapeInference.padBefore(in, kernel, stride, dilation, Op.Padding.SAME);
        int eff = (kernel - 1) * dilation + 1;
        int lastEnd = (out - 1) * stride - before + eff; // one past the last window's last element
        int after = Math.max(0, lastEnd - in);
        assertTrue(before >= 0 && (after == before || after == before + 1 || (before == 0 && after == 0)), "before " + before + ", after " + after);
        assertTrue((out - 1) * stride - before < in, "the last window starts inside the input");
    }

    @Property
    void validNeverPads(@ForAll @IntRange(min = 1, max = 64) int in, @ForAll @IntRange(min = 1, max = 7) int kernel,
                        @ForAll @IntRange(min = 1, max = 4) int stride, @ForAll @IntRange(min = 1, max = 3) int dilation) {
        if ((kernel - 1) * dilation + 1 > in) return;
        assertEquals(0, ShapeInference.padBefore(in, kernel, stride, dilation, Op.Padding.VALID));
    }
}
