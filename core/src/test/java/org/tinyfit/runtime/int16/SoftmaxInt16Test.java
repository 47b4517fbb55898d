package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxInt16Test {

    private static final SoftmaxInt16.Params P = SoftmaxInt16.prepare(1f / 1024, 0, 1f / 32768, 0, 1f);

    @Test
    void expTableRunsFromExpMinus10ToOne() {
        short[] exp = P.expLut();
        assertEquals(SoftmaxInt16.LUT_SIZE, exp.length);
        assertEquals(1, exp[0], 1); // exp(-10) * 32768 ~ 1.5
        assertEquals(32767, exp[SoftmaxInt16.LUT_SIZE - 1]); // exp(0) saturates to the table's maximum
        for (int i = 1; i < exp.length; i++) assertTrue(exp[i] >= exp[i - 1], "exp table rises at " + i);
    }

    @Test
    void equalInputsShareTheProbabilityEvenly() {
        short[] out = new short[4];
        SoftmaxInt16.run(new short[] {500, 500, 500, 500}, out, 4, P);
        for (short v : out) assertEquals(8192, v, 2); // 0.25 in Q0.15
    }

    @Test
    void matchesTheRealSoftmaxWithinTheTablesPrecision() {
        short[] in = {1024, 0, -1024, 2048, -3000, 100};
        short[] out = new short[in.length];
        SoftmaxInt16.run(in, out, 3, P);
        for (int row = 0; row < 2; row++) {
            double sum = 0;
            for (int c = 0; c < 3; c++) sum += Math.exp(in[row * 3 + c] / 1024.0);
            for (int c = 0; c < 3; c++) {
                double expected = Math.exp(in[row * 3 + c] / 1024.0) / sum * 32768;
                assertEquals(expected, out[row * 3 + c], 40, "row " + row + " element " + c);
            }
        }
    }

    @Test
    void rejectsAnOutputScaleOtherThanOneOver32768() {
        assertThrows(IllegalArgumentException.class, () -> SoftmaxInt16.prepare(1f / 1024, 0, 1f / 256, 0, 1f));
    }
}
