package org.tinyfit.train;

import java.util.Arrays;

import org.tinyfit.graph.Op;

/**
 * TRANSPOSE_CONV: every input pixel scatters through the filter [O, KH, KW, I] into the output
 * (padding computed from the output's size, as TFLite does), then bias and the fused activation.
 * The backward pass gathers the other way. Direct loops per sample, split over chunks of the batch.
 */
final class TransposeConvStep extends Step {
    /** Input inH×inW×inC, output outH×outW×outC, kernel kh×kw, strides, padding before the first output row and column. */
    record Geometry(int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padTop, int padLeft) {}

    private final int x, w, b, y;
    private final Geometry g;
    private final Op.Act act;
    private float[][] dwPartial, dbPartial;

    TransposeConvStep(int x, int w, int b, int y, Geometry g, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.g = g; this.act = act;
    }

    @Override void allocate(Ctx c, int capacity) {
        dwPartial = partials(capacity, g.outC() * g.kh() * g.kw() * g.inC());
        dbPartial = b >= 0 ? partials(capacity, g.outC()) : null;
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], wv = c.value(w), bias = b >= 0 ? c.value(b) : null;
        int in = c.per[x], out = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                int yo = s * out;
                for (int p = 0; p < g.outH() * g.outW(); p++) {
                    if (bias != null) System.arraycopy(bias, 0, ys, yo + p * g.outC(), g.outC());
                    else Arrays.fill(ys, yo + p * g.outC(), yo + (p + 1) * g.outC(), 0f);
                }
                pass(s * in, yo, xs, wv, ys, null, null, null);
            }
            Activations.forward(act, ys, from * out, to * out);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y], wv = c.value(w);
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int in = c.per[x], out = c.per[y];
        c.forChunks((k, from, to) -> {
            Activations.backward(act, ys, dy, from * out, to * out);
            float[] dwp = dw == null ? null : dwPartial[k], dbp = db == null ? null : dbPartial[k];
            if (dwp != null) Arrays.fill(dwp, 0f);
            if (dbp != null) {
                Arrays.fill(dbp, 0f);
                for (int i = from * out; i < to * out; i++) dbp[i % g.outC()] += dy[i];
            }
            for (int s = from; s < to; s++) pass(s * in, s * out, xs, wv, null, dy, dx, dwp);
        });
        reduce(dwPartial, c.chunks(), dw);
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }

    /** Forward (ys != null: ys += scatter(x)) or backward (dx, dw += from dy, each may be null) for one sample. */
    private void pass(int xo, int yo, float[] xs, float[] wv, float[] ys, float[] dy, float[] dx, float[] dw) {
        int oc = g.outC(), ic = g.inC();
        for (int iy = 0; iy < g.inH(); iy++) {
            for (int ix = 0; ix < g.inW(); ix++) {
                int xi = xo + (iy * g.inW() + ix) * ic;
                for (int fy = 0; fy < g.kh(); fy++) {
                    int oy = iy * g.strideH() - g.padTop() + fy;
                    if (oy < 0 || oy >= g.outH()) continue;
                    for (int fx = 0; fx < g.kw(); fx++) {
                        int ox = ix * g.strideW() - g.padLeft() + fx;
                        if (ox < 0 || ox >= g.outW()) continue;
                        int yi = yo + (oy * g.outW() + ox) * oc;
                        for (int o = 0; o < oc; o++) {
                            int wi = ((o * g.kh() + fy) * g.kw() + fx) * ic;
                            if (ys != null) {
                                float acc = 0f;
                                for (int i = 0; i < ic; i++) acc += xs[xi + i] * wv[wi + i];
                                ys[yi + o] += acc;
                            } else {
                                float d = dy[yi + o];
                                if (dx != null) for (int i = 0; i < ic; i++) dx[xi + i] += d * wv[wi + i];
                                if (dw != null) for (int i = 0; i < ic; i++) dw[wi + i] += d * xs[xi + i];
                            }
                        }
                    }
                }
            }
        }
    }
}
