package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GemmlowpTest {
    private static double q(int raw, int integerBits) { return raw / Math.scalb(1.0, 31 - integerBits); }

    @Property
    void expOnNegativeValuesIsCloseToExp(@ForAll @IntRange(min = Integer.MIN_VALUE, max = 0) int a) {
        double x = q(a, 5);
        double got = q(Gemmlowp.expOnNegativeValues(a, 5), 0);
        assertTrue(Math.abs(got - Math.exp(x)) < 2e-7 + 1e-6 * Math.exp(x), x + ": " + got + " vs " + Math.exp(x));
    }

    @Test
    void expOfZeroIsOne() {
        assertEquals(Integer.MAX_VALUE, Gemmlowp.expOnNegativeValues(0, 5));
    }

    @Property
    void logisticIsCloseToTheSigmoid(@ForAll int a) {
        double x = q(a, 4);
        double got = q(Gemmlowp.logistic(a, 4), 0);
        assertTrue(Math.abs(got - 1 / (1 + Math.exp(-x))) < 1e-6, x + ": " + got);
    }

    @Property
    void tanhIsCloseToTanh(@ForAll int a) {
        double x = q(a, 4);
        double got = q(Gemmlowp.tanh(a, 4), 0);
        assertTrue(Math.abs(got - Math.tanh(x)) < 1e-6, x + ": " + got);
    }

    @Property
    void reciprocalOfASumIsCloseToOneOverIt(@ForAll @IntRange(min = 1 << 19, max = Integer.MAX_VALUE) int sum) {
        int[] bits = new int[1];
        int raw = Gemmlowp.reciprocal(sum, 12, bits);
        double got = q(raw, 0) / Math.scalb(1.0, bits[0]);
        double want = 1.0 / q(sum, 12);
        assertTrue(Math.abs(got - want) < 1e-6 * want + 1e-9, q(sum, 12) + ": " + got + " vs " + want);
    }

    @Test
    void roundingHalfSumRoundsAwayFromZero() {
        assertEquals(2, Gemmlowp.roundingHalfSum(1, 2));
        assertEquals(-2, Gemmlowp.roundingHalfSum(-1, -2));
        assertEquals(Integer.MAX_VALUE, Gemmlowp.roundingHalfSum(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }
}
