package org.tinyfit.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} with the Vector API: register-blocked micro-kernels of 4 rows × 2 vectors of C (8
 * accumulators), 4 rows × 1 vector (masked at the right edge), and single rows; each k step
 * broadcasts A's values and loads B's vectors once for all of the block. Loaded only when the
 * {@code jdk.incubator.vector} module is present.
 */
final class VectorGemm extends Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGemm() {}

    static Gemm create() { return new VectorGemm(); }

    @Override void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) block4x2(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
            for (; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                block4x1(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate, mask);
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) block1x2(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
            for (; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                block1x1(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate, mask);
            }
        }
    }

    private static void block4x2(int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb,
                                 float[] c, int ci, int ldc, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, ci); c01 = FloatVector.fromArray(S, c, ci + L);
            c10 = FloatVector.fromArray(S, c, ci + ldc); c11 = FloatVector.fromArray(S, c, ci + ldc + L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc); c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc); c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        }
        int a0 = ai, a1 = ai + aRow, a2 = ai + 2 * aRow, a3 = ai + 3 * aRow, bk = bj;
        for (int kk = 0; kk < k; kk++, a0 += aCol, a1 += aCol, a2 += aCol, a3 += aCol, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector s = FloatVector.broadcast(S, a[a0]);
            c00 = s.fma(b0, c00); c01 = s.fma(b1, c01);
            s = FloatVector.broadcast(S, a[a1]);
            c10 = s.fma(b0, c10); c11 = s.fma(b1, c11);
            s = FloatVector.broadcast(S, a[a2]);
            c20 = s.fma(b0, c20); c21 = s.fma(b1, c21);
            s = FloatVector.broadcast(S, a[a3]);
            c30 = s.fma(b0, c30); c31 = s.fma(b1, c31);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
    }

    private static void block4x1(int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb,
                                 float[] c, int ci, int ldc, boolean accumulate, VectorMask<Float> m) {
        FloatVector c0, c1, c2, c3;
        if (accumulate) {
            c0 = FloatVector.fromArray(S, c, ci, m); c1 = FloatVector.fromArray(S, c, ci + ldc, m);
            c2 = FloatVector.fromArray(S, c, ci + 2 * ldc, m); c3 = FloatVector.fromArray(S, c, ci + 3 * ldc, m);
        } else {
            c0 = c1 = c2 = c3 = FloatVector.zero(S);
        }
        int a0 = ai, a1 = ai + aRow, a2 = ai + 2 * aRow, a3 = ai + 3 * aRow, bk = bj;
        for (int kk = 0; kk < k; kk++, a0 += aCol, a1 += aCol, a2 += aCol, a3 += aCol, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk, m);
            c0 = FloatVector.broadcast(S, a[a0]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3]).fma(b0, c3);
        }
        c0.intoArray(c, ci, m); c1.intoArray(c, ci + ldc, m);
        c2.intoArray(c, ci + 2 * ldc, m); c3.intoArray(c, ci + 3 * ldc, m);
    }

    private static void block1x2(int k, float[] a, int ai, int aCol, float[] b, int bj, int ldb, float[] c, int ci, boolean accumulate) {
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
        FloatVector c1 = accumulate ? FloatVector.fromArray(S, c, ci + L) : FloatVector.zero(S);
        for (int kk = 0, a0 = ai, bk = bj; kk < k; kk++, a0 += aCol, bk += ldb) {
            FloatVector s = FloatVector.broadcast(S, a[a0]);
            c0 = s.fma(FloatVector.fromArray(S, b, bk), c0);
            c1 = s.fma(FloatVector.fromArray(S, b, bk + L), c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
    }

    private static void block1x1(int k, float[] a, int ai, int aCol, float[] b, int bj, int ldb, float[] c, int ci,
                                 boolean accumulate, VectorMask<Float> m) {
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, ci, m) : FloatVector.zero(S);
        for (int kk = 0, a0 = ai, bk = bj; kk < k; kk++, a0 += aCol, bk += ldb) {
            c0 = FloatVector.broadcast(S, a[a0]).fma(FloatVector.fromArray(S, b, bk, m), c0);
        }
        c0.intoArray(c, ci, m);
    }
}
