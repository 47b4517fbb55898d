package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import org.junit.jupiter.api.Test;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Op;

/** The fast kernels against the plain reference definitions, on random geometries. */
class KernelTest {

    static float[] random(int n, long seed) {
        SeededRandom r = new SeededRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }

    static void assertAllClose(float[] want, float[] have, String what) {
        assertEquals(want.length, have.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], have[i], 1e-4f * (1 + Math.abs(want[i])), what + " at " + i);
        }
    }

    @Property(tries = 40)
    void convGemmMatchesTheReferenceConvolution(@ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 9) int w,
                                                @ForAll @IntRange(min = 1, max = 5) int c, @ForAll @IntRange(min = 1, max = 6) int o,
                                                @ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
                                                @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll boolean same,
                                                @ForAll @IntRange(min = 1, max = 3) int n) {
        Op.Padding pad = same ? Op.Padding.SAME : Op.Padding.VALID;
        if (!same && (h < (k - 1) * dilation + 1 || w < (k - 1) * dilation + 1)) return;
        ConvGeometry g = ConvGeometry.of(h, w, c, k, k, o, stride, stride, dilation, dilation, pad, "test");
        float[] x = random(n * g.inPerSample(), h * 31 + w), wt = random(o * k * k * c, c * 7 + o), bias = random(o, 5);
        float[] dy = random(n * g.outPerSample(), 99);
        float[] wT = new float[wt.length];
        ConvGemm.transpose(wt, o, k * k * c, wT);
        for (Gemm kernels : gemms()) {
            ConvGemm gemm = new ConvGemm(g, n, kernels);
            float[] y = new float[n * g.outPerSample()];
            gemm.forward(x, 0, n, wT, bias, y, false);
            assertAllClose(ConvKernels.referenceForward(g, n, x, wt, bias), y, "forward");
            float[] dwFlat = new float[o * k * k * c];
            float[] db = new float[o], dx = new float[x.length];
            gemm.backward(x, dy, null, 0, n, wt, dwFlat, db, dx);
            assertAllClose(ConvKernels.referenceBackwardData(g, n, dy, wt), dx, "input gradient");
            assertAllClose(ConvKernels.referenceBackwardWeights(g, n, x, dy), dwFlat, "filter gradient");
        }
    }

    /** The matrix-product implementations the JVM can run: the scalar one always, the Vector API one when its module is present. */
    static java.util.List<Gemm> gemms() {
        return Gemm.VECTOR == null ? java.util.List.of(Gemm.SCALAR) : java.util.List.of(Gemm.SCALAR, Gemm.VECTOR);
    }

    @Test
    void theVectorApiModuleIsPresentInTests() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector, so both paths are tested
        assertEquals(true, Gemm.VECTOR_AVAILABLE, "jdk.incubator.vector in the boot layer");
    }

    @Property(tries = 60)
    void scalarAndVectorMatrixProductsGiveTheSameBits(@ForAll @IntRange(min = 1, max = 21) int m, @ForAll @IntRange(min = 1, max = 70) int n,
                                                      @ForAll @IntRange(min = 1, max = 20) int k, @ForAll boolean transposedA,
                                                      @ForAll boolean accumulate) {
        float[] a = random(m * k + 3, m * 100 + k), b = random(k * (n + 2) + 1, n), init = random(m * (n + 1) + 2, 7);
        int aRow = transposedA ? 1 : k, aCol = transposedA ? m : 1;
        double[] want = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = accumulate ? init[2 + i * (n + 1) + j] : 0;
                for (int kk = 0; kk < k; kk++) s += (double) a[3 + i * aRow + kk * aCol] * b[1 + kk * (n + 2) + j];
                want[i * n + j] = s;
            }
        float[] first = null;
        for (Gemm gemm : gemms()) {
            float[] c = init.clone();
            gemm.multiply(m, n, k, a, 3, aRow, aCol, b, 1, n + 2, c, 2, n + 1, accumulate);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) assertEquals(want[i * n + j], c[2 + i * (n + 1) + j], 1e-4 * (1 + Math.abs(want[i * n + j])));
            // outside C's rows and columns nothing changes
            for (int i = 0; i < 2; i++) assertEquals(init[i], c[i]);
            for (int i = 0; i < m; i++) assertEquals(init[2 + i * (n + 1) + n], c[2 + i * (n + 1) + n]);
            if (first == null) first = c;
            else for (int i = 0; i < c.length; i++) assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(c[i]), "element " + i);
        }
    }

    @Test
    void reluGradientPassesOnlyWhereTheOutputIsPositive() {
        float[] ys = {1f, 1e-40f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 0f, -0f, -1f, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.intBitsToFloat(0xffc00000)};
        for (float y : ys) {
            for (float dy : new float[] {2.5f, -3f, 0f, Float.NaN}) {
                float want = y > 0f ? dy : 0f;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(Activations.reluGradient(y, dy)), "y " + y + ", dy " + dy);
            }
        }
    }

    @Property(tries = 30)
    void convGemmWithFusedReluMatchesTheReferenceFollowedByRelu(
            @ForAll @IntRange(min = 1, max = 9) int h, @ForAll @IntRange(min = 1, max = 6) int c,
            @ForAll @IntRange(min = 1, max = 9) int o, @ForAll @IntRange(min = 1, max = 3) int k,
            @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 1, max = 3) int n) {
        ConvGeometry g = ConvGeometry.of(h, h + 1, c, k, k, o, stride, stride, 1, 1, Op.Padding.SAME, "test");
        float[] x = random(n * g.inPerSample(), h * 13 + c), wt = random(o * k * k * c, o * 3 + k), bias = random(o, 2);
        float[] dy = random(n * g.outPerSample(), 17);
        float[] wT = new float[wt.length];
        ConvGemm.transpose(wt, o, k * k * c, wT);
        ConvGemm gemm = new ConvGemm(g, n);
        float[] y = new float[n * g.outPerSample()];
        gemm.forward(x, 0, n, wT, bias, y, true);
        float[] want = ConvKernels.referenceForward(g, n, x, wt, bias);
        for (int i = 0; i < want.length; i++) want[i] = Math.max(want[i], 0f);
        assertAllClose(want, y, "forward with relu");
        // backward from the im2col matrix a forward pass kept gives the same bits as building it again
        float[] keep = new float[gemm.colSize(n)], yKept = new float[y.length];
        gemm.forward(x, 0, n, wT, bias, yKept, true, gemm.direct() ? null : keep);
        assertArrayEquals(y, yKept, "forward keeping its im2col matrix");
        float[] dwKept = new float[o * k * k * c], dbKept = new float[o], dxKept = new float[x.length];
        gemm.forward(x, 0, n, wT, bias, new float[y.length], true, null);
        gemm.backward(x, dy, y, 0, n, wt, dwKept, dbKept, dxKept, gemm.direct() ? null : keep);
        float[] masked = dy.clone();
        for (int i = 0; i < masked.length; i++) if (!(y[i] > 0f)) masked[i] = 0f;
        float[] dwFlat = new float[o * k * k * c];
        float[] db = new float[o], dx = new float[x.length];
        float[] dyBefore = dy.clone();
        gemm.backward(x, dy, y, 0, n, wt, dwFlat, db, dx);
        assertAllClose(dyBefore, dy, "output gradient left unchanged");
        assertAllClose(ConvKernels.referenceBackwardData(g, n, masked, wt), dx, "input gradient");
        assertAllClose(ConvKernels.referenceBackwardWeights(g, n, x, masked), dwFlat, "filter gradient");
        float[] dbWant = new float[o];
        for (int i = 0; i < masked.length; i++) dbWant[i % o] += masked[i];
        assertAllClose(dbWant, db, "bias gradient");
        assertArrayEquals(dwFlat, dwKept, "filter gradient from the kept im2col matrix");
        assertArrayEquals(dx, dxKept, "input gradient with the kept im2col matrix");
        assertArrayEquals(db, dbKept, "bias gradient with the kept im2col matrix");
    }

    @Property(tries = 30)
    void depthwiseKernelsMatchTheReference(@ForAll @IntRange(min = 3, max = 8) int h, @ForAll @IntRange(min = 1, max = 40) int c,
                                           @ForAll @IntRange(min = 1, max = 3) int m, @ForAll @IntRange(min = 1, max = 2) int stride,
                                           @ForAll boolean same, @ForAll @IntRange(min = 1, max = 2) int n) {
        ConvGeometry g = ConvGeometry.of(h, h, c, 3, 3, c * m, stride, stride, 1, 1, same ? Op.Padding.SAME : Op.Padding.VALID, "test");
        float[] x = random(n * g.inPerSample(), h), w = random(9 * c * m, c + m), dy = random(n * g.outPerSample(), 3);
        float[][] scalar = null;
        for (boolean vector : DepthwiseKernels.VECTOR ? new boolean[] {false, true} : new boolean[] {false}) {
            float[] y = new float[n * g.outPerSample()], dx = new float[x.length], dw = new float[w.length];
            for (int s = 0; s < n; s++) {
                if (vector) {
                    DepthwiseKernels.forward(g, m, x, s * g.inPerSample(), w, null, y, s * g.outPerSample());
                    DepthwiseKernels.backward(g, m, x, s * g.inPerSample(), w, dy, s * g.outPerSample(), dx, s * g.inPerSample(), dw, null);
                } else {
                    DepthwiseKernels.forwardScalar(g, m, x, s * g.inPerSample(), w, null, y, s * g.outPerSample());
                    DepthwiseKernels.backwardScalar(g, m, x, s * g.inPerSample(), w, dy, s * g.outPerSample(), dx, s * g.inPerSample(), dw, null);
                }
            }
            assertAllClose(DepthwiseKernels.referenceForward(g, m, n, x, w, null), y, "forward");
            float[][] ref = DepthwiseKernels.referenceBackward(g, m, n, x, w, dy);
            assertAllClose(ref[0], dx, "input gradient");
            assertAllClose(ref[1], dw, "filter gradient");
            if (scalar == null) {
                scalar = new float[][] {y, dx, dw};
            } else {
                // a search resumed on a JVM without the Vector API module must train to the same weights
                assertArrayEquals(scalar[0], y, "vector and scalar forward, bit for bit");
                assertArrayEquals(scalar[1], dx, "vector and scalar input gradient, bit for bit");
                assertArrayEquals(scalar[2], dw, "vector and scalar filter gradient, bit for bit");
            }
        }
    }
}
