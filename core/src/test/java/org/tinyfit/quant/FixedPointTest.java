package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;
import org.tinyfit.quant.FixedPoint.Multiplier;

class FixedPointTest {
    private static final BigInteger TWO_31 = BigInteger.ONE.shiftLeft(31);

    @Test
    void quantizeMultiplierOfPowersOfTwo() {
        assertEquals(new Multiplier(1 << 30, 0), FixedPoint.quantizeMultiplier(0.5));
        assertEquals(new Multiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(1.0));
        assertEquals(new Multiplier(1 << 30, -7), FixedPoint.quantizeMultiplier(0.5 / 128));
        assertEquals(new Multiplier(1610612736, 0), FixedPoint.quantizeMultiplier(0.75));
    }

    @Test
    void quantizeMultiplierOfZeroIsZero() {
        assertEquals(new Multiplier(0, 0), FixedPoint.quantizeMultiplier(0.0));
    }

    @Test
    void quantizeMultiplierRoundsHalfAwayFromZero() {
        // fraction * 2^31 = 2^30 + 0.5 exactly
        assertEquals(new Multiplier((1 << 30) + 1, 0), FixedPoint.quantizeMultiplier(0.5 + Math.scalb(1.0, -32)));
        assertEquals(new Multiplier(-((1 << 30) + 1), 0), FixedPoint.quantizeMultiplier(-(0.5 + Math.scalb(1.0, -32))));
    }

    @Test
    void quantizeMultiplierThatRoundsUpToTwoToThe31IsHalved() {
        assertEquals(new Multiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(1.0 - Math.scalb(1.0, -40)));
    }

    @Test
    void quantizeMultiplierFlushesTinyValuesToZero() {
        assertEquals(new Multiplier(0, 0), FixedPoint.quantizeMultiplier(Math.scalb(1.0, -40)));
        assertEquals(new Multiplier(1 << 30, -31), FixedPoint.quantizeMultiplier(Math.scalb(1.0, -32)));
        assertEquals(new Multiplier(0, 0), FixedPoint.quantizeMultiplier(Double.MIN_VALUE));
    }

    @Test
    void quantizeMultiplierKeepsTheSignOfNegativeMultipliers() {
        assertEquals(new Multiplier(-(1 << 30), 0), FixedPoint.quantizeMultiplier(-0.5));
    }

    @Test
    void singleRoundingQuantizeMultiplierSaturatesLargeShifts() {
        assertEquals(new Multiplier(1 << 30, 32), FixedPoint.quantizeMultiplier(Math.scalb(1.0, 31)));
        assertEquals(new Multiplier(Integer.MAX_VALUE, 30), FixedPoint.quantizeMultiplierSingleRounding(Math.scalb(1.0, 31)));
    }

    @Property
    void quantizedMultiplierIsWithinHalfAnUlpOfTheReal(@ForAll @DoubleRange(min = 1e-9, max = 1e4) @net.jqwik.api.constraints.Scale(15) double real) {
        Multiplier m = FixedPoint.quantizeMultiplier(real);
        assertTrue(m.multiplier() >= (1 << 30) && m.multiplier() < Integer.MAX_VALUE || m.multiplier() == Integer.MAX_VALUE, m.toString());
        double back = m.multiplier() * Math.scalb(1.0, m.shift() - 31);
        assertTrue(Math.abs(back - real) <= Math.scalb(1.0, m.shift() - 32), real + " -> " + m);
    }

    @Test
    void frexpMatchesC() {
        assertEquals(new FixedPoint.Frexp(0.5, 1), FixedPoint.frexp(1.0));
        assertEquals(new FixedPoint.Frexp(-0.75, 2), FixedPoint.frexp(-3.0));
        assertEquals(new FixedPoint.Frexp(0.5, -1073), FixedPoint.frexp(Double.MIN_VALUE));
        assertEquals(new FixedPoint.Frexp(0.0, 0), FixedPoint.frexp(0.0));
    }

