package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;

class TransposeConvInt16Test {

    @Test
    void stride2With2x2OnesFilterRepeatsEachInputIntoABlock() {
        Op.TransposeConv op = new Op.TransposeConv(Op.Padding.VALID, 2, 2, Op.Act.NONE);
        TransposeConvInt16.Params p = TransposeConvInt16.prepare(op, 4, 4, 2, 2, 1, 1f, new float[] {1f}, 1f, 0);
        assertEquals(0, p.padH());
        short[] out = new short[16];
        TransposeConvInt16.run(new short[] {1, 2, 3, 4}, new int[] {1, 2, 2, 1}, new byte[] {1, 1, 1, 1}, new int[] {1, 2, 2, 1},
                new long[] {10}, out, new int[] {1, 4, 4, 1}, p);
        assertArrayEquals(new short[] {
            11, 11, 12, 12,
            11, 11, 12, 12,
            13, 13, 14, 14,
            13, 13, 14, 14}, out);
    }

    @Test
    void overlappingWindowsSumTheirContributions() {
        // 1-D along width: input [1, 2], filter [1, 1, 1] (width 3), stride 1, VALID -> output width 4
        Op.TransposeConv op = new Op.TransposeConv(Op.Padding.VALID, 1, 1, Op.Act.NONE);
        TransposeConvInt16.Params p = TransposeConvInt16.prepare(op, 1, 4, 1, 3, 1, 1f, new float[] {1f}, 1f, 0);
        short[] out = new short[4];
        TransposeConvInt16.run(new short[] {1, 2}, new int[] {1, 1, 2, 1}, new byte[] {1, 1, 1}, new int[] {1, 1, 3, 1},
                null, out, new int[] {1, 1, 4, 1}, p);
        assertArrayEquals(new short[] {1, 3, 3, 2}, out);
    }
}
