package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.tinyfit.data.SeededRandom;

/** The Vector API passes around the matrix products give the scalar loops' bits, zeros, NaN and infinities included. */
class RowsTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};

    /** Random values in [-1, 1) with one in five a special value. */
    static float[] values(int n, long seed) {
        SeededRandom r = new SeededRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(5) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextFloat() * 2 - 1;
        return v;
    }

    static void assertSameBits(float[] want, float[] have, String what) {
        assertEquals(want.length, have.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(have[i]), what + " at " + i + ": " + want[i] + " vs " + have[i]);
        }
    }

    @Property(tries = 60)
    void biasAndReluGiveTheScalarBits(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 70) int cols,
                                      @ForAll @IntRange(min = 0, max = 5) int off, @ForAll boolean withBias, @ForAll boolean relu) {
        assumeTrue(Rows.VECTOR, "the Vector API module is not present");
        float[] y = values(off + rows * cols + 3, rows * 131L + cols);
        float[] bias = withBias ? values(cols, cols) : null;
        float[] want = y.clone(), have = y.clone();
        Rows.scalarBiasRelu(want, off, rows, cols, bias, relu);
        VectorRows.biasRelu(have, off, rows, cols, bias, relu);
        assertSameBits(want, have, "y");
    }

    @Property(tries = 60)
    void reluGradientAndSumGiveTheScalarBits(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 70) int cols,
                                             @ForAll @IntRange(min = 0, max = 5) int off, @ForAll boolean masked, @ForAll boolean summed) {
        assumeTrue(Rows.VECTOR, "the Vector API module is not present");
        float[] y = masked ? values(off + rows * cols, rows * 7L + cols) : null;
        float[] dy = values(off + rows * cols, rows * 11L + cols);
        float[] sum0 = summed ? values(cols, 3) : null;
        float[] outWant = new float[rows * cols], outHave = new float[rows * cols];
        float[] sumWant = sum0 == null ? null : sum0.clone(), sumHave = sum0 == null ? null : sum0.clone();
        Rows.scalarReluGradientAndSum(y, dy, off, rows, cols, outWant, sumWant);
        VectorRows.reluGradientAndSum(y, dy, off, rows, cols, outHave, sumHave);
        assertSameBits(outWant, outHave, "masked gradient");
        if (summed) assertSameBits(sumWant, sumHave, "sum");
    }
}
