package org.tinyfit.train;

/**
 * Row-major float matrix products for fully connected layers, blocked over the shared dimension so
 * a panel of B stays in cache while rows of A stream past; the innermost loop is an axpy over
 * contiguous memory, which the JIT vectorizes. Reference versions (the definition) are for tests.
 */
final class Gemm {
    private Gemm() {}

    private static final int K_BLOCK = 128;

    /** C[m][n] += A[m][k] · B[k][n], for rows [r0, r1) of A and C. */
    static void multiplyAdd(float[] a, float[] b, float[] c, int r0, int r1, int k, int n) {
        for (int k0 = 0; k0 < k; k0 += K_BLOCK) {
            int k1 = Math.min(k, k0 + K_BLOCK);
            for (int i = r0; i < r1; i++) {
                int ci = i * n;
                for (int p = k0; p < k1; p++) {
                    float av = a[i * k + p];
                    if (av == 0f) continue;
                    int bp = p * n;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    /** C[k][n] += A[m][k]^T · B[m][n], over rows [r0, r1) of A and B (a weight gradient: C = X^T dY). */
    static void transposeMultiplyAdd(float[] a, float[] b, float[] c, int r0, int r1, int k, int n) {
        for (int i = r0; i < r1; i++) {
            int bi = i * n;
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                if (av == 0f) continue;
                int cp = p * n;
                for (int j = 0; j < n; j++) c[cp + j] += av * b[bi + j];
            }
        }
    }

    static float[] referenceMultiply(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double) a[i * k + p] * b[p * n + j];
                c[i * n + j] = (float) s;
            }
        return c;
    }
}
