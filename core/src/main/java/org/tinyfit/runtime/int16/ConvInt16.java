package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.quant.ChannelMultipliers;
import org.tinyfit.quant.FixedPoint;

/**
 * CONV_2D with int16 activations and int8 per-channel weights (TFLite Micro's 16x8 reference
 * kernel). Activation zero points are 0 in this scheme, so no input offset is applied. The
 * accumulator is 64-bit (int64 bias) unless the bias is int32, in which case it is a wrapping
 * 32-bit one, as in TFLite Micro; the two forms rescale differently (see {@link FixedPoint}).
 * Layout: input [N,H,W,C], filter [O,KH,KW,C/groups], output [N,OH,OW,O].
 */
public final class ConvInt16 {
    private ConvInt16() {}

    /** Prepare's result: geometry, one multiplier and shift per output channel, the clamp range. */
    public record Params(int strideH, int strideW, int dilationH, int dilationW, int padH, int padW,
                         int[] multipliers, int[] shifts, int activationMin, int activationMax, boolean int32Accumulator) {}

    /**
     * Prepare: padding from the input size, and per channel {@code input_scale * filter_scale /
     * output_scale} quantized (a per-tensor filter scale is used for every channel).
     */
    public static Params prepare(Op.Conv2D op, int inH, int inW, int filterH, int filterW, int outChannels,
                                 float inputScale, float[] filterScales, float outputScale, int outputZeroPoint,
                                 boolean int32Bias) {
        int padH = ShapeInference.padBefore(inH, filterH, op.strideH(), op.dilationH(), op.padding());
        int padW = ShapeInference.padBefore(inW, filterW, op.strideW(), op.dilationW(), op.padding());
        ChannelMultipliers ms = perChannelMultipliers(inputScale, filterScales, outputScale, outChannels);
        int[] range = FixedPoint.activationRange(op.act(), outputScale, outputZeroPoint, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(op.strideH(), op.strideW(), op.dilationH(), op.dilationW(), padH, padW, ms.multipliers(), ms.shifts(),
                range[0], range[1], int32Bias);
    }

    /** {@code PopulateConvolutionQuantizationParams}' per-channel part ({@link ChannelMultipliers#perChannel}); one scale per channel, or one for all. */
    static ChannelMultipliers perChannelMultipliers(float inputScale, float[] filterScales, float outputScale, int channels) {
        if (filterScales.length != 1 && filterScales.length != channels) {
            throw new IllegalArgumentException("filter has " + filterScales.length + " scales for " + channels + " output channels");
        }
        return ChannelMultipliers.perChannel(inputScale, filterScales, outputScale, channels);
    }

    /**
     * Runs the convolution. {@code bias} (length O) may be null; with an int32 accumulator its values
     * must fit an int32.
     */
    public static void run(short[] input, int[] inShape, byte[] filter, int[] filterShape, long[] bias,
                           short[] out, int[] outShape, Params p) {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], inDepth = inShape[3];
        int outDepth = filterShape[0], fH = filterShape[1], fW = filterShape[2], fDepth = filterShape[3];
        int outH = outShape[1], outW = outShape[2];
        if (outShape[3] != outDepth || outShape[0] != batches) {
            throw new IllegalArgumentException("output shape does not match the filter's " + outDepth + " channels or the batch");
        }
        if (fDepth == 0 || inDepth % fDepth != 0) {
            throw new IllegalArgumentException("input depth " + inDepth + " is not a multiple of the filter depth " + fDepth);
        }
        int groups = inDepth / fDepth;
        int filtersPerGroup = outDepth / groups;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int inYOrigin = oy * p.strideH - p.padH;
                for (int ox = 0; ox < outW; ox++) {
                    int inXOrigin = ox * p.strideW - p.padW;
                    for (int oc = 0; oc < outDepth; oc++) {
                        int group = oc / filtersPerGroup;
                        long acc64 = 0;
                        int acc32 = 0;
                        for (int ky = 0; ky < fH; ky++) {
                            int iy = inYOrigin + p.dilationH * ky;
                            if (iy < 0 || iy >= inH) continue;
                            for (int kx = 0; kx < fW; kx++) {
                                int ix = inXOrigin + p.dilationW * kx;
                                if (ix < 0 || ix >= inW) continue;
                                int inBase = ((b * inH + iy) * inW + ix) * inDepth + group * fDepth;
                                int fBase = ((oc * fH + ky) * fW + kx) * fDepth;
                                for (int ic = 0; ic < fDepth; ic++) {
                                    int prod = filter[fBase + ic] * input[inBase + ic];
                                    acc64 += prod;
                                    acc32 += prod;
                                }
                            }
                        }
                        int scaled = Accumulator.rescale(p.int32Accumulator, acc32, acc64, bias, oc, p.multipliers[oc], p.shifts[oc]);
                        out[((b * outH + oy) * outW + ox) * outDepth + oc] =
                                (short) FixedPoint.clamp(scaled, p.activationMin, p.activationMax);
                    }
                }
            }
        }
    }
}
