package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.graph.Op;

/**
 * FullyConnected: y[N,O] = x[N,I] · W[O,I]^T + b, row by row over chunks of the batch. Each inner
 * loop is an axpy on a per-worker row buffer or a filter row with one index (vectorized by the JIT):
 * forward y_row += x[i] · Wt[i]; input gradient dx_row += dy[o] · W[o]; filter gradient
 * dW[o] += dy[o] · x_row.
 */
final class DenseStep extends Step {
    private final int x, w, b, y, inSize, outSize;
    private final Op.Act act;
    private final float[][] wt, w2;
    private float[][] rowIn, rowOut;
    private float[][][] dwPartial;
    private float[][] dbPartial;

    DenseStep(int x, int w, int b, int y, int inSize, int outSize, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.inSize = inSize; this.outSize = outSize; this.act = act;
        this.wt = new float[inSize][outSize];
        this.w2 = new float[outSize][inSize];
    }

    @Override void allocate(Ctx c, int capacity) {
        int workers = c.par.threads();
        rowIn = new float[workers][inSize];
        rowOut = new float[workers][outSize];
        int chunks = Ctx.chunks(capacity);
        dwPartial = new float[chunks][outSize][inSize];
        dbPartial = b >= 0 ? new float[chunks][outSize] : null;
    }

    /** Rows of the matrices per sample (a graph may fold extra leading dims into the rows). */
    private int rowsPerSample(Ctx c) { return c.per[x] / inSize; }

    @Override void forward(Ctx c) {
        float[] wv = c.value(w);
        for (int o = 0; o < outSize; o++) {
            System.arraycopy(wv, o * inSize, w2[o], 0, inSize);
            for (int i = 0; i < inSize; i++) wt[i][o] = wv[o * inSize + i];
        }
        float[] xs = c.act[x], ys = c.act[y], bias = b >= 0 ? c.value(b) : null;
        int r = rowsPerSample(c);
        c.forChunks((int k, int worker, int from, int to) -> {
            float[] acc = rowOut[worker];
            for (int row = from * r; row < to * r; row++) {
                if (bias != null) System.arraycopy(bias, 0, acc, 0, outSize);
                else Arrays.fill(acc, 0f);
                int xo = row * inSize;
                for (int i = 0; i < inSize; i++) {
                    float a = xs[xo + i];
                    if (a != 0f) ConvGemm.axpy(acc, a, wt[i], 0, outSize);
                }
                System.arraycopy(acc, 0, ys, row * outSize, outSize);
            }
            Activations.forward(act, ys, from * r * outSize, to * r * outSize);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y];
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int r = rowsPerSample(c);
        c.forChunks((int k, int worker, int from, int to) -> {
            Activations.backward(act, ys, dy, from * r * outSize, to * r * outSize);
            float[][] dwp = dw == null ? null : dwPartial[k];
            float[] dbp = db == null ? null : dbPartial[k];
            if (dwp != null) for (float[] rowW : dwp) Arrays.fill(rowW, 0f);
            if (dbp != null) Arrays.fill(dbp, 0f);
            float[] xrow = rowIn[worker];
            for (int row = from * r; row < to * r; row++) {
                int yo = row * outSize, xo = row * inSize;
                if (dbp != null) for (int o = 0; o < outSize; o++) dbp[o] += dy[yo + o];
                if (dwp != null) {
                    System.arraycopy(xs, xo, xrow, 0, inSize);
                    for (int o = 0; o < outSize; o++) {
                        float a = dy[yo + o];
                        if (a != 0f) ConvGemm.axpy(dwp[o], a, xrow, 0, inSize);
                    }
                }
                if (dx != null) {
                    Arrays.fill(xrow, 0f);
                    for (int o = 0; o < outSize; o++) {
                        float a = dy[yo + o];
                        if (a != 0f) ConvGemm.axpy(xrow, a, w2[o], 0, inSize);
                    }
                    for (int i = 0; i < inSize; i++) dx[xo + i] += xrow[i];
                }
            }
        });
        if (dw != null) {
            for (int k = 0; k < c.chunks(); k++) {
                float[][] p = dwPartial[k];
                for (int o = 0; o < outSize; o++) {
                    float[] rowW = p[o];
                    for (int i = 0; i < inSize; i++) dw[o * inSize + i] += rowW[i];
                }
            }
        }
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }
}
