package org.tinyfit.train;

/** Reshape (and flatten): the same values in the same order; the backward pass passes the gradient through. */
final class ReshapeStep extends Step {
    private final int x, y;

    ReshapeStep(int x, int y) { this.x = x; this.y = y; }

    @Override void forward(Ctx c) {
        System.arraycopy(c.act[x], 0, c.act[y], 0, c.n * c.per[y]);
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x), dy = c.grad[y];
        if (dx == null) return;
        int len = c.n * c.per[y];
        for (int i = 0; i < len; i++) dx[i] += dy[i];
    }
}
