package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class ChannelMultipliersTest {
    @Property
    void eachChannelReconstructsItsEffectiveScaleToThirtyOneBits(@ForAll @FloatRange(min = 1e-4f, max = 1f) @Scale(7) float in,
                                                                 @ForAll @FloatRange(min = 1e-5f, max = 0.1f) @Scale(7) float w1,
                                                                 @ForAll @FloatRange(min = 1e-5f, max = 0.1f) @Scale(7) float w2,
                                                                 @ForAll @FloatRange(min = 1e-4f, max = 4f) @Scale(7) float out) {
        ChannelMultipliers m = ChannelMultipliers.perChannel(in, new float[] {w1, w2}, out, 2);
        float[] w = {w1, w2};
        for (int c = 0; c < 2; c++) {
            double real = (double) in * w[c] / out;
            assertTrue(m.multipliers()[c] >= (1 << 30), "normalized multiplier " + m.multipliers()[c]);
            double back = m.multipliers()[c] * Math.scalb(1.0, m.shifts()[c] - 31);
            assertTrue(Math.abs(back - real) <= Math.scalb(real, -30), real + " came back as " + back);
        }
    }

    @Property
    void applyIsTflmDoubleRoundingOfTheExactProduct(@ForAll @IntRange(min = -(1 << 20), max = 1 << 20) int acc,
                                                   @ForAll @IntRange(min = 1 << 30, max = Integer.MAX_VALUE) int multiplier,
                                                   @ForAll @IntRange(min = -31, max = 10) int shift) {
        ChannelMultipliers m = new ChannelMultipliers(new int[] {multiplier}, new int[] {shift});
        assertEquals(tflmDoubleRounding(acc, multiplier, shift), m.apply(acc, 0));
    }

    /**
     * On exact integers: SRDHM(x * 2^left, m), the product over 2^31 rounded half up (towards +inf),
     * then a rounding right shift with ties away from zero.
     */
    static int tflmDoubleRounding(int x, int m, int shift) {
        int left = Math.max(shift, 0), right = Math.max(-shift, 0);
        BigInteger prod = BigInteger.valueOf(x).shiftLeft(left).multiply(BigInteger.valueOf(m));
        BigInteger high = prod.add(BigInteger.ONE.shiftLeft(30)).shiftRight(31);
        return roundHalfAwayFromZero(high, right).intValueExact();
    }

    private static BigInteger roundHalfAwayFromZero(BigInteger v, int bits) {
        if (bits == 0) return v;
        BigInteger half = BigInteger.ONE.shiftLeft(bits - 1);
        BigInteger abs = v.abs().add(half).shiftRight(bits);
        return v.signum() < 0 ? abs.negate() : abs;
    }

    @Test
    void oneFilterScaleServesEveryChannel() {
        ChannelMultipliers one = ChannelMultipliers.perChannel(0.02f, new float[] {0.003f}, 0.1f, 3);
        assertEquals(3, one.channels());
        assertEquals(one.get(0), one.get(2));
        assertEquals(FixedPoint.quantizeMultiplier((double) 0.02f * (double) 0.003f / (double) 0.1f), one.get(1));
    }

    @Test
    void perTensorFormsTheScaleProductInFloatAsTflmFullyConnectedDoes() {
        float in = 0.0074087814f, w = 0.0011047316f, out = 0.004200808f;
        ChannelMultipliers perTensor = ChannelMultipliers.perTensor(in, w, out, 2);
        ChannelMultipliers perChannel = ChannelMultipliers.perChannel(in, new float[] {w, w}, out, 2);
        assertEquals(FixedPoint.quantizeMultiplier((double) (in * w) / (double) out), perTensor.get(1));
        assertNotEquals(perTensor.get(0), perChannel.get(0), "the float product rounds differently here");
        assertArrayEquals(perTensor.multipliers(), new int[] {perTensor.multipliers()[0], perTensor.multipliers()[0]});
    }

    @Test
    void tooFewFilterScalesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ChannelMultipliers.perChannel(1f, new float[] {1f, 1f}, 1f, 3));
        assertThrows(IllegalArgumentException.class, () -> new ChannelMultipliers(new int[2], new int[1]));
    }
}
