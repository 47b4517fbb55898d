package org.tinyfit.search;

import java.util.SplittableRandom;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.InMemory;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.Split;
import org.tinyfit.data.Splits;

/** Small learnable data sets made in code: the search's tests train on them in well under a second. */
final class Synthetic {
    private Synthetic() {}

    /** 8x8 grey images of 3 classes: a bright 3x3 square in one of three places, on noise. */
    static Dataset images(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int p = 0; p < 64; p++) x[i * 64 + p] = (float) (rng.nextDouble() * 0.5);
            int r0 = c == 0 ? 1 : 4, c0 = c == 1 ? 1 : 4;
            for (int r = r0; r < r0 + 3; r++) for (int q = c0; q < c0 + 3; q++) x[i * 64 + r * 8 + q] += 1f;
        }
        return InMemory.of(x, y, 8, 8, 1);
    }

    /** Rows of 6 features in 3 gaussian clusters. */
    static Dataset rows(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 6];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int f = 0; f < 6; f++) x[i * 6 + f] = (float) (rng.nextGaussian() + (f % 3 == c ? 2 : 0));
        }
        return InMemory.of(x, y, 6);
    }

    static SearchData data(Dataset all) {
        Split s = Splits.stratified(all, 0.25, 7);
        return new SearchData("synthetic", s.train(), s.validation(), null, Normalization.minMax(s.train()));
    }
}
