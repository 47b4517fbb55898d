package org.tinyfit.runtime.kernels.fast;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The fast DEPTHWISE_CONV_2D gives exactly the reference's bytes on random geometries and depth multipliers. */
class FastDepthwiseConvTest {
    @Property(tries = 30)
    void fastDepthwiseEqualsTheReference(@ForAll long seed, @ForAll boolean int8) {
        FastVsReference.randomLayer(seed, int8, 1);
    }
}
