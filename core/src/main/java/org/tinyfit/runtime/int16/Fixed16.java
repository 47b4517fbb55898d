package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;

/**
 * The fixed-point helpers the 16-bit kernels need, with TFLite Micro's default (double) rounding.
 * Package-private until the runtime's shared fixed-point class is available to this package.
 */
final class Fixed16 {
    private Fixed16() {}

    static final int INT8_MIN = -128;
    static final int INT8_MAX = 127;
    static final int INT16_MIN = -32768;
    static final int INT16_MAX = 32767;

    /** real ~= multiplier * 2^(shift - 31). */
    record Multiplier(int multiplier, int shift) {}

    /** C's round(): halves away from zero. */
    static double roundHalfAwayFromZero(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return x;
        double a = Math.abs(x);
        double f = Math.floor(a);
        return Math.copySign(a - f >= 0.5 ? f + 1 : f, x);
    }

    /** QuantizeMultiplier: frexp, round the fraction to 31 bits, renormalize 2^31, flush shifts below -31. */
    static Multiplier quantizeMultiplier(double real) {
        if (real == 0.0) return new Multiplier(0, 0);
        int exponent = Math.getExponent(real) + 1;
        double fraction = real / Math.scalb(1.0, exponent);
        if (Math.abs(fraction) < 0.5) { // subnormal input
            fraction *= 2;
            exponent--;
        }
        long q = (long) roundHalfAwayFromZero(fraction * (double) (1L << 31));
        if (q == (1L << 31)) {
            q /= 2;
            exponent++;
        }
        if (exponent < -31) return new Multiplier(0, 0);
        return new Multiplier((int) q, exponent);
    }

    /** gemmlowp SaturatingRoundingDoublingHighMul. */
    static int srdhm(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) return Integer.MAX_VALUE;
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : 1 - (1L << 30);
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** gemmlowp RoundingDivideByPOT. */
    static int roundingDivideByPOT(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** MultiplyByQuantizedMultiplier(int32): double rounding; the left shift wraps like C. */
    static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int left = Math.max(shift, 0);
        int right = Math.max(-shift, 0);
        return roundingDivideByPOT(srdhm(x * (1 << left), multiplier), right);
    }

    /** MultiplyByQuantizedMultiplier(int64): the multiplier rounded to 16 bits, one rounding shift. */
    static int multiplyByQuantizedMultiplier(long x, int multiplier, int shift) {
        long reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
        int total = 15 - shift;
        return (int) ((x * reduced + (1L << (total - 1))) >> total);
    }

    static int multiplyByQuantizedMultiplierSmallerThanOneExp(int x, int multiplier, int shift) {
        return roundingDivideByPOT(srdhm(x, multiplier), -shift);
    }

    static int clamp(int x, int lo, int hi) { return x < lo ? lo : Math.min(x, hi); }

    static int saturateInt8(int x) { return clamp(x, INT8_MIN, INT8_MAX); }

    static int saturateInt16(int x) { return clamp(x, INT16_MIN, INT16_MAX); }

    /** CalculateActivationRangeQuantized: the fused activation's bounds, quantized in float, within [qmin, qmax]. */
    static int[] activationRange(Op.Act act, float scale, int zeroPoint, int qmin, int qmax) {
        return switch (act) {
            case NONE, TANH, SIGN_BIT -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)), qmax};
            case RELU6 -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)), Math.min(qmax, quantize(6f, scale, zeroPoint))};
            case RELU_N1_TO_1 -> new int[] {Math.max(qmin, quantize(-1f, scale, zeroPoint)), Math.min(qmax, quantize(1f, scale, zeroPoint))};
        };
    }

    private static int quantize(float f, float scale, int zeroPoint) {
        return zeroPoint + (int) (float) roundHalfAwayFromZero(f / scale);
    }
}
