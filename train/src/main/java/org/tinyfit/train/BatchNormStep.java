package org.tinyfit.train;

/**
 * BatchNorm over the last axis. Training mode normalizes with the batch's mean and (biased)
 * variance and moves the running statistics toward them: {@code running = momentum * running +
 * (1 - momentum) * batch} (unbiased variance). Inference mode uses the running statistics. Sums
 * over the batch are taken per chunk in double and added in chunk order, so they are deterministic.
 */
final class BatchNormStep extends Step {
    private final int x, gamma, beta, mean, var, y, ch;
    private final float eps, momentum;
    private double[][] partA, partB;
    private final float[] batchMean, invStd;
    private final double[] sumA, sumB;
    private final float[] meanDy, meanDyX;
    private float[] xhat;
    private boolean usedBatchStats;

    BatchNormStep(int x, int gamma, int beta, int mean, int var, int y, int channels, float eps, float momentum) {
        this.x = x; this.gamma = gamma; this.beta = beta; this.mean = mean; this.var = var; this.y = y;
        this.ch = channels; this.eps = eps; this.momentum = momentum;
        batchMean = new float[channels]; invStd = new float[channels];
        sumA = new double[channels]; sumB = new double[channels];
        meanDy = new float[channels]; meanDyX = new float[channels];
    }

    @Override void allocate(Ctx c, int capacity) {
        int chunks = Ctx.chunks(capacity);
        partA = new double[chunks][ch];
        partB = new double[chunks][ch];
        xhat = new float[capacity * c.per[x]];
    }

    /** Per channel over the batch: sumA = Σp and, when q is given, sumB = Σp·q; deterministic. */
    private void channelSums(Ctx c, float[] p, float[] q) {
        int per = c.per[x];
        c.forChunks((k, from, to) -> {
            double[] a = partA[k], b = partB[k];
            java.util.Arrays.fill(a, 0);
            java.util.Arrays.fill(b, 0);
            for (int i = from * per; i < to * per; i += ch) {
                for (int j = 0; j < ch; j++) {
                    float v = p[i + j];
                    a[j] += v;
                    if (q != null) b[j] += (double) v * q[i + j];
                }
            }
        });
        java.util.Arrays.fill(sumA, 0);
        java.util.Arrays.fill(sumB, 0);
        for (int k = 0; k < c.chunks(); k++) for (int j = 0; j < ch; j++) { sumA[j] += partA[k][j]; sumB[j] += partB[k][j]; }
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], g = c.value(gamma), bt = c.value(beta), rm = c.value(mean), rv = c.value(var);
        int per = c.per[x];
        usedBatchStats = c.training;
        if (c.training) {
            long count = (long) c.n * per / ch;
            channelSums(c, xs, null);
            for (int j = 0; j < ch; j++) batchMean[j] = (float) (sumA[j] / count);
            // variance from centered values (two passes: numerically safe)
            c.forChunks((k, from, to) -> {
                double[] a = partA[k];
                java.util.Arrays.fill(a, 0);
                for (int i = from * per; i < to * per; i += ch)
                    for (int j = 0; j < ch; j++) { double d = xs[i + j] - batchMean[j]; a[j] += d * d; }
            });
            java.util.Arrays.fill(sumA, 0);
            for (int k = 0; k < c.chunks(); k++) for (int j = 0; j < ch; j++) sumA[j] += partA[k][j];
            for (int j = 0; j < ch; j++) {
                double v = sumA[j] / count;
                invStd[j] = (float) (1.0 / Math.sqrt(v + eps));
                double unbiased = count > 1 ? sumA[j] / (count - 1) : v;
                rm[j] = momentum * rm[j] + (1 - momentum) * batchMean[j];
                rv[j] = (float) (momentum * rv[j] + (1 - momentum) * unbiased);
            }
        } else {
            for (int j = 0; j < ch; j++) { batchMean[j] = rm[j]; invStd[j] = (float) (1.0 / Math.sqrt(rv[j] + eps)); }
        }
        c.forChunks((k, from, to) -> {
            for (int i = from * per; i < to * per; i += ch)
                for (int j = 0; j < ch; j++) {
                    float h = (xs[i + j] - batchMean[j]) * invStd[j];
                    xhat[i + j] = h;
                    ys[i + j] = h * g[j] + bt[j];
                }
        });
    }

    @Override void backward(Ctx c) {
        float[] dy = c.grad[y], g = c.value(gamma);
        float[] dx = c.gradOf(x), dg = c.gradOf(gamma), db = c.gradOf(beta);
        int per = c.per[x];
        channelSums(c, dy, xhat); // sumA = Σdy, sumB = Σdy·x̂
        for (int j = 0; j < ch; j++) {
            if (dg != null) dg[j] += (float) sumB[j];
            if (db != null) db[j] += (float) sumA[j];
        }
        if (dx == null) return;
        long count = (long) c.n * per / ch;
        for (int j = 0; j < ch; j++) { meanDy[j] = (float) (sumA[j] / count); meanDyX[j] = (float) (sumB[j] / count); }
        boolean batchStats = usedBatchStats;
        c.forChunks((k, from, to) -> {
            for (int i = from * per; i < to * per; i += ch)
                for (int j = 0; j < ch; j++) {
                    float scale = g[j] * invStd[j];
                    dx[i + j] += batchStats ? scale * (dy[i + j] - meanDy[j] - xhat[i + j] * meanDyX[j]) : scale * dy[i + j];
                }
        });
    }
}
