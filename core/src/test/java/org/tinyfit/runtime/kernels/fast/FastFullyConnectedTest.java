package org.tinyfit.runtime.kernels.fast;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The fast FULLY_CONNECTED gives exactly the reference's bytes, float and int8, per-tensor and per-channel weights. */
class FastFullyConnectedTest {
    @Property(tries = 30)
    void fastFullyConnectedEqualsTheReference(@ForAll long seed, @ForAll boolean int8) {
        FastVsReference.randomLayer(seed, int8, 2);
    }
}
