package org.tinyfit.train;

/**
 * Mean over some axes of each sample (global average pooling is Mean over H and W). A map from
 * each input element of a sample to its output element is computed once.
 */
final class MeanStep extends Step {
    private final int x, y;
    private final int[] outIndex;
    private final float inv;

    MeanStep(int x, int y, int[] outIndex, int outPerSample) {
        this.x = x; this.y = y; this.outIndex = outIndex;
        this.inv = (float) outPerSample / outIndex.length;
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y];
        int in = outIndex.length, out = c.per[y];
        c.forChunks((k, from, to) -> {
            java.util.Arrays.fill(ys, from * out, to * out, 0f);
            for (int s = from; s < to; s++) {
                int xo = s * in, yo = s * out;
                for (int i = 0; i < in; i++) ys[yo + outIndex[i]] += xs[xo + i];
            }
            for (int i = from * out; i < to * out; i++) ys[i] *= inv;
        });
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x);
        if (dx == null) return;
        float[] dy = c.grad[y];
        int in = outIndex.length, out = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                int xo = s * in, yo = s * out;
                for (int i = 0; i < in; i++) dx[xo + i] += dy[yo + outIndex[i]] * inv;
            }
        });
    }

    /** For input dims (batch first) and a set of reduced axes: each per-sample input element's per-sample output index. */
    static int[] outIndex(int[] dims, boolean[] reduce) {
        int rank = dims.length, in = 1;
        for (int d = 1; d < rank; d++) in *= dims[d];
        int[] map = new int[in];
        int[] idx = new int[rank];
        for (int i = 0; i < in; i++) {
            int rem = i;
            for (int d = rank - 1; d >= 1; d--) { idx[d] = rem % dims[d]; rem /= dims[d]; }
            int o = 0;
            for (int d = 1; d < rank; d++) if (!reduce[d]) o = o * dims[d] + idx[d];
            map[i] = o;
        }
        return map;
    }
}
