package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;

/**
 * TFLite's padding arithmetic ({@code ComputePaddingHeightWidth}): the output size a padding mode
 * gives for an input size, and the (top or left) padding that centres the filter.
 */
final class ConvPadding {
    private ConvPadding() {}

    /** Output size along one axis: SAME is ceil(in / stride), VALID is ceil((in - effective filter + 1) / stride). */
    static int outputSize(Op.Padding padding, int inSize, int filterSize, int stride, int dilation) {
        long effective = (long) (filterSize - 1) * dilation + 1;
        long value = switch (padding) {
            case SAME -> ((long) inSize + stride - 1) / stride;
            case VALID -> ((long) inSize + stride - effective) / stride;
        };
        return (int) Math.max(0, value);
    }

    /** The padding before the first element along one axis (the odd unit, if any, goes after). */
    static int padding(Op.Padding padding, int inSize, int filterSize, int stride, int dilation) {
        int out = outputSize(padding, inSize, filterSize, stride, dilation);
        long effective = (long) (filterSize - 1) * dilation + 1;
        long total = ((long) out - 1) * stride + effective - inSize;
        return (int) (Math.max(0, total) / 2);
    }
}
