package org.tinyfit.runtime.int16;

import org.tinyfit.quant.FixedPoint;

/**
 * LEAKY_RELU on int16 (TFLite Micro's {@code QuantizeLeakyRelu}): a non-negative input (after its
 * zero point) is rescaled by input/output scale, a negative one by alpha times that; a negative alpha
 * is applied as the negation of the positive multiplier's result.
 */
public final class LeakyReluInt16 {
    private LeakyReluInt16() {}

    public record Params(int inputZeroPoint, int outputZeroPoint, int alphaMultiplier, int alphaShift,
                         int identityMultiplier, int identityShift) {}

    /** Prepare: both ratios are formed in float, then quantized. */
    public static Params prepare(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, float alpha) {
        double alphaReal = (double) (inputScale * alpha / outputScale);
        double identityReal = (double) (inputScale / outputScale);
        FixedPoint.Multiplier a = FixedPoint.quantizeMultiplier(alphaReal);
        FixedPoint.Multiplier id = FixedPoint.quantizeMultiplier(identityReal);
        return new Params(inputZeroPoint, outputZeroPoint, a.multiplier(), a.shift(), id.multiplier(), id.shift());
    }

    public static short apply(int x, Params p) {
        int v = x - p.inputZeroPoint;
        int out = p.outputZeroPoint;
        if (v >= 0) {
            out += FixedPoint.multiplyByQuantizedMultiplier(v, p.identityMultiplier, p.identityShift);
        } else {
            boolean negativeAlpha = p.alphaMultiplier < 0;
            int scaled = FixedPoint.multiplyByQuantizedMultiplier(v, negativeAlpha ? -p.alphaMultiplier : p.alphaMultiplier, p.alphaShift);
            out += negativeAlpha ? -scaled : scaled;
        }
        return (short) FixedPoint.saturateInt16(out);
    }

    public static void run(short[] input, short[] out, Params p) {
        if (input.length != out.length) throw new IllegalArgumentException("input has " + input.length + " elements, output " + out.length);
        for (int i = 0; i < input.length; i++) out[i] = apply(input[i], p);
    }
}
