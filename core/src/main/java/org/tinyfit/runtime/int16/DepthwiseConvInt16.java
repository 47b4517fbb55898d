package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.quant.ChannelMultipliers;
import org.tinyfit.quant.FixedPoint;

/**
 * DEPTHWISE_CONV_2D with int16 activations and int8 per-channel weights (TFLite Micro's 16x8
 * reference kernel): a 64-bit accumulator per output channel, an optional int64 bias, then the
 * 64-bit rescale. Layout: input [N,H,W,C], filter [1,KH,KW,C*M], output [N,OH,OW,C*M].
 */
public final class DepthwiseConvInt16 {
    private DepthwiseConvInt16() {}

    public record Params(int strideH, int strideW, int dilationH, int dilationW, int padH, int padW, int depthMultiplier,
                         int[] multipliers, int[] shifts, int activationMin, int activationMax) {}

    /** Prepare: padding as for CONV_2D; per output channel {@code input * filter / output} scale. */
    public static Params prepare(Op.DepthwiseConv2D op, int inH, int inW, int inChannels, int filterH, int filterW,
                                 int outChannels, float inputScale, float[] filterScales, float outputScale, int outputZeroPoint) {
        int m = op.depthMultiplier() > 0 ? op.depthMultiplier() : outChannels / Math.max(1, inChannels);
        if (inChannels * m != outChannels) {
            throw new IllegalArgumentException(inChannels + " input channels with depth multiplier " + m + " do not make "
                    + outChannels + " output channels");
        }
        int padH = ShapeInference.padBefore(inH, filterH, op.strideH(), op.dilationH(), op.padding());
        int padW = ShapeInference.padBefore(inW, filterW, op.strideW(), op.dilationW(), op.padding());
        ChannelMultipliers ms = ConvInt16.perChannelMultipliers(inputScale, filterScales, outputScale, outChannels);
        int[] range = FixedPoint.activationRange(op.act(), outputScale, outputZeroPoint, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(op.strideH(), op.strideW(), op.dilationH(), op.dilationW(), padH, padW, m, ms.multipliers(), ms.shifts(), range[0], range[1]);
    }

    /** Runs the op; {@code bias} (length C*M) may be null. */
    public static void run(short[] input, int[] inShape, byte[] filter, int[] filterShape, long[] bias,
                           short[] out, int[] outShape, Params p) {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], inDepth = inShape[3];
        int fH = filterShape[1], fW = filterShape[2], outDepth = filterShape[3];
        int outH = outShape[1], outW = outShape[2];
        if (outShape[3] != outDepth || outDepth != inDepth * p.depthMultiplier) {
            throw new IllegalArgumentException("depthwise shapes disagree: " + inDepth + " input channels x " + p.depthMultiplier
                    + " vs filter " + outDepth + " and output " + outShape[3] + " channels");
        }
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int inYOrigin = oy * p.strideH - p.padH;
                for (int ox = 0; ox < outW; ox++) {
                    int inXOrigin = ox * p.strideW - p.padW;
                    for (int ic = 0; ic < inDepth; ic++) {
                        for (int m = 0; m < p.depthMultiplier; m++) {
                            int oc = m + ic * p.depthMultiplier;
                            long acc = 0;
                            for (int ky = 0; ky < fH; ky++) {
                                int iy = inYOrigin + p.dilationH * ky;
                                if (iy < 0 || iy >= inH) continue;
                                for (int kx = 0; kx < fW; kx++) {
                                    int ix = inXOrigin + p.dilationW * kx;
                                    if (ix < 0 || ix >= inW) continue;
                                    acc += (long) filter[(ky * fW + kx) * outDepth + oc] * input[((b * inH + iy) * inW + ix) * inDepth + ic];
                                }
                            }
                            if (bias != null) acc += bias[oc];
                            int scaled = FixedPoint.multiplyByQuantizedMultiplier(acc, p.multipliers[oc], p.shifts[oc]);
                            out[((b * outH + oy) * outW + ox) * outDepth + oc] = (short) FixedPoint.clamp(scaled, p.activationMin, p.activationMax);
                        }
                    }
                }
            }
        }
    }
}
