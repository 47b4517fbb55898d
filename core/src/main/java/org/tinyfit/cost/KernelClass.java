package org.tinyfit.cost;

/** Which row of a device's latency table an op is charged at. */
public enum KernelClass {
    /** Convolution and transpose convolution: cycles per MAC at {@code conv}. */
    CONV,
    /** Depthwise convolution: cycles per MAC at {@code depthwise}. */
    DEPTHWISE,
    /** Fully connected and SVDF (dot-product kernels): cycles per MAC at {@code fullyConnected}. */
    FULLY_CONNECTED,
    /** Everything else that touches data: cycles per op at {@code perElement}. */
    ELEMENTWISE,
    /** No work at inference (dropout), or unknown (an opaque op): only the per-op overhead. */
    NONE
}
