package org.tinyfit.train;

/** Softmax over the last axis with a beta (temperature): y = exp(beta·x) / Σ exp(beta·x). */
final class SoftmaxStep extends Step {
    private final int x, y, classes;
    private final float beta;

    SoftmaxStep(int x, int y, int classes, float beta) { this.x = x; this.y = y; this.classes = classes; this.beta = beta; }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int r = from * per; r < to * per; r += classes) softmax(xs, r, ys, r, classes, beta);
        });
    }

    static void softmax(float[] xs, int xo, float[] ys, int yo, int k, float beta) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) max = Math.max(max, xs[xo + j]);
        double sum = 0;
        for (int j = 0; j < k; j++) { float e = (float) Math.exp(beta * (xs[xo + j] - max)); ys[yo + j] = e; sum += e; }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < k; j++) ys[yo + j] *= inv;
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x);
        if (dx == null) return;
        float[] ys = c.act[y], dy = c.grad[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int r = from * per; r < to * per; r += classes) {
                double dot = 0;
                for (int j = 0; j < classes; j++) dot += (double) dy[r + j] * ys[r + j];
                for (int j = 0; j < classes; j++) dx[r + j] += beta * ys[r + j] * (float) (dy[r + j] - dot);
            }
        });
    }
}
