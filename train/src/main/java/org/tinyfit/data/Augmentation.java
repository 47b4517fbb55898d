package org.tinyfit.data;

import java.util.Arrays;

/**
 * A seeded random change to one sample, applied in place by the batch loader before normalization.
 * Each sample gets its own random stream derived from (seed, epoch, sample index), so results do
 * not depend on batch size or order.
 */
public sealed interface Augmentation {
    /** Throws a {@link DataException} if this augmentation does not fit samples of this shape. */
    void check(int[] sampleShape);

    /**
     * Changes the sample at {@code x[offset ..]} in place; {@code scratch} holds at least one sample.
     */
    void apply(float[] x, int offset, int[] sampleShape, SeededRandom random, float[] scratch);

    /** Images: pads by {@code padding} zeros on each side, then crops back to the original size at a random place. */
    record RandomCrop(int padding) implements Augmentation {
        public RandomCrop {
            if (padding < 0) throw new DataException("random crop padding must be >= 0, got " + padding);
        }

        @Override public void check(int[] shape) { requireRank(this, shape, 3, "images [height, width, channels]"); }

        @Override public void apply(float[] x, int offset, int[] shape, SeededRandom random, float[] scratch) {
            int h = shape[0], w = shape[1], c = shape[2];
            int dy = random.nextInt(2 * padding + 1) - padding;
            int dx = random.nextInt(2 * padding + 1) - padding;
            if (dy == 0 && dx == 0) return;
            int n = h * w * c;
            System.arraycopy(x, offset, scratch, 0, n);
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int xx = 0; xx < w; xx++) {
                    int sx = xx + dx;
                    int out = offset + (y * w + xx) * c;
                    if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
                        Arrays.fill(x, out, out + c, 0f);
                    } else {
                        System.arraycopy(scratch, (sy * w + sx) * c, x, out, c);
                    }
                }
            }
        }
    }

    /** Images: mirrors left-right with the given probability. */
    record HorizontalFlip(double probability) implements Augmentation {
        public HorizontalFlip {
            if (!(probability >= 0 && probability <= 1)) {
                throw new DataException("flip probability must be in [0, 1], got " + probability);
            }
        }

        @Override public void check(int[] shape) { requireRank(this, shape, 3, "images [height, width, channels]"); }

        @Override public void apply(float[] x, int offset, int[] shape, SeededRandom random, float[] scratch) {
            if (random.nextDouble() >= probability) return;
            int h = shape[0], w = shape[1], c = shape[2];
            for (int y = 0; y < h; y++) {
                int row = offset + y * w * c;
                for (int a = 0, b = w - 1; a < b; a++, b--) {
                    for (int k = 0; k < c; k++) {
                        float t = x[row + a * c + k];
                        x[row + a * c + k] = x[row + b * c + k];
                        x[row + b * c + k] = t;
                    }
                }
            }
        }
    }

    /** Sequences: shifts along time by a random step in [-maxSteps, maxSteps], filling with zeros. */
    record RandomShift(int maxSteps) implements Augmentation {
        public RandomShift {
            if (maxSteps < 0) throw new DataException("random shift must be >= 0 steps, got " + maxSteps);
        }

        @Override public void check(int[] shape) { requireRank(this, shape, 2, "sequences [length, channels]"); }

        @Override public void apply(float[] x, int offset, int[] shape, SeededRandom random, float[] scratch) {
            int len = shape[0], c = shape[1];
            int s = random.nextInt(2 * maxSteps + 1) - maxSteps;
            if (s == 0) return;
            int n = len * c;
            System.arraycopy(x, offset, scratch, 0, n);
            for (int t = 0; t < len; t++) {
                int src = t - s;
                if (src < 0 || src >= len) Arrays.fill(x, offset + t * c, offset + (t + 1) * c, 0f);
                else System.arraycopy(scratch, src * c, x, offset + t * c, c);
            }
        }
    }

    /** Any sample: adds Gaussian noise with the given standard deviation to every value. */
    record GaussianNoise(double stddev) implements Augmentation {
        public GaussianNoise {
            if (!(stddev >= 0) || Double.isInfinite(stddev)) {
                throw new DataException("noise standard deviation must be finite and >= 0, got " + stddev);
            }
        }

        @Override public void check(int[] shape) {}

        @Override public void apply(float[] x, int offset, int[] shape, SeededRandom random, float[] scratch) {
            int n = 1;
            for (int d : shape) n *= d;
            for (int i = 0; i < n; i++) x[offset + i] += (float) (stddev * random.nextGaussian());
        }
    }

    private static void requireRank(Augmentation a, int[] shape, int rank, String what) {
        if (shape.length != rank) {
            throw new DataException(a + " works on " + what + ", not on samples of shape " + Arrays.toString(shape));
        }
    }
}
