package org.tinyfit.runtime.kernels.fast;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The fast CONV_2D gives exactly the reference's bytes, float and int8, on random geometries (grouped too). */
class FastConvTest {
    @Property(tries = 40)
    void fastConvolutionEqualsTheReference(@ForAll long seed, @ForAll boolean int8) {
        FastVsReference.randomLayer(seed, int8, 0);
    }
}
