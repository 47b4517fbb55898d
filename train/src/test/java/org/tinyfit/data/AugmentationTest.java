package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i + 1;
        return x;
    }

    @Property(tries = 100)
    void randomCropIsAZeroFilledShiftOfAtMostThePadding(@ForAll @IntRange(min = 0, max = 4) int padding, @ForAll long seed) {
        int h = 6, w = 5, c = 2;
        int[] shape = {h, w, c};
        float[] in = ramp(h * w * c), x = in.clone();
        new Augmentation.RandomCrop(padding).apply(x, 0, shape, new SeededRandom(seed), new float[x.length]);
        // find the shift: every output value is either 0 or the input value at (y+dy, x+dx)
        boolean found = false;
        for (int dy = -padding; dy <= padding && !found; dy++) {
            for (int dx = -padding; dx <= padding && !found; dx++) {
                boolean ok = true;
                for (int y = 0; y < h && ok; y++) for (int xx = 0; xx < w && ok; xx++) for (int k = 0; k < c; k++) {
                    int sy = y + dy, sx = xx + dx;
                    float expect = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0 : in[(sy * w + sx) * c + k];
                    if (x[(y * w + xx) * c + k] != expect) ok = false;
                }
                found = ok;
            }
        }
        assertTrue(found, "output is not a padded crop: " + Arrays.toString(x));
    }

    @Test
    void randomCropUsesEveryOffset() {
        int[] shape = {3, 3, 1};
        java.util.Set<Float> firstPixel = new java.util.HashSet<>();
        SeededRandom r = new SeededRandom(1);
        for (int i = 0; i < 200; i++) {
            float[] x = ramp(9);
            new Augmentation.RandomCrop(1).apply(x, 0, shape, r, new float[9]);
            firstPixel.add(x[4]);
        }
        assertEquals(9, firstPixel.size(), "the centre pixel should take all 9 neighbours' values");
    }

    @Test
    void horizontalFlipMirrorsRowsAndKeepsChannelsTogether() {
        int[] shape = {2, 3, 2};
        float[] x = ramp(12);
        new Augmentation.HorizontalFlip(1).apply(x, 0, shape, new SeededRandom(0), new float[12]);
        assertArrayEquals(new float[] {5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8}, x);
        float[] y = ramp(12);
        new Augmentation.HorizontalFlip(0).apply(y, 0, shape, new SeededRandom(0), new float[12]);
        assertArrayEquals(ramp(12), y);
    }

    @Test
    void horizontalFlipHappensAtAboutItsProbability() {
        SeededRandom r = new SeededRandom(3);
        int flipped = 0;
        for (int i = 0; i < 4000; i++) {
            float[] x = {1, 2};
            new Augmentation.HorizontalFlip(0.5).apply(x, 0, new int[] {1, 2, 1}, r, new float[2]);
            if (x[0] == 2) flipped++;
        }
        assertEquals(2000, flipped, 150);
    }

    @Property(tries = 100)
    void randomShiftMovesTheSequenceAlongTime(@ForAll @IntRange(min = 1, max = 5) int max, @ForAll long seed) {
        int len = 10, c = 2;
        float[] in = ramp(len * c), x = in.clone();
        new Augmentation.RandomShift(max).apply(x, 0, new int[] {len, c}, new SeededRandom(seed), new float[x.length]);
        int s = 0;
        while (x[s * c] == 0) s++;
        if (s == 0) { // shifted left or not at all
            int left = (int) (x[0] - 1) / c;
            assertTrue(left <= max);
            for (int t = 0; t < len; t++) for (int k = 0; k < c; k++) {
                float e = t + left < len ? in[(t + left) * c + k] : 0;
                assertEquals(e, x[t * c + k]);
            }
        } else {
            assertTrue(s <= max);
            for (int t = s; t < len; t++) for (int k = 0; k < c; k++) assertEquals(in[(t - s) * c + k], x[t * c + k]);
        }
    }

    @Test
    void gaussianNoiseHasTheRequestedSpread() {
        float[] x = new float[20000];
        new Augmentation.GaussianNoise(0.3).apply(x, 0, new int[] {20000}, new SeededRandom(5), null);
        double s = 0, sq = 0;
        for (float v : x) {
            s += v;
            sq += v * v;
        }
        double mean = s / x.length, std = Math.sqrt(sq / x.length - mean * mean);
        assertEquals(0, mean, 0.01);
        assertEquals(0.3, std, 0.01);
    }

    @Test
    void augmentationsRejectTheWrongLayout() {
        assertThrows(DataException.class, () -> new Augmentation.RandomCrop(2).check(new int[] {140, 1}));
        assertThrows(DataException.class, () -> new Augmentation.HorizontalFlip(0.5).check(new int[] {23}));
        assertThrows(DataException.class, () -> new Augmentation.RandomShift(3).check(new int[] {28, 28, 1}));
        new Augmentation.GaussianNoise(0.1).check(new int[] {23});
    }
}
