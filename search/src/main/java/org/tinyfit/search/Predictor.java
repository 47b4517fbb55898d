package org.tinyfit.search;

import java.util.List;

/**
 * A ridge regression of validation accuracy on a genome's features (size, depth, width, kernel,
 * recipe), fitted on the candidates trained so far. The search uses it to rank several mutations
 * of a parent and train the most promising one. Deterministic: the same records give the same
 * fit.
 */
public final class Predictor {
    static final int MIN_RECORDS = 6;
    private static final double RIDGE = 1e-2;
    private final double[] weights;
    private final double[] mean, scale;

    private Predictor(double[] weights, double[] mean, double[] scale) {
        this.weights = weights;
        this.mean = mean;
        this.scale = scale;
    }

    /** The features of a genome whose footprint is {@code f}. */
    static double[] features(Genome g, Footprint f) {
        double widthSum = 0, kernelSum = 0, strides = 0, pools = 0, residual = 0, dw = 0;
        for (Genome.Stage s : g.stages()) {
            widthSum += Math.log(s.width());
            kernelSum += s.kernel();
            strides += s.stride() - 1;
            pools += s.pool() ? 1 : 0;
            residual += s.residual() ? 1 : 0;
            dw += s.block() == Genome.Block.DWSEP ? 1 : 0;
        }
        int n = Math.max(1, g.stages().size());
        double denseLog = 0;
        for (int d : g.dense()) denseLog += Math.log(d);
        Genome.Recipe r = g.recipe();
        return new double[] {1, Math.log(1 + f.parameters()), Math.log(1 + f.macs()), g.stages().size(), widthSum / n, kernelSum / n,
            strides, pools, residual, dw, g.dense().size(), denseLog, g.dropout(), Math.log(r.lr()), r.epochs(), Math.log(r.epochs()), r.shift(), Math.log(g.downscale())};
    }

    /** A fit on the trained records, or null while there are too few of them. */
    public static Predictor fit(List<Record> records) {
        List<Record> trained = records.stream().filter(Record::trained).toList();
        if (trained.size() < MIN_RECORDS) return null;
        int p = features(trained.get(0).candidate().genome(), trained.get(0).footprint()).length;
        double[][] x = new double[trained.size()][];
        double[] y = new double[trained.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = features(trained.get(i).candidate().genome(), trained.get(i).footprint());
            y[i] = trained.get(i).accuracy();
        }
        double[] mean = new double[p], scale = new double[p];
        scale[0] = 1;
        for (int j = 1; j < p; j++) {
            double m = 0, v = 0;
            for (double[] row : x) m += row[j];
            m /= x.length;
            for (double[] row : x) v += (row[j] - m) * (row[j] - m);
            mean[j] = m;
            scale[j] = Math.sqrt(v / x.length) > 1e-12 ? Math.sqrt(v / x.length) : 1;
        }
        double[][] a = new double[p][p];
        double[] b = new double[p];
        for (int i = 0; i < x.length; i++) {
            double[] z = standardize(x[i], mean, scale);
            for (int j = 0; j < p; j++) {
                b[j] += z[j] * y[i];
                for (int k = 0; k < p; k++) a[j][k] += z[j] * z[k];
            }
        }
        for (int j = 1; j < p; j++) a[j][j] += RIDGE * x.length;
        a[0][0] += 1e-9;
        return new Predictor(solve(a, b), mean, scale);
    }

    /** Predicted validation accuracy of a genome with footprint {@code f}. */
    public double predict(Genome g, Footprint f) {
        double[] z = standardize(features(g, f), mean, scale);
        double s = 0;
        for (int j = 0; j < z.length; j++) s += z[j] * weights[j];
        return s;
    }

    private static double[] standardize(double[] x, double[] mean, double[] scale) {
        double[] z = x.clone();
        for (int j = 1; j < z.length; j++) z[j] = (x[j] - mean[j]) / scale[j];
        return z;
    }

    /** Solves a x = b for a symmetric positive definite a by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = a[i].clone();
        double[] v = b.clone();
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
            double[] t = m[c]; m[c] = m[piv]; m[piv] = t;
            double tv = v[c]; v[c] = v[piv]; v[piv] = tv;
            if (Math.abs(m[c][c]) < 1e-300) continue;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                if (f == 0) continue;
                for (int k = c; k < n; k++) m[r][k] -= f * m[c][k];
                v[r] -= f * v[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = v[r];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = Math.abs(m[r][r]) < 1e-300 ? 0 : s / m[r][r];
        }
        return x;
    }
}
