package org.tinyfit.data;

/**
 * The one seeded random generator of training (SplitMix64): weight initialisation, dropout masks,
 * dataset splits, batch order and augmentation all draw from it, so a seed repeats a run bit for bit.
 * Reseedable, so the batch loop can give every sample its own stream without allocating. Not for
 * cryptography.
 *
 * <p>Two ways to derive a stream and two normal samplers live side by side because each is pinned by
 * what it already produces: {@link #derive} and {@link #nextGaussian} give the dataset splits, batch
 * order and augmentation; {@link #forKeys} and {@link #nextGaussianBoxMuller} give the initial weights
 * and dropout masks. Changing either would change every model trained from a given seed.
 */
public final class SeededRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

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
        return step(step(step(seed) ^ a) ^ (b * GOLDEN));
    }

    /** A generator for one purpose and one position (layer, epoch, step, ...): the same inputs always give the same stream. */
    public static SeededRandom forKeys(long seed, long... keys) {
        long s = seed;
        for (long k : keys) s = mix(s ^ mix(k + GOLDEN));
        return new SeededRandom(s);
    }

    /** One SplitMix64 step from state {@code z}: advance, then finalize. */
    private static long step(long z) { return mix(z + GOLDEN); }

    /** The SplitMix64 finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long z = state;
        state += GOLDEN;
        return step(z);
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in [0, 1), 24 bits. */
    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    /** Uniform in [0, 1), 53 bits. */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Standard normal (Marsaglia's polar method; every second value is the spare of a pair). */
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

    /** Standard normal (Box-Muller, one value from two uniforms per call; no spare is kept). */
    public double nextGaussianBoxMuller() {
        double u1 = nextDouble(), u2 = nextDouble();
        if (u1 < 1e-300) u1 = 1e-300;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
