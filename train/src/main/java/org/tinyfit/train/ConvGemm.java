package org.tinyfit.train;

import java.util.Arrays;

/**
 * Conv2D as matrix products over a chunk of samples, laid out so every inner loop runs over a long
 * unit-stride range with its store and loads at the same index (so the JIT vectorizes it even though
 * it cannot prove the arrays distinct), and adds four products per store so the loop is not bound by
 * loads and stores. Forward: the transposed im2col matrix colT[K][P] (P = output pixels of the
 * chunk's samples, K = KH·KW·C), built one row at a time, times the filter rows gives yT[O][P],
 * blocked over P so a panel of colT stays in cache; then yT is transposed into NHWC (with ReLU
 * applied on the way when it is fused). Backward, one output pixel at a time: the output gradient
 * (masked by ReLU when fused) is gathered into its non-zero entries; the input gradient
 * dcol[p] = Σ dy[p][o] · W[o] is scattered back into dx, and the filter gradient adds
 * dW[o] += Σ dy[p][o] · col[p] over four pixels at a time. One workspace per worker thread.
 */
final class ConvGemm {
    static final int P_BLOCK = 256;
    /** Up to this many values per filter the filter gradient is taken as dot products over all pixels (rows too short for axpy). */
    static final int DOT_MAX_K = 32;
    private static final int PIXELS = 4;

    private final ConvGeometry g;
    private final int k;
    private final float[][] colT, yT;
    private final float[][] colRows;
    private final float[] dcolRow;
    private final float[][] dyRows;
    private final int[] nonZero;
    private final float[] nonZeroValue;

