package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.TensorBytes;

class AffineParamsTest {
    @Property(tries = 200)
    void perChannelWeightsReconstructWithinHalfAStep(@ForAll @IntRange(min = 1, max = 6) int o, @ForAll @IntRange(min = 1, max = 4) int k,
            @ForAll @IntRange(min = 1, max = 5) int c, @ForAll @IntRange(min = 0, max = 3) int axis, @ForAll long seed,
            @ForAll boolean perChannel) {
        int[] dims = {o, k, k, c};
        Random r = new Random(seed);
        float[] w = new float[o * k * k * c];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * Math.exp(r.nextGaussian() * 3));
        AffineParams.Weights q = AffineParams.symmetric(w, dims, axis, perChannel);
        Quantization qq = q.quant();
        assertEquals(perChannel ? dims[axis] : 1, qq.channels());
        int inner = 1;
        for (int d = axis + 1; d < 4; d++) inner *= dims[d];
        for (int i = 0; i < w.length; i++) {
            int ch = qq.channels() == 1 ? 0 : (i / inner) % dims[axis];
            double s = qq.scale(ch);
            assertEquals(0, qq.zeroPoint(ch));
            assertTrue(q.data()[i] >= -127, "weights stay in [-127, 127]");
            double back = s * q.data()[i];
            assertTrue(Math.abs(back - w[i]) <= s / 2 * (1 + 1e-5), "value " + w[i] + " comes back as " + back + " (scale " + s + ")");
        }
    }

    @Property(tries = 300)
    void asymmetricRangesHoldZeroExactlyAndCoverTheRange(@ForAll @DoubleRange(min = -1e4, max = 1e4) double a, @ForAll @DoubleRange(min = -1e4, max = 1e4) double b) {
        double lo = Math.min(a, b), hi = Math.max(a, b);
        Quantization q = AffineParams.asymmetric(lo, hi);
        assertTrue(q.scale() > 0);
        assertTrue(q.zeroPoint() >= -128 && q.zeroPoint() <= 127);
        double[] rep = AffineParams.representable(q);
        assertTrue(rep[0] <= Math.min(lo, 0) + q.scale() && rep[1] >= Math.max(hi, 0) - q.scale(), lo + ".." + hi + " vs " + rep[0] + ".." + rep[1]);
        assertEquals(q.zeroPoint(), AffineParams.quantize(0f, q.scale(), q.zeroPoint()), "real 0 maps to the zero point");
    }

    @Test
    void asymmetricParametersAreTflites() {
        // [-1, 3]: scale 4/255, zero point -128 + 1/scale = -64.25 -> -64.
        Quantization q = AffineParams.asymmetric(-1, 3);
        assertEquals(4f / 255, q.scale());
        assertEquals(-64, q.zeroPoint());
        // A range above zero is widened to [0, max]: zero point -128.
        assertEquals(Quantization.perTensor(2f / 255, -128), AffineParams.asymmetric(0.5, 2));
        // An all-zero tensor still gets a usable scale.
        assertEquals(Quantization.perTensor(1f / 255, -128), AffineParams.asymmetric(0, 0));
    }

    @Test
    void biasIsInt32AtInputScaleTimesWeightScale() {
        Quantization w = new Quantization(new float[] {0.5f, 0.25f}, new long[] {0, 0}, 0);
        AffineParams.Weights b = AffineParams.bias(new float[] {1f, -0.3f}, 0.1f, w);
        java.nio.ByteBuffer bb = TensorBytes.le(b.data());
        assertEquals(20, bb.getInt(0)); // 1 / 0.05
        assertEquals(-12, bb.getInt(4)); // -0.3 / 0.025
        assertEquals(0.1f * 0.5f, b.quant().scale(0));
        assertEquals(0.1f * 0.25f, b.quant().scale(1));
    }

    @Property(tries = 100)
    void mseNeverChoosesARangeWorseThanMinmaxAndPercentileStaysInside(@ForAll long seed, @ForAll @DoubleRange(min = 99, max = 100) double p) {
        Random r = new Random(seed);
        double spread = Math.exp(r.nextGaussian());
        Calibration.Range full = null;
        double[] v = new double[2000];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? r.nextGaussian() * spread : Math.abs(r.nextGaussian() * spread * 4) * (r.nextInt(50) == 0 ? 10 : 1);
            full = new Calibration.Range(v[i], v[i]).union(full);
        }
        Calibration.Histogram h = new Calibration.Histogram(full);
        for (double x : v) h.add(x);
        Calibration.Range mse = h.mseRange();
        assertTrue(h.error(mse) <= h.error(full), "mse range " + mse + " errs more than the full range " + full);
        Calibration.Range pr = h.percentileRange(p);
        assertTrue(pr.min() >= full.min() - 1e-9 && pr.max() <= full.max() + 1e-9, pr + " outside " + full);
    }

    @Test
    void percentileDropsTheRareOutliers() {
        Calibration.Histogram h = new Calibration.Histogram(new Calibration.Range(-1, 100));
        for (int i = 0; i < 99_999; i++) h.add((i % 200) / 100.0 - 1);
        h.add(100);
        Calibration.Range r = h.percentileRange(99.99);
        assertTrue(r.max() < 2, "the one value at 100 (0.001%) is left out: " + r);
        assertEquals(-1, r.min(), 1e-9);
    }
}
