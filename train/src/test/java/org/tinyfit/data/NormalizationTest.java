package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NormalizationTest {
    /** Images 4x4x2: channel 0 around 100 (spread 20), channel 1 around -3 (spread 0.5). */
    static Dataset twoChannels(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 2 == 0 ? (float) (100 + 20 * r.nextGaussian()) : (float) (-3 + 0.5 * r.nextGaussian());
        }
        return InMemory.of(v, new int[n], 4, 4, 2);
    }

    static double[][] meanStd(Dataset d) {
        int c = d.channels();
        double[] s = new double[c], sq = new double[c];
        long count = 0;
        for (int i = 0; i < d.size(); i++) {
            float[] x = TestFiles.sample(d, i);
            for (int j = 0; j < x.length; j++) {
                s[j % c] += x[j];
                sq[j % c] += (double) x[j] * x[j];
            }
            count += x.length / c;
        }
        double[][] out = new double[2][c];
        for (int k = 0; k < c; k++) {
            out[0][k] = s[k] / count;
            out[1][k] = Math.sqrt(sq[k] / count - out[0][k] * out[0][k]);
        }
        return out;
    }

    @Test
    void standardizeGivesZeroMeanUnitStdPerChannelOnTrain() {
        Dataset train = twoChannels(200, 1);
        Normalization n = Normalization.standardize(train);
        assertEquals(100, n.shift()[0], 2);
        assertEquals(-3, n.shift()[1], 0.1);
        double[][] ms = meanStd(n.applyTo(train));
        for (int k = 0; k < 2; k++) {
            assertEquals(0, ms[0][k], 1e-4);
            assertEquals(1, ms[1][k], 1e-4);
        }
    }

    @Test
    void validationUsesTheTrainingStatistics() {
        Dataset train = twoChannels(200, 1);
        Normalization n = Normalization.standardize(train);
        Dataset shifted = InMemory.of(new float[] {100 + 20, -3 - 0.5f}, new int[1], 1, 1, 2);
        float[] x = TestFiles.sample(n.applyTo(shifted), 0);
        assertEquals((120 - n.shift()[0]) * n.scale()[0], x[0], 1e-4);
        assertEquals((-3.5f - n.shift()[1]) * n.scale()[1], x[1], 1e-4);
        assertEquals(1, x[0], 0.1);
        assertEquals(-1, x[1], 0.1);
    }

    @Test
    void minMaxMapsTrainingRangeToUnitInterval() {
        Dataset train = twoChannels(50, 2);
        Dataset m = Normalization.minMax(train).applyTo(train);
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE}, hi = {-Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < m.size(); i++) {
            float[] x = TestFiles.sample(m, i);
            for (int j = 0; j < x.length; j++) {
                lo[j % 2] = Math.min(lo[j % 2], x[j]);
                hi[j % 2] = Math.max(hi[j % 2], x[j]);
            }
        }
        for (int k = 0; k < 2; k++) {
            assertEquals(0, lo[k], 1e-6);
            assertEquals(1, hi[k], 1e-5);
        }
    }

    @Test
    void constantChannelKeepsScaleOne() {
        Dataset d = InMemory.of(new float[] {5, 1, 5, 2, 5, 3}, new int[3], 2);
        Normalization n = Normalization.standardize(d);
        assertEquals(1f, n.scale()[0]);
        assertEquals(0f, TestFiles.sample(n.applyTo(d), 0)[0]);
    }

    @Test
    void tabularChannelsAreFeatures() {
        Dataset d = InMemory.of(new float[] {0, 10, 2, 30}, new int[2], 2);
        Normalization n = Normalization.standardize(d);
        assertArrayEquals(new float[] {1, 20}, n.shift());
        assertArrayEquals(new float[] {1, 0.1f}, n.scale(), 1e-6f);
    }
}
