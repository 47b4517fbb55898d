package org.tinyfit.quant;

/**
 * TFLite's integer arithmetic, bit for bit: how a real multiplier becomes an int32 fixed-point
 * multiplier and a power-of-two shift, and how kernels apply it to accumulators.
 *
 * <p>TFLite Micro builds its reference kernels without {@code TFLITE_SINGLE_ROUNDING}, so
 * {@link #multiplyByQuantizedMultiplier(int, int, int)} is the double-rounding form (a saturating
 * rounding doubling high multiply, then a rounding right shift). The single-rounding form is here
 * too ({@link #multiplyByQuantizedMultiplierSingleRounding}), for tests and for builds that use it.
 * A shift is a left shift when positive, a right shift when negative.
 */
public final class FixedPoint {
    private FixedPoint() {}

    public static final int INT8_MIN = -128;
    public static final int INT8_MAX = 127;
    public static final int INT16_MIN = -32768;
    public static final int INT16_MAX = 32767;

    /** A quantized multiplier: {@code real ~= multiplier * 2^(shift - 31)}. */
    public record Multiplier(int multiplier, int shift) {
        /** Applies it with TFLite Micro's default (double) rounding. */
        public int apply(int x) { return multiplyByQuantizedMultiplier(x, multiplier, shift); }

        /** Applies it to a 64-bit accumulator (the 16-bit-activation kernels' form). */
        public int apply(long x) { return multiplyByQuantizedMultiplier(x, multiplier, shift); }
    }

    /** C's {@code round}: halves go away from zero. */
    public static double roundHalfAwayFromZero(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return x;
        double a = Math.abs(x);
        double f = Math.floor(a);
        double r = (a - f >= 0.5) ? f + 1 : f;
        return Math.copySign(r, x);
    }

    /** C's {@code lround} of a float as TFLite uses for quantizing: half away from zero, to long. */
    public static long round(double x) { return (long) roundHalfAwayFromZero(x); }

    /**
     * C's {@code frexp}: {@code x = fraction * 2^exponent} with {@code 0.5 <= |fraction| < 1}; for 0
     * (and non-finite values) the exponent is 0 and the fraction is x.
     */
    public record Frexp(double fraction, int exponent) {}

