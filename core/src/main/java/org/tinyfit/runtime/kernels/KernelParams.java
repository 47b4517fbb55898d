package org.tinyfit.runtime.kernels;

import org.tinyfit.quant.FixedPoint;

/**
 * The integer parameters some int8 kernels compute while preparing and keep to themselves, for code
 * that must reproduce them exactly (the C generator): each value comes from the method the kernel
 * itself calls, so generated code and the runtime cannot drift apart. (Convolution, fully connected
 * and ADD/SUB parameters are public already: {@link org.tinyfit.quant.ConvQuant}, {@link BinaryKernel#addSubQuant}.)
 */
public final class KernelParams {
    private KernelParams() {}

    /** An int8 softmax's input scaling (a multiplier with a left shift) and the smallest difference to the row maximum that counts. */
    public record Softmax(int inputMultiplier, int inputLeftShift, int diffMin, int outputBits) {}

    public static Softmax softmax(float beta, float inputScale, int outputBits) {
        SoftmaxKernel.Int8Params p = SoftmaxKernel.int8Params(beta, inputScale, outputBits);
        return new Softmax(p.inputMultiplier(), p.inputLeftShift(), p.diffMin(), p.outputBits());
    }

    /** The multiplier of an integer-to-integer QUANTIZE (requantization). */
    public static FixedPoint.Multiplier requantize(float inputScale, float outputScale) {
        return QuantizeKernel.requantizeMultiplier(inputScale, outputScale);
    }

    /**
     * The first index STRIDED_SLICE reads along an axis of {@code axisSize} elements (negative
     * indices count from the end; clamped; a masked axis starts at its first element).
     */
    public static int sliceStart(int begin, int stride, boolean masked, int axisSize) {
        return StridedSliceKernel.startForAxis(begin, stride, masked, axisSize);
    }

    /** The index STRIDED_SLICE stops before along an axis (see {@link #sliceStart}). */
    public static int sliceStop(int end, int stride, boolean masked, boolean shrink, boolean offset, int axisSize, int start) {
        return StridedSliceKernel.endForAxis(end, stride, masked, shrink, offset, axisSize, start);
    }
}
