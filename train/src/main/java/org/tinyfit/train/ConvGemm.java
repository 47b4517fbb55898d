package org.tinyfit.train;

import java.util.Arrays;

/**
 * Conv2D as matrix products over a chunk of samples, laid out so every inner loop is an axpy whose
 * store and load use the same index (so the JIT vectorizes it even though it cannot prove the
 * arrays distinct). Forward: the transposed im2col matrix colT[K][P] (P = output pixels of the
 * chunk's samples, K = KH·KW·C) times the filter rows gives yT[O][P], blocked over P so a panel of
 * colT stays in cache; then yT is transposed into NHWC. Backward: one im2col row at a time gives the
 * filter gradient (dW[o] += dy[p][o] · col[p]) and the input gradient (dcol[p] = Σ dy[p][o] · W[o],
 * scattered back into dx). One workspace per worker thread.
 */
final class ConvGemm {
    static final int P_BLOCK = 256;

    private final ConvGeometry g;
    private final int k;
    private final float[][] colT, yT;
    private final float[] colRow, dcolRow;

    ConvGemm(ConvGeometry g, int maxSamples) {
        this.g = g;
        this.k = g.kh() * g.kw() * g.c();
        int maxP = maxSamples * g.oh() * g.ow();
        colT = new float[k][maxP];
        yT = new float[g.outC()][maxP];
        colRow = new float[k];
        dcolRow = new float[k];
    }

    int k() { return k; }

    /** Filter [O][K] as rows. */
    static void rows(float[] w, float[][] w2) {
        int k = w2.length == 0 ? 0 : w2[0].length;
        for (int o = 0; o < w2.length; o++) System.arraycopy(w, o * k, w2[o], 0, k);
    }

    static void axpy(float[] y, float a, float[] x, int from, int to) {
        for (int i = from; i < to; i++) y[i] += a * x[i];
    }

    /** y for samples [s0, s1) = bias + conv(x, w); no activation. */
    void forward(float[] x, int s0, int s1, float[][] w2, float[] bias, float[] y) {
        int pix = g.oh() * g.ow(), np = (s1 - s0) * pix, c = g.c(), oc = g.outC();
        for (int j = 0; j < s1 - s0; j++) {
            int xBase = (s0 + j) * g.inPerSample();
            for (int oh = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++) {
                    int pl = j * pix + oh * g.ow() + ow;
                    for (int kh = 0; kh < g.kh(); kh++) {
                        int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                        for (int kw = 0; kw < g.kw(); kw++) {
                            int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                            int kb = (kh * g.kw() + kw) * c;
                            if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
                                for (int ci = 0; ci < c; ci++) colT[kb + ci][pl] = 0f;
                            } else {
                                int xo = xBase + (ih * g.w() + iw) * c;
                                for (int ci = 0; ci < c; ci++) colT[kb + ci][pl] = x[xo + ci];
                            }
                        }
                    }
                }
            }
        }
        for (int p0 = 0; p0 < np; p0 += P_BLOCK) {
            int p1 = Math.min(np, p0 + P_BLOCK);
            for (int o = 0; o < oc; o++) {
                float[] yr = yT[o], wr = w2[o];
                Arrays.fill(yr, p0, p1, bias == null ? 0f : bias[o]);
                for (int kk = 0; kk < k; kk++) {
                    float a = wr[kk];
                    if (a != 0f) axpy(yr, a, colT[kk], p0, p1);
                }
            }
        }
        int yBase = s0 * pix * oc;
        for (int pl = 0; pl < np; pl++) {
            int yo = yBase + pl * oc;
            for (int o = 0; o < oc; o++) y[yo + o] = yT[o][pl];
        }
    }

    /** dw2 += dy ⊗ im2col(x), db += Σ dy, dx += conv^T(dy, w), for samples [s0, s1); dw2, db, dx may be null. */
    void backward(float[] x, float[] dy, int s0, int s1, float[][] w2, float[][] dw2, float[] db, float[] dx) {
        int pix = g.oh() * g.ow(), c = g.c(), oc = g.outC();
        for (int j = 0; j < s1 - s0; j++) {
            int xBase = (s0 + j) * g.inPerSample();
            for (int oh = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++) {
                    int dyo = ((s0 + j) * pix + oh * g.ow() + ow) * oc;
                    if (db != null) for (int o = 0; o < oc; o++) db[o] += dy[dyo + o];
                    if (dw2 != null) {
                        im2colRow(x, xBase, oh, ow, colRow);
                        for (int o = 0; o < oc; o++) {
                            float a = dy[dyo + o];
                            if (a != 0f) axpy(dw2[o], a, colRow, 0, k);
                        }
                    }
                    if (dx != null) {
                        Arrays.fill(dcolRow, 0f);
                        boolean any = false;
                        for (int o = 0; o < oc; o++) {
                            float a = dy[dyo + o];
                            if (a != 0f) { axpy(dcolRow, a, w2[o], 0, k); any = true; }
                        }
                        if (any) col2imRow(dcolRow, dx, xBase, oh, ow);
                    }
                }
            }
        }
    }

    private void im2colRow(float[] x, int xBase, int oh, int ow, float[] row) {
        int c = g.c();
        for (int kh = 0; kh < g.kh(); kh++) {
            int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
            for (int kw = 0; kw < g.kw(); kw++) {
                int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                int kb = (kh * g.kw() + kw) * c;
                if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) Arrays.fill(row, kb, kb + c, 0f);
                else System.arraycopy(x, xBase + (ih * g.w() + iw) * c, row, kb, c);
            }
        }
    }

    private void col2imRow(float[] row, float[] dx, int xBase, int oh, int ow) {
        int c = g.c();
        for (int kh = 0; kh < g.kh(); kh++) {
            int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
            if (ih < 0 || ih >= g.h()) continue;
            for (int kw = 0; kw < g.kw(); kw++) {
                int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                if (iw < 0 || iw >= g.w()) continue;
                int kb = (kh * g.kw() + kw) * c, xo = xBase + (ih * g.w() + iw) * c;
                for (int ci = 0; ci < c; ci++) dx[xo + ci] += row[kb + ci];
            }
        }
    }
}
