package org.tinyfit.device;

/**
 * Cost of the kernels for one data type on one core: cycles per multiply-accumulate for the
 * MAC-bound op kinds, and cycles per output element for the others (pooling, element-wise,
 * activations, softmax, data movement).
 *
 * <p>Transpose convolution is charged at {@code conv}, SVDF at {@code fullyConnected} (its two
 * matrix products are dot-product kernels like a fully connected layer's).
 */
public record KernelCycles(double conv, double depthwise, double fullyConnected, double perElement) {
    public KernelCycles {
        check(conv, "conv");
        check(depthwise, "depthwise");
        check(fullyConnected, "fullyConnected");
        check(perElement, "perElement");
    }

    private static void check(double v, String field) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(field + " must be a positive number of cycles, not " + v);
    }
}
