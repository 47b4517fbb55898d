package org.tinyfit.runtime.kernels.fast;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Large int8 ADD, SUB and MUL by lookup table give exactly the reference's bytes, broadcasting or not. */
class FastBinaryTest {
    @Property(tries = 30)
    void largeInt8ElementwiseOpsByTableEqualTheReference(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll boolean broadcast) {
        FastVsReference.largeInt8Elementwise(seed, kind, broadcast);
    }
}
