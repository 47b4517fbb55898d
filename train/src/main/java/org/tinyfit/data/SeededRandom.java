package org.tinyfit.data;

/**
 * A small reseedable generator (SplitMix64), so that the batch loop can give every sample its own
 * stream — derived from (seed, epoch, sample) — without allocating.
 */
public final class SeededRandom {
    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public SeededRandom(long seed) { reseed(seed); }

    public void reseed(long seed) {
        state = seed;
        hasSpare = false;
    }

    /** A seed for stream {@code (a, b)} under {@code seed}; different inputs give unrelated streams. */
    public static long derive(long seed, long a, long b) {
        return mix(mix(mix(seed) ^ a) ^ (b * 0x9E3779B97F4A7C15L));
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Standard normal (Marsaglia's polar method). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m;
        hasSpare = true;
        return u * m;
    }
}
