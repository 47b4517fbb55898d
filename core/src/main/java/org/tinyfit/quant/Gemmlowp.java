package org.tinyfit.quant;

import static org.tinyfit.quant.FixedPoint.roundingDivideByPOT;
import static org.tinyfit.quant.FixedPoint.saturatingRoundingDoublingHighMul;
import static org.tinyfit.quant.FixedPoint.saturatingRoundingMultiplyByPOT;

/**
 * gemmlowp's fixed-point transcendental functions on raw int32 values, as TFLite's integer softmax,
 * logistic and tanh use them. A value with {@code integerBits} integer bits has {@code 31 - integerBits}
 * fractional bits; results have 0 integer bits (Q0.31), where "one" is {@code Integer.MAX_VALUE}.
 */
public final class Gemmlowp {
    private Gemmlowp() {}

    private static final int ONE_Q0 = Integer.MAX_VALUE;

    /** Changes the number of integer bits: multiplies the raw value by 2^(src - dst), saturating or rounding. */
    public static int rescale(int raw, int srcIntegerBits, int dstIntegerBits) {
        return saturatingRoundingMultiplyByPOT(raw, srcIntegerBits - dstIntegerBits);
    }

    /** (a + b) / 2 rounded half away from zero, without overflow. */
    public static int roundingHalfSum(int a, int b) {
        long sum = (long) a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int) ((sum + sign) / 2);
    }

    /** exp(a) for a in [-1/4, 0), Q0 in and out. */
    static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
        final int constantTerm = 1895147668; // exp(-1/8)
        final int constantOneThird = 715827883;
        int x = a + (1 << 28);
        int x2 = saturatingRoundingDoublingHighMul(x, x);
        int x3 = saturatingRoundingDoublingHighMul(x2, x);
        int x4 = saturatingRoundingDoublingHighMul(x2, x2);
        int x4Over4 = roundingDivideByPOT(x4, 2);
        int poly = roundingDivideByPOT(saturatingRoundingDoublingHighMul(x4Over4 + x3, constantOneThird) + x2, 1);
        return constantTerm + saturatingRoundingDoublingHighMul(constantTerm, x + poly);
    }

    private static final int[] BARREL_EXPONENTS = {-2, -1, 0, 1, 2, 3, 4};
    private static final int[] BARREL_MULTIPLIERS = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};

    /** exp(a) for a <= 0 with {@code integerBits} integer bits; result in Q0. */
    public static int expOnNegativeValues(int a, int integerBits) {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
        int remainder = aModQuarterMinusOneQuarter - a;
        for (int k = 0; k < BARREL_EXPONENTS.length; k++) {
            int e = BARREL_EXPONENTS[k];
            if (integerBits > e) {
                int shift = fractionalBits + e;
                if ((remainder & (1 << shift)) != 0) result = saturatingRoundingDoublingHighMul(result, BARREL_MULTIPLIERS[k]);
            }
        }
        if (integerBits > 5) {
            int clamp = -(1 << (36 - integerBits));
            if (a < clamp) result = 0;
        }
        if (a == 0) result = ONE_Q0;
        return result;
    }

    /** 1 / (1 + a) for a in (0, 1), Q0 in and out (Newton-Raphson, three steps). */
    public static int oneOverOnePlusXForXIn01(int a) {
        return rescale(newtonReciprocalQ2(a), 1, 0);
    }

    /** (1 - a) / (1 + a) for a in (0, 1), Q0 in and out. */
    public static int oneMinusXOverOnePlusXForXIn01(int a) {
        return rescale(newtonReciprocalQ2(a) - (1 << 29), 2, 0);
    }

    /** 1 / ((1 + a) / 2) in Q2.29, the Newton-Raphson core both functions above share. */
    private static int newtonReciprocalQ2(int a) {
        int halfDenominator = roundingHalfSum(a, ONE_Q0);
        final int c48Over17 = 1515870810;
        final int cNeg32Over17 = -1010580540;
        final int oneQ2 = 1 << 29;
        int x = c48Over17 + saturatingRoundingDoublingHighMul(halfDenominator, cNeg32Over17);
        for (int i = 0; i < 3; i++) {
            int halfDenominatorTimesX = saturatingRoundingDoublingHighMul(halfDenominator, x);
            int oneMinus = oneQ2 - halfDenominatorTimesX;
            x = x + rescale(saturatingRoundingDoublingHighMul(x, oneMinus), 4, 2);
        }
        return x;
    }

    /** logistic(a) = 1 / (1 + exp(-a)), input with {@code integerBits} integer bits, result Q0. */
    public static int logistic(int a, int integerBits) {
        if (a == 0) return 1 << 30;
        int abs = a > 0 ? a : -a;
        int positive = oneOverOnePlusXForXIn01(expOnNegativeValues(-abs, integerBits));
        return a > 0 ? positive : ONE_Q0 - positive;
    }

    /** tanh(a), input with {@code integerBits} integer bits, result Q0. */
    public static int tanh(int a, int integerBits) {
        if (a == 0) return 0;
        int n = a < 0 ? a : -a;
        int t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
        return a < 0 ? -t : t;
    }

    /** TFLite's {@code GetReciprocal}: returns the Q0 reciprocal's raw value and stores the extra shift in {@code numBitsOverUnit[0]}. */
    public static int reciprocal(int x, int xIntegerDigits, int[] numBitsOverUnit) {
        int headroomPlusOne = Integer.numberOfLeadingZeros(x);
        numBitsOverUnit[0] = xIntegerDigits - headroomPlusOne;
        int shiftedSumMinusOne = (x << headroomPlusOne) + Integer.MIN_VALUE;
        return oneOverOnePlusXForXIn01(shiftedSumMinusOne);
    }
}
