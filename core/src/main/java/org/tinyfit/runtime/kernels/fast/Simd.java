package org.tinyfit.runtime.kernels.fast;

/**
 * Whether the fast float kernels may use the JDK's Vector API ({@code jdk.incubator.vector}): only
 * when that module is in the boot layer (the launcher, the benchmarks and the tests add it; a plain
 * {@code java} command or a Spark executor may not), checked once. The classes of {@code
 * kernels.fast.vector} are loaded only when it is; otherwise the scalar fast kernels run. Both compute
 * the reference's bytes. {@code -Dtinyfit.simd=false} turns the Vector API off where it is present.
 */
public final class Simd {
    private Simd() {}

    /** The Vector API is present (and not turned off). */
    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("tinyfit.simd"));
}
