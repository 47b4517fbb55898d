package org.tinyfit.runtime.kernels;

import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.FixedPoint;
import org.tinyfit.runtime.KernelSupport;

/**
 * The requantization of a convolution-like op (conv, depthwise, transpose conv), as TFLite's
 * {@code PopulateConvolutionQuantizationParams} computes it: one multiplier per output channel from
 * {@code (double) inputScale * (double) filterScale[c] / (double) outputScale}, offsets, and the
 * fused activation's range.
 */
record ConvQuant(int inputOffset, int outputOffset, int[] multipliers, int[] shifts, int actMin, int actMax) {

    static ConvQuant of(Node node, Tensor input, Tensor filter, Tensor output, Op.Act act, int channels) {
        float inputScale = KernelSupport.scale(node, input, "input");
        float outputScale = KernelSupport.scale(node, output, "output");
        Quantization fq = KernelSupport.quant(node, filter, "filter");
        if (fq.perChannel() && fq.channels() != channels) {
            throw KernelSupport.fail(node, "the filter has " + fq.channels() + " per-channel scales, but " + channels + " output channels");
        }
        int[] m = new int[channels];
        int[] s = new int[channels];
        for (int c = 0; c < channels; c++) {
            double effective = (double) inputScale * (double) fq.scale(c) / (double) outputScale;
            FixedPoint.Multiplier q = FixedPoint.quantizeMultiplier(effective);
            m[c] = q.multiplier();
            s[c] = q.shift();
        }
        int[] range = FixedPoint.activationRange(act, outputScale, KernelSupport.zeroPoint(node, output, "output"),
                KernelSupport.qmin(output.dtype()), KernelSupport.qmax(output.dtype()));
        return new ConvQuant(-KernelSupport.zeroPoint(node, input, "input"), KernelSupport.zeroPoint(node, output, "output"), m, s, range[0], range[1]);
    }

    /** Requantizes accumulator {@code acc} of output channel {@code c}, adds the output zero point, clamps. */
    int requantize(int acc, int c) {
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) + outputOffset;
        return v < actMin ? actMin : (v > actMax ? actMax : v);
    }
}