    @Test
    void roundHalfAwayFromZeroLikeC() {
        assertEquals(3.0, FixedPoint.roundHalfAwayFromZero(2.5));
        assertEquals(-3.0, FixedPoint.roundHalfAwayFromZero(-2.5));
        assertEquals(0.0, FixedPoint.roundHalfAwayFromZero(0.49999999999999994));
        assertEquals(-2.0, FixedPoint.roundHalfAwayFromZero(-2.4));
    }

    @Test
    void saturatingRoundingDoublingHighMulSaturatesOnlyMinTimesMin() {
        assertEquals(Integer.MAX_VALUE, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(-Integer.MAX_VALUE, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE - 1, FixedPoint.saturatingRoundingDoublingHighMul(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void saturatingRoundingDoublingHighMulRoundsHalvesUp() {
        // a*b / 2^31 = 1.5 -> 2 ; -1.5 -> -1 (the nudge rounds ties toward +infinity)
        assertEquals(2, FixedPoint.saturatingRoundingDoublingHighMul(3, 1 << 30));
        assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3, 1 << 30));
        assertEquals(-2, FixedPoint.saturatingRoundingDoublingHighMul(-5, 1 << 30));
    }

    @Property
    void saturatingRoundingDoublingHighMulIsNearestRounding(@ForAll int a, @ForAll int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) return;
        BigInteger ab = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        BigInteger[] qr = ab.add(BigInteger.ONE.shiftLeft(30)).divideAndRemainder(TWO_31);
        BigInteger floor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
        assertEquals(floor.intValueExact(), FixedPoint.saturatingRoundingDoublingHighMul(a, b));
    }

    @Test
    void roundingDivideByPOTRoundsTiesAwayFromZero() {
        assertEquals(2, FixedPoint.roundingDivideByPOT(3, 1));
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-3, 1));
        assertEquals(-1, FixedPoint.roundingDivideByPOT(-5, 2));
        assertEquals(-2, FixedPoint.roundingDivideByPOT(-6, 2));
        assertEquals(7, FixedPoint.roundingDivideByPOT(7, 0));
        assertEquals(-1, FixedPoint.roundingDivideByPOT(Integer.MIN_VALUE, 31));
        assertEquals(1, FixedPoint.roundingDivideByPOT(Integer.MAX_VALUE, 31));
        assertEquals(-(1 << 30), FixedPoint.roundingDivideByPOT(Integer.MIN_VALUE, 1));
    }

    @Property
    void roundingDivideByPOTIsRoundHalfAwayFromZero(@ForAll int x, @ForAll @IntRange(min = 0, max = 31) int exponent) {
        int expected = new BigDecimal(x).divide(new BigDecimal(BigInteger.ONE.shiftLeft(exponent))).setScale(0, RoundingMode.HALF_UP).intValueExact();
        assertEquals(expected, FixedPoint.roundingDivideByPOT(x, exponent));
        assertEquals(expected, FixedPoint.roundingDivideByPOT((long) x, exponent));
    }

    @Test
    void roundingDivideByPOTRejectsExponentsOutsideTheWord() {
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.roundingDivideByPOT(1, 32));
        assertThrows(IllegalArgumentException.class, () -> FixedPoint.roundingDivideByPOT(1, -1));
    }

    @Test
    void doubleAndSingleRoundingDifferOnNegativeTies() {
        // 0.25 as (2^30, -1): -6 * 0.25 = -1.5. Double rounding: SRDHM gives -3, then -3/2 -> -2.
        // Single rounding: floor(-1.5 + 0.5) = -1.
        assertEquals(-2, FixedPoint.multiplyByQuantizedMultiplier(-6, 1 << 30, -1));
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplierSingleRounding(-6, 1 << 30, -1));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplier(6, 1 << 30, -1));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplierSingleRounding(6, 1 << 30, -1));
    }

    @Test
    void multiplyByQuantizedMultiplierAtTheInt32Edges() {
        assertEquals(-Integer.MAX_VALUE, FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, Integer.MAX_VALUE, 0));
        assertEquals(Integer.MIN_VALUE / 2, FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, 1 << 30, 0));
        assertEquals(-(1 << 23), FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, 1 << 30, -7));
        assertEquals(0, FixedPoint.multiplyByQuantizedMultiplier(Integer.MAX_VALUE, 0, 0));
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(Integer.MIN_VALUE, 1 << 30, -31));
    }

    @Test
    void multiplyByQuantizedMultiplierShiftsLeftForMultipliersAboveOne() {
        // 3.0 = (0.75 * 2^31, shift 2)
        Multiplier three = FixedPoint.quantizeMultiplier(3.0);
        assertEquals(new Multiplier(1610612736, 2), three);
        assertEquals(300, three.apply(100));
        assertEquals(-300, three.apply(-100));
        assertEquals(300, FixedPoint.multiplyByQuantizedMultiplierGreaterThanOne(100, three.multiplier(), three.shift()));
    }

    @Property
    void doubleRoundingMatchesItsDefinition(@ForAll int x, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int m, @ForAll @IntRange(min = -31, max = 0) int shift) {
        BigInteger ab = BigInteger.valueOf(x).multiply(BigInteger.valueOf(m));
        int high = (x == Integer.MIN_VALUE && m == Integer.MIN_VALUE) ? Integer.MAX_VALUE : floorDiv(ab.add(BigInteger.ONE.shiftLeft(30)), TWO_31).intValueExact();
        int expected = new BigDecimal(high).divide(new BigDecimal(BigInteger.ONE.shiftLeft(-shift))).setScale(0, RoundingMode.HALF_UP).intValueExact();
        assertEquals(expected, FixedPoint.multiplyByQuantizedMultiplier(x, m, shift));
        assertEquals(expected, FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(x, m, shift));
    }

    @Property
    void singleRoundingIsOneFloorOfTheExactProduct(@ForAll int x, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int m, @ForAll @IntRange(min = -31, max = 0) int shift) {
        int total = 31 - shift;
        BigInteger ab = BigInteger.valueOf(x).multiply(BigInteger.valueOf(m)).add(BigInteger.ONE.shiftLeft(total - 1));
        assertEquals(floorDiv(ab, BigInteger.ONE.shiftLeft(total)).intValueExact(), FixedPoint.multiplyByQuantizedMultiplierSingleRounding(x, m, shift));
    }

    @Property
    void bothRoundingsAgreeWithinOne(@ForAll @IntRange(min = -(1 << 24), max = 1 << 24) int x, @ForAll @DoubleRange(min = 1e-6, max = 0.99) @net.jqwik.api.constraints.Scale(12) double real) {
        Multiplier m = FixedPoint.quantizeMultiplier(real);
        int a = FixedPoint.multiplyByQuantizedMultiplier(x, m.multiplier(), m.shift());
        int b = FixedPoint.multiplyByQuantizedMultiplierSingleRounding(x, m.multiplier(), m.shift());
        assertTrue(Math.abs(a - b) <= 1);
        assertTrue(Math.abs(a - x * real) <= 1.0 + Math.abs(x * real) * 1e-8, x + " * " + real + " = " + a);
    }

    @Test
    void int64VariantReducesTheMultiplierTo16Bits() {
        assertEquals(1 << 29, FixedPoint.multiplyByQuantizedMultiplier(1L << 40, 1 << 30, -10));
        // 0x7FFF0000 and above reduce to 0x7FFF rather than overflowing
        assertEquals(FixedPoint.multiplyByQuantizedMultiplier(1L << 30, 0x7FFF0000, -1), FixedPoint.multiplyByQuantizedMultiplier(1L << 30, Integer.MAX_VALUE, -1));
        assertEquals(0x7FFF << 14, FixedPoint.multiplyByQuantizedMultiplier(1L << 30, Integer.MAX_VALUE, -1));
        // rounding is half up: -1.5 -> -1, 1.5 -> 2
        assertEquals(-1, FixedPoint.multiplyByQuantizedMultiplier(-3L, 1 << 30, -1 + 1 - 1));
        assertEquals(2, FixedPoint.multiplyByQuantizedMultiplier(3L, 1 << 30, 0));
    }

    @Property
    void int64VariantMatchesItsDefinition(@ForAll long x, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int m, @ForAll @IntRange(min = -31, max = 7) int shift) {
        x = x >> 17; // |x| < 2^47
        long reduced = m < 0x7FFF0000 ? (m + (1L << 15)) >> 16 : 0x7FFF;
        int total = 15 - shift;
        BigInteger v = BigInteger.valueOf(x).multiply(BigInteger.valueOf(reduced)).add(BigInteger.ONE.shiftLeft(total - 1));
        long expected = floorDiv(v, BigInteger.ONE.shiftLeft(total)).longValue();
        assertEquals((int) expected, FixedPoint.multiplyByQuantizedMultiplier(x, m, shift));
    }

    @Test
    void saturationHelpersClampToTheType() {
        assertEquals(127, FixedPoint.saturateInt8(300));
        assertEquals(-128, FixedPoint.saturateInt8(-129));
        assertEquals(32767, FixedPoint.saturateInt16(40000));
        assertEquals(Integer.MAX_VALUE, FixedPoint.saturatingAdd(Integer.MAX_VALUE, 1));
        assertEquals(Integer.MIN_VALUE, FixedPoint.saturatingSub(Integer.MIN_VALUE, 1));
        assertEquals((short) -32768, FixedPoint.saturatingSub((short) -32768, (short) 1));
        assertEquals(Integer.MAX_VALUE, FixedPoint.saturatingRoundingMultiplyByPOT(1 << 30, 2));
        assertEquals(Integer.MIN_VALUE, FixedPoint.saturatingRoundingMultiplyByPOT(-(1 << 30) - 1, 1));
        assertEquals(1 << 12, FixedPoint.saturatingRoundingMultiplyByPOT(1 << 10, 2));
    }

    @Test
    void downScaleToInt16RoundsAndSaturates() {
        assertEquals((short) 0x4000, FixedPoint.downScaleInt32ToInt16Multiplier(1 << 30));
        assertEquals((short) 0x4001, FixedPoint.downScaleInt32ToInt16Multiplier((1 << 30) + (1 << 15)));
        assertEquals(Short.MAX_VALUE, FixedPoint.downScaleInt32ToInt16Multiplier(Integer.MAX_VALUE));
    }

    @Test
    void quantizedActivationRangeFollowsTheOutputQuantization() {
        assertEquals("[-128, 127]", java.util.Arrays.toString(FixedPoint.activationRange(Op.Act.NONE, 0.1f, 3, -128, 127)));
        assertEquals("[3, 127]", java.util.Arrays.toString(FixedPoint.activationRange(Op.Act.RELU, 0.1f, 3, -128, 127)));
        assertEquals("[-128, 127]", java.util.Arrays.toString(FixedPoint.activationRange(Op.Act.RELU6, 0.01f, -128, -128, 127)));
        assertEquals("[-128, -68]", java.util.Arrays.toString(FixedPoint.activationRange(Op.Act.RELU6, 0.1f, -128, -128, 127)));
        assertEquals("[-10, 10]", java.util.Arrays.toString(FixedPoint.activationRange(Op.Act.RELU_N1_TO_1, 0.1f, 0, -128, 127)));
    }

    @Property
    void frexpMultiplierDiffersFromQuantizeMultiplierOnlyByRenormalizing(@ForAll @DoubleRange(min = 1e-6, max = 1e6) @net.jqwik.api.constraints.Scale(15) double real) {
        Multiplier inline = FixedPoint.frexpMultiplier(real);
        Multiplier normalized = FixedPoint.quantizeMultiplier(real);
        if (inline.multiplier() == Integer.MIN_VALUE) { // the fraction rounded up to 2^31 and wrapped
            assertEquals(new Multiplier(1 << 30, inline.shift() + 1), normalized);
        } else {
            assertEquals(normalized, inline);
        }
    }

    @Test
    void frexpMultiplierWrapsAFractionThatRoundsUpToOne() {
        double justBelowOne = 1.0 - 0x1p-40;
        assertEquals(new Multiplier(Integer.MIN_VALUE, 0), FixedPoint.frexpMultiplier(justBelowOne));
        assertEquals(new Multiplier(1 << 30, 1), FixedPoint.quantizeMultiplier(justBelowOne));
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() != 0 && (qr[1].signum() != b.signum()) ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
}
