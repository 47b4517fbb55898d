package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;

class MulAndPoolInt16Test {

    @Property
    void mulWithUnitScalesIsTheSaturatingProduct(@ForAll @IntRange(min = -300, max = 300) int a, @ForAll @IntRange(min = -300, max = 300) int b) {
        MulInt16.Params p = MulInt16.prepare(1f, 0, 1f, 0, 1f, 0, Op.Act.NONE);
        assertEquals(Math.max(-32768, Math.min(32767, a * b)), MulInt16.apply(a, b, p));
    }

    @Test
    void mulRescalesAndBroadcasts() {
        // 0.5 * 0.5 / 0.125 = 2: out = 2 * a * b
        MulInt16.Params p = MulInt16.prepare(0.5f, 0, 0.5f, 0, 0.125f, 0, Op.Act.NONE);
        short[] out = new short[4];
        MulInt16.run(new short[] {1, 2, 3, 4}, new int[] {2, 2}, new short[] {10, -1}, new int[] {2}, out, p);
        assertArrayEquals(new short[] {20, -4, 60, -8}, out);
    }

    @Test
    void mulRejectsNonZeroZeroPoints() {
        assertThrows(IllegalArgumentException.class, () -> MulInt16.prepare(1f, 1, 1f, 0, 1f, 0, Op.Act.NONE));
    }

    @Test
    void averagePoolRoundsHalfAwayFromZeroAndClipsWindowsAtTheBorder() {
        // 1x2x3x1 input, 2x2 window, stride 1, SAME -> windows at the right/bottom border are clipped
        Op.Pool2D op = new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.SAME, 1, 1, 2, 2, Op.Act.NONE);
        PoolInt16.Params p = PoolInt16.prepare(op, 2, 3, 1f, 0);
        short[] out = new short[6];
        PoolInt16.run(new short[] {1, 2, 4, -1, -2, -4}, new int[] {1, 2, 3, 1}, out, new int[] {1, 2, 3, 1}, p);
        // (1+2-1-2)/4 = 0; (2+4-2-4)/4 = 0; (4-4)/2 = 0; (-1-2)/2 = -1.5 -> -2; (-2-4)/2 = -3; -4
        assertArrayEquals(new short[] {0, 0, 0, -2, -3, -4}, out);
    }

    @Test
    void maxPoolTakesTheLargestInTheWindow() {
        Op.Pool2D op = new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE);
        PoolInt16.Params p = PoolInt16.prepare(op, 2, 4, 1f, 0);
        short[] out = new short[2];
        PoolInt16.run(new short[] {-5, -7, 3, 1, -6, -9, 2, 8}, new int[] {1, 2, 4, 1}, out, new int[] {1, 1, 2, 1}, p);
        assertArrayEquals(new short[] {-5, 8}, out);
    }
}
