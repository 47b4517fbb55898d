package org.tinyfit.train;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one {@code long}, so a
 * checkpoint can save and restore it exactly. Not for cryptography.
 */
public final class Rng {
    private long state;

    public Rng(long seed) { this.state = seed; }

    /** A generator for one purpose and one position (epoch, step, ...): the same inputs always give the same stream. */
    public static Rng derive(long seed, long... keys) {
        long s = seed;
        for (long k : keys) s = mix(s ^ mix(k + 0x9E3779B97F4A7C15L));
        return new Rng(s);
    }

    public long state() { return state; }

    public void setState(long s) { state = s; }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Standard normal (Box-Muller, one value per call so the state stays one long). */
    public double nextGaussian() {
        double u1 = nextDouble(), u2 = nextDouble();
        if (u1 < 1e-300) u1 = 1e-300;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
