package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.quant.ChannelMultipliers;
import org.tinyfit.quant.FixedPoint;

/**
 * FULLY_CONNECTED with int16 activations and int8 weights (TFLite Micro's 16x8 reference kernel),
 * per-tensor or per-channel weight scales. The accumulator is 64-bit unless the bias is int32, in
 * which case it is a wrapping 32-bit one; the two use different rescale functions, as in TFLite
 * Micro. Weights [O, D]; the input is read as [batches, D].
 */
public final class FullyConnectedInt16 {
    private FullyConnectedInt16() {}

    public record Params(int inputOffset, int outputOffset, int[] multipliers, int[] shifts,
                         int activationMin, int activationMax, boolean int32Accumulator) {}

    /**
     * Prepare. Per-channel scales: {@code input * filter[c] / output} in double. A single scale: as
     * TFLite Micro's {@code GetQuantizedConvolutionMultipler}, the product input * filter is formed
     * in float, then divided by the output scale in double.
     */
    public static Params prepare(Op.FullyConnected op, int outChannels, float inputScale, int inputZeroPoint,
                                 float[] filterScales, float outputScale, int outputZeroPoint, boolean int32Bias) {
        ChannelMultipliers ms = filterScales.length > 1
                ? ConvInt16.perChannelMultipliers(inputScale, filterScales, outputScale, outChannels)
                : ChannelMultipliers.perTensor(inputScale, filterScales[0], outputScale, outChannels);
        int[] range = FixedPoint.activationRange(op.act(), outputScale, outputZeroPoint, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(-inputZeroPoint, outputZeroPoint, ms.multipliers(), ms.shifts(), range[0], range[1], int32Bias);
    }

    /** Runs the op: {@code out} holds [batches, outChannels]; {@code bias} may be null. */
    public static void run(short[] input, byte[] weights, int outChannels, int depth, long[] bias, short[] out, Params p) {
        if (depth <= 0 || input.length % depth != 0) {
            throw new IllegalArgumentException("input of " + input.length + " elements is not a whole number of rows of " + depth);
        }
        int batches = input.length / depth;
        if (out.length != batches * outChannels) {
            throw new IllegalArgumentException("output holds " + out.length + " elements, expected " + batches + " x " + outChannels);
        }
        for (int b = 0; b < batches; b++) {
            for (int oc = 0; oc < outChannels; oc++) {
                long acc64 = 0;
                int acc32 = 0;
                for (int d = 0; d < depth; d++) {
                    int prod = weights[oc * depth + d] * (input[b * depth + d] + p.inputOffset);
                    acc64 += prod;
                    acc32 += prod;
                }
                int scaled = Accumulator.rescale(p.int32Accumulator, acc32, acc64, bias, oc, p.multipliers[oc], p.shifts[oc]);
                out[b * outChannels + oc] = (short) FixedPoint.clamp(scaled + p.outputOffset, p.activationMin, p.activationMax);
            }
        }
    }
}
