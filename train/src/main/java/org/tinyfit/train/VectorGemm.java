package org.tinyfit.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} with the Vector API: C is done in column panels (two vectors wide, then one vector,
 * then the masked right edge), each panel down all of A's rows so that its slice of B stays in cache;
 * register-blocked micro-kernels of 6 rows × 2 vectors of C (12 accumulators), 4 × 2, 8 × 1 and 4 × 1
 * (enough independent fused multiply-add chains to hide their latency when C is one vector wide, as
 * for a conv with 16 filters), and single rows. Each k step broadcasts A's values and loads B's
 * vectors once for all of the block. An edge mask is made inside the kernel that uses it, so it never
 * leaves registers. Loaded only when the {@code jdk.incubator.vector} module is present.
 */
final class VectorGemm extends Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorGemm() {}

    static Gemm create() { return new VectorGemm(); }

    static int lanes() { return L; }

    @Override void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            int i = 0;
            for (; i + 6 <= m; i += 6) block6x2(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
            for (; i + 4 <= m; i += 4) block4x2(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
            for (; i < m; i++) block1x2(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate);
        }
        for (; j < n; j += L) {
            // a full vector (edge = L) or the masked right edge
            int edge = Math.min(L, n - j);
            int i = 0;
            for (; i + 8 <= m; i += 8) block8x1(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate, edge);
            for (; i + 4 <= m; i += 4) block4x1(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate, edge);
            for (; i < m; i++) block1x1(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, accumulate, edge);
        }
    }

    private static void block6x2(int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb,
                                 float[] c, int ci, int ldc, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, ci); c01 = FloatVector.fromArray(S, c, ci + L);
            c10 = FloatVector.fromArray(S, c, ci + ldc); c11 = FloatVector.fromArray(S, c, ci + ldc + L);
            c20 = FloatVector.fromArray(S, c, ci + 2 * ldc); c21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, ci + 3 * ldc); c31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, ci + 4 * ldc); c41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, ci + 5 * ldc); c51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = FloatVector.zero(S);
        }
        int a0 = ai, bk = bj;
        for (int kk = 0; kk < k; kk++, a0 += aCol, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L);
            FloatVector s = FloatVector.broadcast(S, a[a0]);
            c00 = s.fma(b0, c00); c01 = s.fma(b1, c01);
            s = FloatVector.broadcast(S, a[a0 + aRow]);
            c10 = s.fma(b0, c10); c11 = s.fma(b1, c11);
            s = FloatVector.broadcast(S, a[a0 + 2 * aRow]);
            c20 = s.fma(b0, c20); c21 = s.fma(b1, c21);
            s = FloatVector.broadcast(S, a[a0 + 3 * aRow]);
            c30 = s.fma(b0, c30); c31 = s.fma(b1, c31);
            s = FloatVector.broadcast(S, a[a0 + 4 * aRow]);
            c40 = s.fma(b0, c40); c41 = s.fma(b1, c41);
            s = FloatVector.broadcast(S, a[a0 + 5 * aRow]);
            c50 = s.fma(b0, c50); c51 = s.fma(b1, c51);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
    }

    /** 8 rows × one vector of C; {@code edge} &lt; L columns take a mask. */
    private static void block8x1(int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb,
                                 float[] c, int ci, int ldc, boolean accumulate, int edge) {
        if (edge < L) {
            VectorMask<Float> m = S.indexInRange(0, edge);
            block4x1Masked(k, a, ai, aRow, aCol, b, bj, ldb, c, ci, ldc, accumulate, m);
            block4x1Masked(k, a, ai + 4 * aRow, aRow, aCol, b, bj, ldb, c, ci + 4 * ldc, ldc, accumulate, m);
            return;
        }
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (accumulate) {
            c0 = FloatVector.fromArray(S, c, ci); c1 = FloatVector.fromArray(S, c, ci + ldc);
            c2 = FloatVector.fromArray(S, c, ci + 2 * ldc); c3 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c4 = FloatVector.fromArray(S, c, ci + 4 * ldc); c5 = FloatVector.fromArray(S, c, ci + 5 * ldc);
            c6 = FloatVector.fromArray(S, c, ci + 6 * ldc); c7 = FloatVector.fromArray(S, c, ci + 7 * ldc);
        } else {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = FloatVector.zero(S);
        }
        int a0 = ai, bk = bj;
        for (int kk = 0; kk < k; kk++, a0 += aCol, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            c0 = FloatVector.broadcast(S, a[a0]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a0 + aRow]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a0 + 2 * aRow]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a0 + 3 * aRow]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a0 + 4 * aRow]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a0 + 5 * aRow]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a0 + 6 * aRow]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a0 + 7 * aRow]).fma(b0, c7);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + ldc);
        c2.intoArray(c, ci + 2 * ldc); c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc); c5.intoArray(c, ci + 5 * ldc);
        c6.intoArray(c, ci + 6 * ldc); c7.intoArray(c, ci + 7 * ldc);
    }

    /** 4 rows × one vector of C; {@code edge} &lt; L columns take a mask. */
    private static void block4x1(int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb,
                                 float[] c, int ci, int ldc, boolean accumulate, int edge) {
        if (edge < L) {
            block4x1Masked(k, a, ai, aRow, aCol, b, bj, ldb, c, ci, ldc, accumulate, S.indexInRange(0, edge));
            return;
        }
        FloatVector c0, c1, c2, c3;
        if (accumulate) {
            c0 = FloatVector.fromArray(S, c, ci); c1 = FloatVector.fromArray(S, c, ci + ldc);
            c2 = FloatVector.fromArray(S, c, ci + 2 * ldc); c3 = FloatVector.fromArray(S, c, ci + 3 * ldc);
        } else {
            c0 = c1 = c2 = c3 = FloatVector.zero(S);
        }
        int a0 = ai, bk = bj;
        for (int kk = 0; kk < k; kk++, a0 += aCol, bk += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bk);
            c0 = FloatVector.broadcast(S, a[a0]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a0 + aRow]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a0 + 2 * aRow]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a0 + 3 * aRow]).fma(b0, c3);
        }
        c0.intoArray(c, ci); c1.intoArray(c, ci + ldc);
        c2.intoArray(c, ci + 2 * ldc); c3.intoArray(c, ci + 3 * ldc);
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

    private static void block4x1Masked(int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb,
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
                                 boolean accumulate, int edge) {
        if (edge < L) {
            block1x1Masked(k, a, ai, aCol, b, bj, ldb, c, ci, accumulate, S.indexInRange(0, edge));
            return;
        }
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
        for (int kk = 0, a0 = ai, bk = bj; kk < k; kk++, a0 += aCol, bk += ldb) {
            c0 = FloatVector.broadcast(S, a[a0]).fma(FloatVector.fromArray(S, b, bk), c0);
        }
        c0.intoArray(c, ci);
    }

    private static void block1x1Masked(int k, float[] a, int ai, int aCol, float[] b, int bj, int ldb, float[] c, int ci,
                                 boolean accumulate, VectorMask<Float> m) {
        FloatVector c0 = accumulate ? FloatVector.fromArray(S, c, ci, m) : FloatVector.zero(S);
        for (int kk = 0, a0 = ai, bk = bj; kk < k; kk++, a0 += aCol, bk += ldb) {
            c0 = FloatVector.broadcast(S, a[a0]).fma(FloatVector.fromArray(S, b, bk, m), c0);
        }
        c0.intoArray(c, ci, m);
    }
}
