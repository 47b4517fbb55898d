package org.tinyfit.train;

import org.tinyfit.graph.Op;

/**
 * Conv2D with groups: the input's C channels and the filter's O outputs split into {@code groups}
 * equal parts; output channel o reads only its group's C/groups input channels (filter
 * [O, KH, KW, C/groups]). Direct loops per sample.
 */
final class GroupedConvStep extends PerSampleStep {
    private final ConvGeometry g;
    private final int groups;

    GroupedConvStep(int x, int w, int b, int y, ConvGeometry g, int groups, Op.Act act) {
        super(x, w, b, y, act, g.outC() * g.kh() * g.kw() * (g.c() / groups), g.outC());
        this.g = g; this.groups = groups;
    }

    @Override void forwardSample(float[] xs, int xo, float[] wv, float[] bias, float[] ys, int yo) {
        pass(xo, yo, xs, wv, bias, ys, null, null, null, null);
    }

    @Override void backwardSample(float[] xs, int xo, float[] wv, float[] dy, int yo, float[] dx, float[] dw, float[] db) {
        pass(xo, yo, xs, wv, null, null, dy, dx, dw, db);
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
