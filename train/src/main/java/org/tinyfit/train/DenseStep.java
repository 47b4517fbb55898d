package org.tinyfit.train;

import org.tinyfit.graph.Op;

/** FullyConnected: y[N,O] = x[N,I] · W[O,I]^T + b, as blocked matrix products over chunks of rows. */
final class DenseStep extends Step {
    private final int x, w, b, y, inSize, outSize;
    private final Op.Act act;
    private final float[] wt;
    private float[][] dwPartial, dbPartial;

    DenseStep(int x, int w, int b, int y, int inSize, int outSize, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.inSize = inSize; this.outSize = outSize; this.act = act;
        this.wt = new float[inSize * outSize];
    }

    @Override void allocate(Ctx c, int capacity) {
        dwPartial = partials(capacity, wt.length);
        dbPartial = b >= 0 ? partials(capacity, outSize) : null;
    }

    /** Rows of the matrices per sample (a graph may fold extra leading dims into the rows). */
    private int rowsPerSample(Ctx c) { return c.per[x] / inSize; }

    @Override void forward(Ctx c) {
        float[] wv = c.value(w);
        for (int o = 0; o < outSize; o++) for (int i = 0; i < inSize; i++) wt[i * outSize + o] = wv[o * inSize + i];
        float[] xs = c.act[x], ys = c.act[y], bias = b >= 0 ? c.value(b) : null;
        int r = rowsPerSample(c);
        c.forChunks((k, from, to) -> {
            for (int row = from * r; row < to * r; row++) {
                if (bias != null) System.arraycopy(bias, 0, ys, row * outSize, outSize);
                else java.util.Arrays.fill(ys, row * outSize, (row + 1) * outSize, 0f);
            }
            Gemm.multiplyAdd(xs, wt, ys, from * r, to * r, inSize, outSize);
            Activations.forward(act, ys, from * r * outSize, to * r * outSize);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y], wv = c.value(w);
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int r = rowsPerSample(c);
        c.forChunks((k, from, to) -> {
            Activations.backward(act, ys, dy, from * r * outSize, to * r * outSize);
            if (dx != null) Gemm.multiplyAdd(dy, wv, dx, from * r, to * r, outSize, inSize);
            if (dw != null) {
                java.util.Arrays.fill(dwPartial[k], 0f);
                Gemm.transposeMultiplyAdd(dy, xs, dwPartial[k], from * r, to * r, outSize, inSize);
            }
            if (db != null) {
                float[] dbp = dbPartial[k];
                java.util.Arrays.fill(dbp, 0f);
                for (int row = from * r; row < to * r; row++) for (int o = 0; o < outSize; o++) dbp[o] += dy[row * outSize + o];
            }
        });
        reduce(dwPartial, c.chunks(), dw);
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }
}
