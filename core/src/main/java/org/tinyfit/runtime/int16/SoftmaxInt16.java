package org.tinyfit.runtime.int16;

import java.util.function.DoubleUnaryOperator;
import org.tinyfit.quant.FixedPoint;

/**
 * SOFTMAX on int16 over the last dimension (TFLite Micro's {@code SoftmaxInt16}): differences from
 * the row maximum are scaled so that [-65535, 0] means [-10, 0], exp comes from a 513-entry
 * interpolated table, and 1/sum from a second table of 1/(1+x). Both tables are generated in Prepare
 * with float arithmetic, as TFLite's {@code LUTPopulate} does. Output scale 1/32768, zero points 0.
 */
public final class SoftmaxInt16 {
    private SoftmaxInt16() {}

    /** Table size: 512 segments plus one end point for the last slope. */
    public static final int LUT_SIZE = 513;

    public record Params(int inputMultiplier, int inputShift, short[] expLut, short[] oneOverOnePlusXLut) {}

    public static Params prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, float beta) {
        if (inputZeroPoint != 0 || outputZeroPoint != 0) {
            throw new IllegalArgumentException("int16 SOFTMAX needs zero points of 0, got " + inputZeroPoint + " and " + outputZeroPoint);
        }
        if (Math.abs(outputScale - 1f / 32768) > 0.001f / 32768) {
            throw new IllegalArgumentException("int16 SOFTMAX needs an output scale of 1/32768, got " + outputScale);
        }
        int range = Short.MAX_VALUE - Short.MIN_VALUE;
        short[] exp = lut(10.0f / range, Short.MAX_VALUE, 2.0f / range, 0, x -> (float) Math.exp(x));
        short[] recip = lut(1.0f / range, Short.MIN_VALUE, 2.0f / range, 0, x -> 1.0f / (1.0f + (float) x));
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) inputScale * (double) beta / (10.0 / 65535.0));
        return new Params(m.multiplier(), m.shift(), exp, recip);
    }

    /**
     * {@code LUTPopulate} for int16: 512 samples of {@code f} over the input range, each corrected by
     * half the error of linear interpolation at the segment's midpoint, all in float.
     */
    static short[] lut(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, DoubleUnaryOperator f) {
        float inputMin = inputScale * (Short.MIN_VALUE - inputZeroPoint);
        float inputMax = inputScale * (Short.MAX_VALUE - inputZeroPoint);
        float outputMin = outputScale * (Short.MIN_VALUE - outputZeroPoint);
        float outputMax = outputScale * (Short.MAX_VALUE - outputZeroPoint);
        int steps = LUT_SIZE - 1;
        float step = (inputMax - inputMin) / steps;
        float halfStep = step / 2;
        float scalingInv = (float) (Short.MAX_VALUE - Short.MIN_VALUE + 1) / (outputMax - outputMin);
        short[] lut = new short[LUT_SIZE];
        for (int i = 0; i < steps; i++) {
            float val = apply(f, inputMin + i * step);
            float mid = apply(f, inputMin + i * step + halfStep);
            float next = apply(f, inputMin + (i + 1) * step);
            float sample = round(val * scalingInv);
            float midInterp = round((next * scalingInv + round(val * scalingInv)) / 2);
            float midVal = round(mid * scalingInv);
            float bias = round((midInterp - midVal) / 2);
            lut[i] = (short) Math.min(Math.max(sample - bias, Short.MIN_VALUE), Short.MAX_VALUE);
        }
        lut[steps] = (short) Math.min(Math.max(round(apply(f, inputMax) * scalingInv), Short.MIN_VALUE), Short.MAX_VALUE);
        return lut;
    }

    private static float apply(DoubleUnaryOperator f, float x) { return (float) f.applyAsDouble(x); }

    private static float round(float x) { return (float) FixedPoint.roundHalfAwayFromZero(x); }

    /** {@code LUTLookup}: the top 9 bits pick a segment, the low 7 interpolate along it. */
    static short lookup(int value, short[] lut) {
        int index = 256 + (value >> 7);
        int offset = value & 0x7f;
        int base = lut[index];
        short slope = (short) (lut[index + 1] - lut[index]);
        int delta = (slope * offset + 64) >> 7;
        return (short) (base + delta);
    }

    /** Runs over rows of {@code depth} elements. */
    public static void run(short[] input, short[] out, int depth, Params p) {
        if (depth <= 0 || input.length % depth != 0 || out.length != input.length) {
            throw new IllegalArgumentException("SOFTMAX rows of " + depth + " do not fit " + input.length + " inputs and " + out.length + " outputs");
        }
        short[] exps = new short[depth];
        for (int row = 0; row < input.length / depth; row++) {
            int base = row * depth;
            int max = Short.MIN_VALUE;
            for (int c = 0; c < depth; c++) max = Math.max(max, input[base + c]);
            int sum = 0;
            for (int c = 0; c < depth; c++) {
                int scaled = FixedPoint.multiplyByQuantizedMultiplier(input[base + c] - max, p.inputMultiplier, p.inputShift);
                exps[c] = lookup(FixedPoint.saturateInt16(scaled + 32767), p.expLut);
                sum += exps[c];
            }
            int headroomPlusOne = Integer.numberOfLeadingZeros(sum);
            int shiftedSum = (int) ((((long) sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
            int symmetric = FixedPoint.saturateInt16(shiftedSum - ((1 << 15) + (1 << 16)));
            short reciprocal = lookup(symmetric, p.oneOverOnePlusXLut);
            int rightShift = 31 - headroomPlusOne;
            long round = 1 << (rightShift - 1);
            for (int c = 0; c < depth; c++) {
                int result = (int) (((long) exps[c] * reciprocal + round) >> rightShift);
                out[base + c] = (short) Math.min(Math.max(result, 0), 32767);
            }
        }
    }
}
