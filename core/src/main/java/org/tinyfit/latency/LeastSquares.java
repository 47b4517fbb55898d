package org.tinyfit.latency;

import java.util.Arrays;

/**
 * Non-negative least squares with a prior, by the normal equations: minimises
 * {@code sum_i ((a_i . x - y_i) / y_i)^2 + lambda * sum_j ((x_j - p_j) / p_j)^2} over {@code x >= 0}.
 * Errors are relative, so a 1 ms network weighs as much as a 1 s one; the prior {@code p} (positive)
 * holds every coefficient the measurements say little about. A coefficient the unconstrained
 * solution makes negative is fixed at zero and the rest solved again.
 */
final class LeastSquares {
    private LeastSquares() {}

    static double[] solve(double[][] a, double[] y, double[] prior, double lambda) {
        int n = prior.length;
        for (double p : prior) if (!(p > 0)) throw new IllegalArgumentException("every prior must be positive");
        boolean[] zero = new boolean[n];
        while (true) {
            double[] u = solveScaled(a, y, prior, lambda, zero);
            int worst = -1;
            for (int j = 0; j < n; j++) if (!zero[j] && u[j] < 0 && (worst < 0 || u[j] < u[worst])) worst = j;
            if (worst < 0) {
                double[] x = new double[n];
                for (int j = 0; j < n; j++) x[j] = zero[j] ? 0 : u[j] * prior[j];
                return x;
            }
            zero[worst] = true;
        }
    }

    /** Solves in the scaled unknowns u = x / prior (prior term (u - 1)^2), columns in {@code zero} held at 0. */
    private static double[] solveScaled(double[][] a, double[] y, double[] prior, double lambda, boolean[] zero) {
        int n = prior.length;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < a.length; i++) {
            double w = 1 / (y[i] * y[i]);
            for (int j = 0; j < n; j++) {
                if (zero[j]) continue;
                double aj = a[i][j] * prior[j];
                for (int k = 0; k < n; k++) if (!zero[k]) m[j][k] += w * aj * a[i][k] * prior[k];
                m[j][n] += w * aj * y[i];
            }
        }
        for (int j = 0; j < n; j++) {
            if (zero[j]) {
                Arrays.fill(m[j], 0);
                m[j][j] = 1;
            } else {
                m[j][j] += lambda;
                m[j][n] += lambda;
            }
        }
        return gauss(m);
    }

    /** Gaussian elimination with partial pivoting on the augmented matrix {@code m} (n x n+1). */
    static double[] gauss(double[][] m) {
        int n = m.length;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            if (Math.abs(m[p][c]) < 1e-300) throw new IllegalStateException("singular system in the latency fit");
            double[] t = m[c]; m[c] = m[p]; m[p] = t;
            for (int r = 0; r < n; r++) {
                if (r == c) continue;
                double f = m[r][c] / m[c][c];
                if (f == 0) continue;
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = m[i][n] / m[i][i];
        return x;
    }
}
