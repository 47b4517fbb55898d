package org.tinyfit.runtime.int16;

import org.tinyfit.graph.DType;
import org.tinyfit.quant.FixedPoint;

/**
 * QUANTIZE between integer types (requantize: int8/int16/int32 to int8/int16/int32) and from float
 * to int16, as TFLite Micro's reference kernel does it. Values of every integer type travel as
 * {@code int}.
 */
public final class QuantizeInt16 {
    private QuantizeInt16() {}

    /** {@code out = clamp(MBQM(in - inputZeroPoint, multiplier, shift) + outputZeroPoint)}. */
    public record Requantize(int multiplier, int shift, int inputZeroPoint, int outputZeroPoint, int outputMin, int outputMax) {}

    /** Prepare: effective scale input/output in double. */
    public static Requantize prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, DType outputType) {
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) inputScale / (double) outputScale);
        long[] range = range(outputType);
        return new Requantize(m.multiplier(), m.shift(), inputZeroPoint, outputZeroPoint, (int) range[0], (int) range[1]);
    }

    public static void requantize(int[] input, int[] out, Requantize p) {
        for (int i = 0; i < input.length; i++) {
            int v = FixedPoint.multiplyByQuantizedMultiplier(input[i] - p.inputZeroPoint, p.multiplier, p.shift) + p.outputZeroPoint;
            out[i] = FixedPoint.clamp(v, p.outputMin, p.outputMax);
        }
    }

    /**
     * Float to an integer type: {@code round(x / scale) + zeroPoint} with the division and the rounding
     * in float, clamped. A quotient outside the int32 range converts as x86-64's conversion does
     * (to int32's minimum), which is what TFLite Micro built for that host produces.
     */
    public static void quantize(float[] input, int[] out, float scale, int zeroPoint, DType outputType) {
        long[] range = range(outputType);
        for (int i = 0; i < input.length; i++) {
            float q = (float) FixedPoint.roundHalfAwayFromZero(input[i] / scale);
            int truncated = (q >= -2147483648f && q < 2147483648f) ? (int) q : Integer.MIN_VALUE;
            out[i] = FixedPoint.clamp(truncated + zeroPoint, (int) range[0], (int) range[1]);
        }
    }

    static long[] range(DType t) {
        return switch (t) {
            case I8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case U8 -> new long[] {0, 255};
            case I16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case I32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case F32, F16, I64, BOOL, UNKNOWN -> throw new IllegalArgumentException("QUANTIZE cannot produce " + t.lower());
        };
    }
}
