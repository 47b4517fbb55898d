package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.quant.ChannelMultipliers;
import org.tinyfit.quant.FixedPoint;

/**
 * TRANSPOSE_CONV with int16 activations and int8 per-channel weights (TFLite Micro's 16x8
 * reference kernel): every input element scatters its products into a 64-bit accumulator per
 * output element; bias (int16 or int64, widened) is added, then each channel is rescaled with the
 * 64-bit {@code MultiplyByQuantizedMultiplier}. Layout: input [N,H,W,I], filter [O,KH,KW,I],
 * output [N,OH,OW,O].
 */
public final class TransposeConvInt16 {
    private TransposeConvInt16() {}

    public record Params(int strideH, int strideW, int padH, int padW, int[] multipliers, int[] shifts,
                         int activationMin, int activationMax) {}

    /**
     * Prepare. As in TFLite Micro, the padding is computed by treating the OUTPUT size as the
     * convolution's input size (dilation 1).
     */
    public static Params prepare(Op.TransposeConv op, int outH, int outW, int filterH, int filterW, int outChannels,
                                 float inputScale, float[] filterScales, float outputScale, int outputZeroPoint) {
        int padH = ShapeInference.padBefore(outH, filterH, op.strideH(), 1, op.padding());
        int padW = ShapeInference.padBefore(outW, filterW, op.strideW(), 1, op.padding());
        ChannelMultipliers ms = ConvInt16.perChannelMultipliers(inputScale, filterScales, outputScale, outChannels);
        int[] range = FixedPoint.activationRange(op.act(), outputScale, outputZeroPoint, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(op.strideH(), op.strideW(), padH, padW, ms.multipliers(), ms.shifts(), range[0], range[1]);
    }

    /** Runs the op; {@code bias} (length O) may be null. */
    public static void run(short[] input, int[] inShape, byte[] filter, int[] filterShape, long[] bias,
                           short[] out, int[] outShape, Params p) {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], inDepth = inShape[3];
        int outDepth = filterShape[0], fH = filterShape[1], fW = filterShape[2];
        int outH = outShape[1], outW = outShape[2];
        if (filterShape[3] != inDepth || outShape[3] != outDepth || outShape[0] != batches) {
            throw new IllegalArgumentException("transpose conv shapes disagree: input depth " + inDepth + ", filter depth "
                    + filterShape[3] + ", filter outputs " + outDepth + ", output depth " + outShape[3]);
        }
        long[] acc = new long[batches * outH * outW * outDepth];
        for (int b = 0; b < batches; b++) {
            for (int iy = 0; iy < inH; iy++) {
                for (int ix = 0; ix < inW; ix++) {
                    int outXOrigin = ix * p.strideW - p.padW;
                    int outYOrigin = iy * p.strideH - p.padH;
                    for (int ic = 0; ic < inDepth; ic++) {
                        int inVal = input[((b * inH + iy) * inW + ix) * inDepth + ic];
                        for (int ky = 0; ky < fH; ky++) {
                            int oy = outYOrigin + ky;
                            if (oy < 0 || oy >= outH) continue;
                            for (int kx = 0; kx < fW; kx++) {
                                int ox = outXOrigin + kx;
                                if (ox < 0 || ox >= outW) continue;
                                int outBase = ((b * outH + oy) * outW + ox) * outDepth;
                                for (int oc = 0; oc < outDepth; oc++) {
                                    acc[outBase + oc] += inVal * filter[((oc * fH + ky) * fW + kx) * inDepth + ic];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            int oc = i % outDepth;
            long a = acc[i] + (bias != null ? bias[oc] : 0);
            int scaled = FixedPoint.multiplyByQuantizedMultiplier(a, p.multipliers[oc], p.shifts[oc]);
            out[i] = (short) FixedPoint.clamp(scaled, p.activationMin, p.activationMax);
        }
    }
}