    public static Frexp frexp(double x) {
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) return new Frexp(x, 0);
        int e = Math.getExponent(x);
        if (e == Double.MIN_EXPONENT - 1) { // subnormal: scale into the normal range first
            Frexp f = frexp(x * 0x1p54);
            return new Frexp(f.fraction, f.exponent - 54);
        }
        return new Frexp(x / Math.scalb(1.0, e + 1), e + 1);
    }

    /**
     * TFLite's {@code QuantizeMultiplier}: {@code m = round(frac * 2^31)} with {@code frac} from
     * frexp; a fraction that rounds up to 2^31 is halved (shift + 1); a shift below -31 flushes to
     * zero. Zero gives (0, 0). Negative multipliers keep their sign in the multiplier.
     */
    public static Multiplier quantizeMultiplier(double realMultiplier) {
        if (realMultiplier == 0.0) return new Multiplier(0, 0);
        Frexp f = frexp(realMultiplier);
        int shift = f.exponent;
        long q = round(f.fraction * (double) (1L << 31));
        if (q > (1L << 31)) throw new ArithmeticException("quantized multiplier " + q + " exceeds 2^31 for " + realMultiplier);
        if (q == (1L << 31)) {
            q /= 2;
            shift++;
        }
        if (shift < -31) {
            shift = 0;
            q = 0;
        }
        return new Multiplier((int) q, shift);
    }

    /**
     * The multiplier TFLite Micro's int8 LOGISTIC and TANH compute inline in Prepare: {@code
     * frexp(real)}, then {@code (int32) round(fraction * 2^31)} with the exponent as the shift, and no
     * renormalization (a fraction that rounds up to 2^31 wraps, as the C cast does; no flush to zero).
     * Use {@link #quantizeMultiplier} everywhere else.
     */
    public static Multiplier frexpMultiplier(double realMultiplier) {
        Frexp f = frexp(realMultiplier);
        return new Multiplier((int) (long) roundHalfAwayFromZero(f.fraction() * (double) (1L << 31)), f.exponent());
    }

    /**
     * The same as {@link #quantizeMultiplier} for a single-rounding build, which also saturates a
     * shift above 30 to (2^31 - 1, 30).
     */
    public static Multiplier quantizeMultiplierSingleRounding(double realMultiplier) {
        Multiplier m = quantizeMultiplier(realMultiplier);
        if (m.shift > 30) return new Multiplier(Integer.MAX_VALUE, 30);
        return m;
    }

    /** gemmlowp's {@code SaturatingRoundingDoublingHighMul}: round(a * b / 2^31), saturating the one overflow case. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == b && a == Integer.MIN_VALUE) return Integer.MAX_VALUE;
        long ab = (long) a * (long) b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        long x = ab + nudge;
        // x / 2^31 truncated toward zero (C's division): add 2^31 - 1 to negative x before the shift
        return (int) ((x + ((x >> 63) & 0x7FFFFFFFL)) >> 31);
    }

    /** gemmlowp's {@code RoundingDivideByPOT}: x / 2^exponent rounded to nearest, ties away from zero. */
    public static int roundingDivideByPOT(int x, int exponent) {
        if (exponent < 0 || exponent > 31) throw new IllegalArgumentException("exponent " + exponent + " is outside 0..31");
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** 64-bit {@code RoundingDivideByPOT} (gemmlowp's template instantiated for int64). */
    public static long roundingDivideByPOT(long x, int exponent) {
        if (exponent < 0 || exponent > 63) throw new IllegalArgumentException("exponent " + exponent + " is outside 0..63");
        long mask = exponent == 63 ? Long.MAX_VALUE : (1L << exponent) - 1;
        long remainder = x & mask;
        long threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * TFLite Micro's {@code MultiplyByQuantizedMultiplier(int32_t, int32_t, int)} (double rounding):
     * {@code RoundingDivideByPOT(SRDHM(x * 2^left, m), right)}. The left shift wraps like the C code on
     * two's-complement targets.
     */
    public static int multiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift) {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << left), quantizedMultiplier), right);
    }

    /** The single-rounding form: {@code (x * m + 2^(30 - shift)) >> (31 - shift)} in 64 bits. Needs shift in -31..30. */
    public static int multiplyByQuantizedMultiplierSingleRounding(int x, int quantizedMultiplier, int shift) {
        if (shift < -31 || shift > 30) throw new IllegalArgumentException("shift " + shift + " is outside -31..30");
        int totalShift = 31 - shift;
        long round = 1L << (totalShift - 1);
        long result = ((long) x * (long) quantizedMultiplier + round) >> totalShift;
        return (int) result;
    }

    /**
     * {@code MultiplyByQuantizedMultiplier(int64_t, int32_t, int)}, used by the 16-bit-activation
     * kernels (the same in both rounding modes): the multiplier is reduced to 16 bits with rounding,
     * then {@code (x * reduced + 2^(14 - shift)) >> (15 - shift)}. Expects |x| < 2^47, shift in -31..7.
     */
    public static int multiplyByQuantizedMultiplier(long x, int quantizedMultiplier, int shift) {
        int reduced = quantizedMultiplier < 0x7FFF0000 ? ((quantizedMultiplier + (1 << 15)) >> 16) : 0x7FFF;
        int totalShift = 15 - shift;
        long result = (x * (long) reduced + (1L << (totalShift - 1))) >> totalShift;
        return (int) result;
    }

    /** {@code MultiplyByQuantizedMultiplierSmallerThanOneExp} (double rounding); shift <= 0. */
    public static int multiplyByQuantizedMultiplierSmallerThanOneExp(int x, int quantizedMultiplier, int shift) {
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, quantizedMultiplier), -shift);
    }

    /** {@code MultiplyByQuantizedMultiplierGreaterThanOne} (double rounding); shift >= 0. */
    public static int multiplyByQuantizedMultiplierGreaterThanOne(int x, int quantizedMultiplier, int shift) {
        return saturatingRoundingDoublingHighMul(x * (1 << shift), quantizedMultiplier);
    }

    /** Clamps to [lo, hi]. */
    public static int clamp(int x, int lo, int hi) { return x < lo ? lo : (x > hi ? hi : x); }

    public static long clamp(long x, long lo, long hi) { return x < lo ? lo : (x > hi ? hi : x); }

    public static int saturateInt8(int x) { return clamp(x, INT8_MIN, INT8_MAX); }

    public static int saturateInt16(int x) { return clamp(x, INT16_MIN, INT16_MAX); }

    public static int saturateInt32(long x) { return (int) clamp(x, Integer.MIN_VALUE, Integer.MAX_VALUE); }

    /** {@code SaturatingAddNonGemmlowp} for int32. */
    public static int saturatingAdd(int a, int b) { return saturateInt32((long) a + b); }

    /** {@code SaturatingSub} for int32. */
    public static int saturatingSub(int a, int b) { return saturateInt32((long) a - b); }

    /** {@code SaturatingSub} for int16. */
    public static short saturatingSub(short a, short b) { return (short) saturateInt16(a - b); }

    /**
     * gemmlowp's {@code SaturatingRoundingMultiplyByPOT} with a positive exponent: x * 2^e, saturated;
     * with a negative exponent, {@link #roundingDivideByPOT(int, int)}.
     */
    public static int saturatingRoundingMultiplyByPOT(int x, int exponent) {
        if (exponent == 0) return x;
        if (exponent < 0) return roundingDivideByPOT(x, -exponent);
        int threshold = (int) ((1L << (31 - exponent)) - 1);
        if (x > threshold) return Integer.MAX_VALUE;
        if (x < -threshold) return Integer.MIN_VALUE;
        return x << exponent;
    }

    /** {@code CountLeadingZeros} for a 32-bit unsigned value. */
    public static int countLeadingZeros(int x) { return Integer.numberOfLeadingZeros(x); }

    /** {@code DownScaleInt32ToInt16Multiplier}. */
    public static short downScaleInt32ToInt16Multiplier(int multiplier) {
        if (multiplier < 0) throw new IllegalArgumentException("multiplier " + multiplier + " is negative");
        int roundingOffset = 1 << 15;
        if (multiplier >= Integer.MAX_VALUE - roundingOffset) return Short.MAX_VALUE;
        return (short) ((multiplier + roundingOffset) >> 16);
    }

    /**
     * TFLite's {@code CalculateActivationRangeQuantized}: the [min, max] an output with this scale
     * and zero point may take under a fused activation, intersected with the type's range.
     */
    public static int[] activationRange(org.tinyfit.graph.Op.Act act, float outputScale, int outputZeroPoint, int qmin, int qmax) {
        return switch (act) {
            case NONE -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, quantizeClamped(0f, outputScale, outputZeroPoint)), qmax};
            case RELU6 -> new int[] {Math.max(qmin, quantizeClamped(0f, outputScale, outputZeroPoint)),
                    Math.min(qmax, quantizeClamped(6f, outputScale, outputZeroPoint))};
            case RELU_N1_TO_1 -> new int[] {Math.max(qmin, quantizeClamped(-1f, outputScale, outputZeroPoint)),
                    Math.min(qmax, quantizeClamped(1f, outputScale, outputZeroPoint))};
            case TANH, SIGN_BIT -> new int[] {qmin, qmax}; // TFLite clamps only to the type's range here
        };
    }

    /** zero_point + round(f / scale), as TFLite's Quantize helper in CalculateActivationRangeQuantizedImpl computes it (float arithmetic). */
    private static int quantizeClamped(float f, float scale, int zeroPoint) {
        float q = (float) roundHalfAwayFromZero(f / scale);
        if (!(q >= -2147483648f && q <= 2147483648f)) {
            throw new ArithmeticException("activation bound " + f + " / scale " + scale + " does not fit an int32");
        }
        return zeroPoint + (int) q;
    }

    /** TFLite's float fused activation range. */
    public static float[] activationRangeFloat(org.tinyfit.graph.Op.Act act) {
        return switch (act) {
            case NONE -> new float[] {-Float.MAX_VALUE, Float.MAX_VALUE};
            case RELU -> new float[] {0f, Float.MAX_VALUE};
            case RELU6 -> new float[] {0f, 6f};
            case RELU_N1_TO_1 -> new float[] {-1f, 1f};
            case TANH, SIGN_BIT -> new float[] {-Float.MAX_VALUE, Float.MAX_VALUE}; // TFLite clamps to the float range here
        };
    }
}
