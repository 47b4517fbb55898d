package org.tinyfit.quant;

import java.util.Arrays;

/**
 * One quantized multiplier and shift per output channel of a convolution-like op (CONV_2D,
 * DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED), for int8 and int16 activations alike: channel
 * {@code c}'s accumulator times {@code effective scale[c] = inputScale * filterScale[c] / outputScale}
 * is {@code apply(acc, c)}. The two factories differ in where the product is rounded, which decides
 * the last bit, exactly as in TFLite Micro.
 */
public record ChannelMultipliers(int[] multipliers, int[] shifts) {
    public ChannelMultipliers {
        if (multipliers.length != shifts.length) {
            throw new IllegalArgumentException(multipliers.length + " multipliers but " + shifts.length + " shifts");
        }
    }

    /**
     * TFLite's {@code PopulateConvolutionQuantizationParams}: per channel, {@code (double) inputScale *
     * (double) filterScale[c] / (double) outputScale}, quantized by {@link
     * FixedPoint#quantizeMultiplier}. One filter scale (per-tensor weights) serves every channel;
     * otherwise there must be at least {@code channels} scales (the first {@code channels} are used).
     */
    public static ChannelMultipliers perChannel(float inputScale, float[] filterScales, float outputScale, int channels) {
        if (filterScales.length != 1 && filterScales.length < channels) {
            throw new IllegalArgumentException("the filter has " + filterScales.length + " scales for " + channels + " output channels");
        }
        int[] m = new int[channels];
        int[] s = new int[channels];
        for (int c = 0; c < channels; c++) {
            double filterScale = filterScales[filterScales.length == 1 ? 0 : c];
            FixedPoint.Multiplier q = FixedPoint.quantizeMultiplier((double) inputScale * filterScale / (double) outputScale);
            m[c] = q.multiplier();
            s[c] = q.shift();
        }
        return new ChannelMultipliers(m, s);
    }

    /**
     * TFLite's {@code GetQuantizedConvolutionMultipler} (per-tensor FULLY_CONNECTED): the product
     * {@code inputScale * filterScale} is formed in float, then divided by the output scale in double;
     * the one multiplier serves all {@code channels}.
     */
    public static ChannelMultipliers perTensor(float inputScale, float filterScale, float outputScale, int channels) {
        FixedPoint.Multiplier q = FixedPoint.quantizeMultiplier((double) (inputScale * filterScale) / (double) outputScale);
        int[] m = new int[channels];
        int[] s = new int[channels];
        Arrays.fill(m, q.multiplier());
        Arrays.fill(s, q.shift());
        return new ChannelMultipliers(m, s);
    }

    public int channels() { return multipliers.length; }

    /** Channel {@code c}'s multiplier and shift. */
    public FixedPoint.Multiplier get(int c) { return new FixedPoint.Multiplier(multipliers[c], shifts[c]); }

    /** A 32-bit accumulator of channel {@code c} rescaled ({@link FixedPoint#multiplyByQuantizedMultiplier(int, int, int)}). */
    public int apply(int acc, int c) { return FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]); }

    /** A 64-bit accumulator of channel {@code c} rescaled ({@link FixedPoint#multiplyByQuantizedMultiplier(long, int, int)}, the 16-bit-activation form). */
    public int apply(long acc, int c) { return FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]); }
}
