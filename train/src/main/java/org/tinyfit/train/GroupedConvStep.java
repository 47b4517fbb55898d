package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.graph.Op;

/**
 * Conv2D with groups: the input's C channels and the filter's O outputs split into {@code groups}
 * equal parts; output channel o reads only its group's C/groups input channels (filter
 * [O, KH, KW, C/groups]). Direct loops per sample, split over chunks of the batch.
 */
final class GroupedConvStep extends Step {
    private final int x, w, b, y, groups;
    private final ConvGeometry g;
    private final Op.Act act;
    private float[][] dwPartial, dbPartial;

    GroupedConvStep(int x, int w, int b, int y, ConvGeometry g, int groups, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.g = g; this.groups = groups; this.act = act;
    }

    private int filterSize() { return g.outC() * g.kh() * g.kw() * (g.c() / groups); }

    @Override void allocate(Ctx c, int capacity) {
        dwPartial = partials(capacity, filterSize());
        dbPartial = b >= 0 ? partials(capacity, g.outC()) : null;
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], wv = c.value(w), bias = b >= 0 ? c.value(b) : null;
        int in = g.inPerSample(), out = g.outPerSample();
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) pass(s * in, s * out, xs, wv, bias, ys, null, null, null, null);
            Activations.forward(act, ys, from * out, to * out);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y], wv = c.value(w);
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int in = g.inPerSample(), out = g.outPerSample();
        c.forChunks((k, from, to) -> {
            Activations.backward(act, ys, dy, from * out, to * out);
            float[] dwp = dw == null ? null : dwPartial[k], dbp = db == null ? null : dbPartial[k];
            if (dwp != null) Arrays.fill(dwp, 0f);
            if (dbp != null) Arrays.fill(dbp, 0f);
            for (int s = from; s < to; s++) pass(s * in, s * out, xs, wv, null, null, dy, dx, dwp, dbp);
        });
        reduce(dwPartial, c.chunks(), dw);
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }

    /** Forward (ys != null: ys = conv(x) + bias) or backward (dx, dw, db += from dy, each may be null) for one sample. */
    private void pass(int xo, int yo, float[] xs, float[] wv, float[] bias, float[] ys, float[] dy, float[] dx, float[] dw, float[] db) {
        int cg = g.c() / groups, og = g.outC() / groups;
        for (int oh = 0; oh < g.oh(); oh++) {
            for (int ow = 0; ow < g.ow(); ow++) {
                int yi = yo + (oh * g.ow() + ow) * g.outC();
                for (int o = 0; o < g.outC(); o++) {
                    int c0 = o / og * cg;
                    float acc = 0f, d = ys == null ? dy[yi + o] : 0f;
                    if (db != null) db[o] += d;
                    for (int kh = 0; kh < g.kh(); kh++) {
                        int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                        if (ih < 0 || ih >= g.h()) continue;
                        for (int kw = 0; kw < g.kw(); kw++) {
                            int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                            if (iw < 0 || iw >= g.w()) continue;
                            int xi = xo + (ih * g.w() + iw) * g.c() + c0, wi = ((o * g.kh() + kh) * g.kw() + kw) * cg;
                            if (ys != null) {
                                for (int ci = 0; ci < cg; ci++) acc += xs[xi + ci] * wv[wi + ci];
                            } else {
                                if (dx != null) for (int ci = 0; ci < cg; ci++) dx[xi + ci] += d * wv[wi + ci];
                                if (dw != null) for (int ci = 0; ci < cg; ci++) dw[wi + ci] += d * xs[xi + ci];
                            }
                        }
                    }
                    if (ys != null) ys[yi + o] = acc + (bias == null ? 0f : bias[o]);
                }
            }
        }
    }
}
