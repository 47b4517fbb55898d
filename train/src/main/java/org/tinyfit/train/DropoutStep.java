package org.tinyfit.train;

import org.tinyfit.data.SeededRandom;

/**
 * Dropout: identity at inference; in training each value is kept with probability 1 - rate and
 * scaled by 1 / (1 - rate). The mask's random stream is derived from the step's seed, the node and
 * the chunk, so it does not depend on which thread runs the chunk.
 */
final class DropoutStep extends Step {
    private final int x, y, node;
    private final float rate;
    private float[] mask;
    private boolean masked;

    DropoutStep(int x, int y, int node, float rate) { this.x = x; this.y = y; this.node = node; this.rate = rate; }

    @Override void allocate(Ctx c, int capacity) { mask = new float[capacity * c.per[y]]; }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y];
        int per = c.per[y];
        masked = c.training && rate > 0f;
        if (!masked) { System.arraycopy(xs, 0, ys, 0, c.n * per); return; }
        float keep = 1f - rate, scale = 1f / keep;
        c.forChunks((k, from, to) -> {
            SeededRandom r = SeededRandom.forKeys(c.seed, node, k);
            for (int i = from * per; i < to * per; i++) {
                mask[i] = r.nextFloat() < keep ? scale : 0f;
                ys[i] = xs[i] * mask[i];
            }
        });
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x), dy = c.grad[y];
        if (dx == null) return;
        int len = c.n * c.per[y];
        if (!masked) { for (int i = 0; i < len; i++) dx[i] += dy[i]; return; }
        for (int i = 0; i < len; i++) dx[i] += dy[i] * mask[i];
    }
}