    ConvGemm(ConvGeometry g, int maxSamples) {
        this.g = g;
        this.k = g.kh() * g.kw() * g.c();
        int maxP = maxSamples * g.oh() * g.ow();
        colT = new float[k][maxP];
        yT = new float[g.outC()][maxP];
        colRows = new float[PIXELS][k];
        dyRows = new float[PIXELS][g.outC()];
        dcolRow = new float[k];
        nonZero = new int[g.outC()];
        nonZeroValue = new float[g.outC()];
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

    /** y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i] for i in [from, to). */
    static void axpy4(float[] y, float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                      int from, int to) {
        for (int i = from; i < to; i++) y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
    }

    /** y[i] = a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i] for i in [from, to). */
    static void set4(float[] y, float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                     int from, int to) {
        for (int i = from; i < to; i++) y[i] = a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
    }

    /** y for samples [s0, s1) = bias + conv(x, w); no activation. */
    void forward(float[] x, int s0, int s1, float[][] w2, float[] bias, float[] y) {
        forward(x, s0, s1, w2, bias, y, false);
    }

    /** y for samples [s0, s1) = bias + conv(x, w), then max(·, 0) when {@code relu}. */
    void forward(float[] x, int s0, int s1, float[][] w2, float[] bias, float[] y, boolean relu) {
        int pix = g.oh() * g.ow(), np = (s1 - s0) * pix, oc = g.outC();
        im2colTransposed(x, s0, s1);
        for (int p0 = 0; p0 < np; p0 += P_BLOCK) {
            int p1 = Math.min(np, p0 + P_BLOCK);
            for (int o = 0; o < oc; o++) {
                float[] yr = yT[o], wr = w2[o];
                Arrays.fill(yr, p0, p1, bias == null ? 0f : bias[o]);
                int kk = 0;
                for (; kk + 4 <= k; kk += 4) {
                    axpy4(yr, wr[kk], colT[kk], wr[kk + 1], colT[kk + 1], wr[kk + 2], colT[kk + 2], wr[kk + 3], colT[kk + 3], p0, p1);
                }
                for (; kk < k; kk++) axpy(yr, wr[kk], colT[kk], p0, p1);
            }
        }
        int yBase = s0 * pix * oc;
        for (int pl = 0; pl < np; pl++) {
            int yo = yBase + pl * oc;
            if (relu) for (int o = 0; o < oc; o++) y[yo + o] = Math.max(yT[o][pl], 0f);
            else for (int o = 0; o < oc; o++) y[yo + o] = yT[o][pl];
        }
    }

    /** colT[(kh·KW + kw)·C + ci][j·OH·OW + oh·OW + ow] = x of sample s0 + j at the tap, or 0 in the padding. */
    private void im2colTransposed(float[] x, int s0, int s1) {
        int c = g.c(), pix = g.oh() * g.ow(), ow = g.ow(), sw = g.strideW();
        for (int kh = 0; kh < g.kh(); kh++) {
            for (int kw = 0; kw < g.kw(); kw++) {
                int iwOff = kw * g.dilationW() - g.padLeft();
                // first and last output column whose tap is inside the row
                int ow0 = 0;
                while (ow0 < ow && ow0 * sw + iwOff < 0) ow0++;
                int ow1 = ow;
                while (ow1 > ow0 && (ow1 - 1) * sw + iwOff >= g.w()) ow1--;
                for (int ci = 0; ci < c; ci++) {
                    float[] row = colT[(kh * g.kw() + kw) * c + ci];
                    for (int j = 0; j < s1 - s0; j++) {
                        int xBase = (s0 + j) * g.inPerSample() + ci;
                        for (int oh = 0; oh < g.oh(); oh++) {
                            int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                            int pb = j * pix + oh * ow;
                            if (ih < 0 || ih >= g.h()) {
                                Arrays.fill(row, pb, pb + ow, 0f);
                                continue;
                            }
                            for (int o = 0; o < ow0; o++) row[pb + o] = 0f;
                            for (int o = ow1; o < ow; o++) row[pb + o] = 0f;
                            int xr = xBase + (ih * g.w() + iwOff) * c;
                            if (ow1 == ow0) continue;
                            if (c == 1 && sw == 1) {
                                System.arraycopy(x, xr + ow0, row, pb + ow0, ow1 - ow0);
                            } else {
                                int step = sw * c;
                                for (int o = ow0; o < ow1; o++) row[pb + o] = x[xr + o * step];
                            }
                        }
                    }
                }
            }
        }
    }

    /** dw2 += dy ⊗ im2col(x), db += Σ dy, dx += conv^T(dy, w), for samples [s0, s1); dw2, db, dx may be null. */
    void backward(float[] x, float[] dy, int s0, int s1, float[][] w2, float[][] dw2, float[] db, float[] dx) {
        backward(x, dy, null, s0, s1, w2, dw2, db, dx);
    }

    /**
     * As {@link #backward(float[], float[], int, int, float[][], float[][], float[], float[])}, with a
     * fused ReLU when {@code reluOut} (the ReLU's output y) is given: dy counts only where y &gt; 0. dy
     * itself is left unchanged.
     */
    void backward(float[] x, float[] dy, float[] reluOut, int s0, int s1, float[][] w2, float[][] dw2, float[] db, float[] dx) {
        int pix = g.oh() * g.ow(), oc = g.outC();
        if (dw2 != null && k <= DOT_MAX_K) {
            weightGradientByDots(x, dy, reluOut, s0, s1, dw2, db);
            dw2 = null;
            db = null;
        }
        if (dx == null && dw2 == null && db == null) return;
        int total = (s1 - s0) * pix;
        for (int q0 = 0; q0 < total; q0 += PIXELS) {
            int q1 = Math.min(total, q0 + PIXELS);
            boolean anyInGroup = false;
            for (int q = q0; q < q1; q++) {
                int s = s0 + q / pix, pl = q % pix, oh = pl / g.ow(), ow = pl % g.ow();
                int dyo = (s * pix + pl) * oc;
                float[] d = dyRows[q - q0];
                int nz = 0;
                for (int o = 0; o < oc; o++) {
                    float a = dy[dyo + o];
                    if (reluOut != null) a = Activations.reluGradient(reluOut[dyo + o], a);
                    d[o] = a;
                    nonZero[nz] = o;
                    nonZeroValue[nz] = a;
                    nz += a != 0f ? 1 : 0;
                }
                if (nz == 0) {
                    // takes part in the filter gradient below with zero weights
                    if (dw2 != null) Arrays.fill(colRows[q - q0], 0f);
                    continue;
                }
                anyInGroup = true;
                if (db != null) for (int o = 0; o < oc; o++) db[o] += d[o];
                int xBase = s * g.inPerSample();
                if (dw2 != null) im2colRow(x, xBase, oh, ow, colRows[q - q0]);
                if (dx != null) {
                    int i = 0;
                    if (nz >= 4) {
                        set4(dcolRow, nonZeroValue[0], w2[nonZero[0]], nonZeroValue[1], w2[nonZero[1]],
                                nonZeroValue[2], w2[nonZero[2]], nonZeroValue[3], w2[nonZero[3]], 0, k);
                        i = 4;
                    } else {
                        Arrays.fill(dcolRow, 0f);
                    }
                    for (; i + 4 <= nz; i += 4) {
                        axpy4(dcolRow, nonZeroValue[i], w2[nonZero[i]], nonZeroValue[i + 1], w2[nonZero[i + 1]],
                                nonZeroValue[i + 2], w2[nonZero[i + 2]], nonZeroValue[i + 3], w2[nonZero[i + 3]], 0, k);
                    }
                    for (; i < nz; i++) axpy(dcolRow, nonZeroValue[i], w2[nonZero[i]], 0, k);
                    col2imRow(dcolRow, dx, xBase, oh, ow);
                }
            }
            if (dw2 == null || !anyInGroup) continue;
            int m = q1 - q0;
            for (int o = 0; o < oc; o++) {
                if (m == PIXELS) {
                    float a0 = dyRows[0][o], a1 = dyRows[1][o], a2 = dyRows[2][o], a3 = dyRows[3][o];
                    if (a0 == 0f && a1 == 0f && a2 == 0f && a3 == 0f) continue;
                    axpy4(dw2[o], a0, colRows[0], a1, colRows[1], a2, colRows[2], a3, colRows[3], 0, k);
                } else {
                    for (int r = 0; r < m; r++) {
                        float a = dyRows[r][o];
                        if (a != 0f) axpy(dw2[o], a, colRows[r], 0, k);
                    }
                }
            }
        }
    }

    /**
     * dw2[o][kk] += Σ_p dyT[o][p] · colT[kk][p] and db[o] += Σ_p dyT[o][p] over the chunk's pixels,
     * with dyT the (ReLU-masked) output gradient transposed into yT; four filter values per pass over
     * dyT and two partial sums each.
     */
    private void weightGradientByDots(float[] x, float[] dy, float[] reluOut, int s0, int s1, float[][] dw2, float[] db) {
        int pix = g.oh() * g.ow(), np = (s1 - s0) * pix, oc = g.outC();
        im2colTransposed(x, s0, s1);
        int dyBase = s0 * pix * oc;
        for (int pl = 0; pl < np; pl++) {
            int dyo = dyBase + pl * oc;
            if (reluOut != null) for (int o = 0; o < oc; o++) yT[o][pl] = Activations.reluGradient(reluOut[dyo + o], dy[dyo + o]);
            else for (int o = 0; o < oc; o++) yT[o][pl] = dy[dyo + o];
        }
        int even = np & ~1;
        for (int o = 0; o < oc; o++) {
            float[] d = yT[o], dwr = dw2[o];
            if (db != null) {
                float sum = 0f;
                for (int p = 0; p < np; p++) sum += d[p];
                db[o] += sum;
            }
            int kk = 0;
            for (; kk + 4 <= k; kk += 4) {
                float[] c0 = colT[kk], c1 = colT[kk + 1], c2 = colT[kk + 2], c3 = colT[kk + 3];
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f;
                for (int p = 0; p < even; p += 2) {
                    float d0 = d[p], d1 = d[p + 1];
                    a0 += d0 * c0[p]; b0 += d1 * c0[p + 1];
                    a1 += d0 * c1[p]; b1 += d1 * c1[p + 1];
                    a2 += d0 * c2[p]; b2 += d1 * c2[p + 1];
                    a3 += d0 * c3[p]; b3 += d1 * c3[p + 1];
                }
                if (even < np) {
                    float d0 = d[even];
                    a0 += d0 * c0[even]; a1 += d0 * c1[even]; a2 += d0 * c2[even]; a3 += d0 * c3[even];
                }
                dwr[kk] += a0 + b0;
                dwr[kk + 1] += a1 + b1;
                dwr[kk + 2] += a2 + b2;
                dwr[kk + 3] += a3 + b3;
            }
            for (; kk < k; kk++) {
                float[] c0 = colT[kk];
                float a0 = 0f, b0 = 0f;
                for (int p = 0; p < even; p += 2) { a0 += d[p] * c0[p]; b0 += d[p + 1] * c0[p + 1]; }
                if (even < np) a0 += d[even] * c0[even];
                dwr[kk] += a0 + b0;
            }
        }
    }

    private void im2colRow(float[] x, int xBase, int oh, int ow, float[] row) {
        int c = g.c(), kwn = g.kw();
        for (int kh = 0; kh < g.kh(); kh++) {
            int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
            int rb = kh * kwn * c;
            if (ih < 0 || ih >= g.h()) {
                Arrays.fill(row, rb, rb + kwn * c, 0f);
                continue;
            }
            int iw0 = ow * g.strideW() - g.padLeft();
            if (g.dilationW() == 1) {
                // the taps of one kernel row are one contiguous span of x
                int kw0 = Math.max(0, -iw0), kw1 = Math.min(kwn, g.w() - iw0);
                if (kw1 <= kw0) {
                    Arrays.fill(row, rb, rb + kwn * c, 0f);
                    continue;
                }
                if (kw0 > 0) Arrays.fill(row, rb, rb + kw0 * c, 0f);
                System.arraycopy(x, xBase + (ih * g.w() + iw0 + kw0) * c, row, rb + kw0 * c, (kw1 - kw0) * c);
                if (kw1 < kwn) Arrays.fill(row, rb + kw1 * c, rb + kwn * c, 0f);
                continue;
            }
            for (int kw = 0; kw < kwn; kw++) {
                int iw = iw0 + kw * g.dilationW();
                int kb = rb + kw * c;
                if (iw < 0 || iw >= g.w()) {
                    for (int ci = 0; ci < c; ci++) row[kb + ci] = 0f;
                } else {
                    int xo = xBase + (ih * g.w() + iw) * c;
                    for (int ci = 0; ci < c; ci++) row[kb + ci] = x[xo + ci];
                }
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
