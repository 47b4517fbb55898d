package org.tinyfit.quant;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;

/**
 * The requantization of a convolution-like op (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV,
 * FULLY_CONNECTED) with int8 or int16 output: the input offset ({@code -inputZeroPoint}, added to
 * every input value), one multiplier and shift per output channel ({@link ChannelMultipliers}), the
 * output zero point, and the fused activation's clamp range ({@link FixedPoint#activationRange}).
 * {@link #requantize} is the last step of TFLite Micro's reference kernels: rescale, add the output
 * zero point, clamp.
 */
public record ConvQuant(int inputOffset, int outputOffset, int[] multipliers, int[] shifts, int actMin, int actMax) {

    /**
     * From scales and zero points; {@code multipliers} come from {@link ChannelMultipliers}, the range
     * from the output's scale, zero point and type.
     */
    public static ConvQuant of(int inputZeroPoint, ChannelMultipliers multipliers, float outputScale, int outputZeroPoint, Op.Act act, DType outputType) {
        int[] range = FixedPoint.activationRange(act, outputScale, outputZeroPoint, QuantParams.qmin(outputType), QuantParams.qmax(outputType));
        return new ConvQuant(-inputZeroPoint, outputZeroPoint, multipliers.multipliers(), multipliers.shifts(), range[0], range[1]);
    }

    /**
     * A convolution node's (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV), as TFLite's {@code
     * PopulateConvolutionQuantizationParams}: per-channel filter scales must number {@code channels}.
     */
    public static ConvQuant conv(Node node, Tensor input, Tensor filter, Tensor output, Op.Act act, int channels) {
        float inputScale = QuantParams.scale(node, input, "input");
        float outputScale = QuantParams.scale(node, output, "output");
        Quantization fq = QuantParams.quant(node, filter, "filter");
        if (fq.perChannel() && fq.channels() != channels) {
            throw new GraphException(node.label() + ": the filter has " + fq.channels() + " per-channel scales, but " + channels + " output channels");
        }
        return of(QuantParams.zeroPoint(node, input, "input"), ChannelMultipliers.perChannel(inputScale, fq.scales(), outputScale, channels),
                outputScale, QuantParams.zeroPoint(node, output, "output"), act, output.dtype());
    }

    /**
     * A FULLY_CONNECTED node's: per-channel weights as a convolution; per-tensor weights with the
     * product of the input and weight scales in float ({@link ChannelMultipliers#perTensor}).
     */
    public static ConvQuant fullyConnected(Node node, Tensor input, Tensor weights, Tensor output, Op.Act act, int outDepth) {
        float inputScale = QuantParams.scale(node, input, "input");
        float outputScale = QuantParams.scale(node, output, "output");
        Quantization wq = QuantParams.quant(node, weights, "weights");
        ChannelMultipliers m;
        if (wq.perChannel()) {
            if (wq.channels() < outDepth) throw new GraphException(node.label() + ": the weights have " + wq.channels() + " per-channel scales for " + outDepth + " outputs");
            m = ChannelMultipliers.perChannel(inputScale, wq.scales(), outputScale, outDepth);
        } else {
            m = ChannelMultipliers.perTensor(inputScale, wq.scale(), outputScale, outDepth);
        }
        return of(QuantParams.zeroPoint(node, input, "input"), m, outputScale, QuantParams.zeroPoint(node, output, "output"), act, output.dtype());
    }

    /** Rescales accumulator {@code acc} of output channel {@code c}, adds the output zero point, clamps to the activation range. */
    public int requantize(int acc, int c) {
        int v = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers[c], shifts[c]) + outputOffset;
        return v < actMin ? actMin : (v > actMax ? actMax : v);
    }
}
