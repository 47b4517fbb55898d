package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.graph.Op;

/**
 * TRANSPOSE_CONV: every input pixel scatters through the filter [O, KH, KW, I] into the output
 * (padding computed from the output's size, as TFLite does), then bias and the fused activation.
 * The backward pass gathers the other way. Direct loops per sample.
 */
final class TransposeConvStep extends PerSampleStep {
    /** Input inH×inW×inC, output outH×outW×outC, kernel kh×kw, strides, padding before the first output row and column. */
    record Geometry(int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw, int strideH, int strideW, int padTop, int padLeft) {}

    private final Geometry g;

    TransposeConvStep(int x, int w, int b, int y, Geometry g, Op.Act act) {
        super(x, w, b, y, act, g.outC() * g.kh() * g.kw() * g.inC(), g.outC());
        this.g = g;
    }

    @Override void forwardSample(float[] xs, int xo, float[] wv, float[] bias, float[] ys, int yo) {
        for (int p = 0; p < g.outH() * g.outW(); p++) {
            if (bias != null) System.arraycopy(bias, 0, ys, yo + p * g.outC(), g.outC());
            else Arrays.fill(ys, yo + p * g.outC(), yo + (p + 1) * g.outC(), 0f);
        }
        pass(xo, yo, xs, wv, ys, null, null, null);
    }

    @Override void backwardSample(float[] xs, int xo, float[] wv, float[] dy, int yo, float[] dx, float[] dw, float[] db) {
        if (db != null) for (int i = 0; i < g.outH() * g.outW() * g.outC(); i++) db[i % g.outC()] += dy[yo + i];
        pass(xo, yo, xs, wv, null, dy, dx, dw);
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
