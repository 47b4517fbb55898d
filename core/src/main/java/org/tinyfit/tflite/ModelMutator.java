package org.tinyfit.tflite;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of model files, for checking that the reader rejects damaged input cleanly:
 * bit flips, overwrites with boundary values, truncation, insertion, deletion and splicing of two
 * models. Case {@code k} of seed {@code s} is always the same bytes, so a failure can be replayed.
 */
public final class ModelMutator {
    private static final int[] INTERESTING_INTS = {0, 1, -1, 2, 4, 8, 16, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF,
        0x10000, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 3, 1 << 30, 1_000_000};
    private static final byte[] INTERESTING_BYTES = {0, (byte) 0xFF, 0x7F, (byte) 0x80, 1, 2, 3, 4, 9, 0x40};

    private final List<byte[]> models;
    private final long seed;

    public ModelMutator(List<byte[]> models, long seed) {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to mutate");
        this.models = List.copyOf(models);
        this.seed = seed;
    }

    /** A short description of case {@code k} and its bytes. */
    public record Case(String what, byte[] bytes) {}

    public Case mutate(long k) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
        int which = r.nextInt(models.size());
        byte[] b = models.get(which);
        StringBuilder what = new StringBuilder("model " + which);
        int steps = r.nextInt(8) == 0 ? 2 + r.nextInt(3) : 1;
        for (int s = 0; s < steps; s++) {
            b = once(b, r, what);
        }
        return new Case(what.toString(), b);
    }

    private byte[] once(byte[] in, SplittableRandom r, StringBuilder what) {
        if (in.length == 0) return new byte[] {(byte) r.nextInt(256)};
        int kind = r.nextInt(100);
        if (kind < 25) {
            byte[] b = in.clone();
            int flips = 1 + r.nextInt(8);
            for (int i = 0; i < flips; i++) {
                int p = position(b.length, r);
                b[p] ^= (byte) (1 << r.nextInt(8));
            }
            what.append(", ").append(flips).append(" bit flips");
            return b;
        } else if (kind < 45) {
            byte[] b = in.clone();
            int n = 1 + r.nextInt(4);
            for (int i = 0; i < n; i++) b[position(b.length, r)] = INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
            what.append(", ").append(n).append(" byte overwrites");
            return b;
        } else if (kind < 65) {
            byte[] b = in.clone();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                int p = position(b.length, r) & ~3;
                int v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
                if (r.nextBoolean()) v = v + r.nextInt(-8, 9);
                for (int j = 0; j < 4 && p + j < b.length; j++) b[p + j] = (byte) (v >>> (8 * j));
            }
            what.append(", ").append(n).append(" int overwrites");
            return b;
        } else if (kind < 75) {
            int len = r.nextInt(in.length);
            what.append(", truncated to ").append(len);
            return Arrays.copyOf(in, len);
        } else if (kind < 83) {
            int p = r.nextInt(in.length + 1);
            int n = 1 + r.nextInt(r.nextBoolean() ? 4 : 64);
            byte[] b = new byte[in.length + n];
            System.arraycopy(in, 0, b, 0, p);
            for (int i = 0; i < n; i++) b[p + i] = (byte) r.nextInt(256);
            System.arraycopy(in, p, b, p + n, in.length - p);
            what.append(", ").append(n).append(" bytes inserted at ").append(p);
            return b;
        } else if (kind < 91) {
            int p = r.nextInt(in.length);
            int n = 1 + r.nextInt(Math.min(in.length - p, r.nextBoolean() ? 4 : 256));
            byte[] b = new byte[in.length - n];
            System.arraycopy(in, 0, b, 0, p);
            System.arraycopy(in, p + n, b, p, in.length - p - n);
            what.append(", ").append(n).append(" bytes deleted at ").append(p);
            return b;
        } else {
            byte[] other = models.get(r.nextInt(models.size()));
            int a = r.nextInt(in.length + 1);
            int c = r.nextInt(other.length + 1);
            byte[] b = new byte[a + other.length - c];
            System.arraycopy(in, 0, b, 0, a);
            System.arraycopy(other, c, b, a, other.length - c);
            what.append(", spliced at ").append(a).append(" with another model from ").append(c);
            return b;
        }
    }

    /** A position, favouring the first and last 4 KiB (where a model's tables usually are). */
    private static int position(int length, SplittableRandom r) {
        int window = Math.min(length, 4096);
        return switch (r.nextInt(3)) {
            case 0 -> r.nextInt(window);
            case 1 -> length - 1 - r.nextInt(window);
            default -> r.nextInt(length);
        };
    }
}
