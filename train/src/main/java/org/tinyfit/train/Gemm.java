package org.tinyfit.train;

/**
 * Float matrix products for training's kernels: C[i][j] = init + Σ_k A(i,k)·B[k][j], with
 * A(i,k) = a[aOff + i·aRow + k·aCol] (so A may be read transposed), B and C row-major, and init
 * C's own value ({@code accumulate}) or zero. Every element is one chain of fused multiply-adds in
 * k order, whatever the blocking, so the results do not depend on how callers split the work
 * between threads, and {@link #VECTOR} and {@link #SCALAR} give the same bits.
 *
 * <p>{@link #best()} is the Vector API implementation when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and the scalar one otherwise (a user's own java command,
 * a Spark executor): the class that uses the Vector API is loaded only when the module is present.
 * {@code -Dtinyfit.train.vector=false} forces the scalar one.
 */
abstract class Gemm {
    /** Whether the Vector API module is in the boot layer (and not turned off). */
    static final boolean VECTOR_AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("tinyfit.train.vector"));

    static final Gemm SCALAR = new ScalarGemm();
    /** The Vector API implementation, or null when the module is absent. */
    static final Gemm VECTOR = VECTOR_AVAILABLE ? VectorGemm.create() : null;

    /** Vector lanes of the Vector API's preferred float species (16 with AVX-512), or 16 without the module. */
    static final int LANES = VECTOR_AVAILABLE ? VectorGemm.lanes() : 16;

    /** The share of vector lanes that a row of {@code n} columns fills (1 when n is a multiple of the vector length). */
    static double fill(int n) { return n / (double) (((n + LANES - 1) / LANES) * LANES); }

    static Gemm best() { return VECTOR != null ? VECTOR : SCALAR; }

    abstract void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * {@link #multiply} split over {@code par}'s threads: into ranges of C's columns when it is wide,
     * else of its rows. Each element is computed the same way in any split, so the result is the
     * same for any thread count.
     */
    void multiply(Parallel par, int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                  float[] c, int cOff, int ldc, boolean accumulate) {
        int parts = par.threads();
        if (parts == 1 || (long) m * n * k < 1 << 15) {
            multiply(m, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (n >= 64 * parts) {
            int blocks = (n + 31) / 32;
            par.forRange(blocks, parts, (from, to) -> {
                int j0 = from * 32, j1 = Math.min(n, to * 32);
                multiply(m, j1 - j0, k, a, aOff, aRow, aCol, b, bOff + j0, ldb, c, cOff + j0, ldc, accumulate);
            });
        } else {
            int blocks = (m + 3) / 4;
            par.forRange(blocks, parts, (from, to) -> {
                int i0 = from * 4, i1 = Math.min(m, to * 4);
                multiply(i1 - i0, n, k, a, aOff + i0 * aRow, aRow, aCol, b, bOff, ldb, c, cOff + i0 * ldc, ldc, accumulate);
            });
        }
    }

    /** The plain implementation: per row of C, one fused axpy per k (the JIT vectorizes the inner loop). */
    static final class ScalarGemm extends Gemm {
        @Override void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
            for (int i = 0; i < m; i++) {
                int cr = cOff + i * ldc;
                if (!accumulate) java.util.Arrays.fill(c, cr, cr + n, 0f);
                int ai = aOff + i * aRow;
                for (int kk = 0; kk < k; kk++) {
                    float s = a[ai + kk * aCol];
                    int br = bOff + kk * ldb;
                    for (int j = 0; j < n; j++) c[cr + j] = Math.fma(s, b[br + j], c[cr + j]);
                }
            }
        }
    }
}
