package org.tinyfit.train;

import java.util.Arrays;

/**
 * Conv2D over a chunk of samples as matrix products ({@link Gemm}) on the im2col matrix
 * col[P][K] (P = output pixels of the chunk's samples, K = KH·KW·C, one row per pixel: its patch in
 * the filter's KH, KW, C order). NHWC output and gradients are row-major [P][O] matrices already, so
 * no transposition is needed:
 * <ul>
 * <li>forward: y[P][O] = col · Wᵀ (Wᵀ as [K][O], made once per step by the caller), then bias and a
 *     fused ReLU in one pass;</li>
 * <li>filter gradient: dW[O][K] = dyᵀ · col (dy masked by a fused ReLU first);</li>
 * <li>input gradient: dcol[P][K] = dy · W, scattered back into dx (col2im).</li>
 * </ul>
 * A 1×1 convolution with stride 1 and no padding reads x itself as col. One workspace per worker.
 */
final class ConvGemm {
    private final ConvGeometry g;
    private final int k, oc, pix;
    private final Gemm gemm;
    /** 1×1, stride 1, no padding: the input is its own im2col matrix. */
    private final boolean direct;
    private final float[] col, dcol, dyMasked;
    /** The filter gradient as [K][O] when O fills the vectors better than K (then it is computed so and transposed). */
    private final float[] dwt;

    ConvGemm(ConvGeometry g, int maxSamples) { this(g, maxSamples, Gemm.best()); }

    ConvGemm(ConvGeometry g, int maxSamples, Gemm gemm) {
        this.g = g;
        this.gemm = gemm;
        this.k = g.kh() * g.kw() * g.c();
        this.oc = g.outC();
        this.pix = g.oh() * g.ow();
        this.direct = g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padTop() == 0 && g.padLeft() == 0
                && g.oh() == g.h() && g.ow() == g.w();
        int maxP = maxSamples * pix;
        col = direct ? null : new float[maxP * k];
        dcol = direct ? null : new float[maxP * k];
        dyMasked = new float[maxP * oc];
        dwt = Gemm.fill(oc) > Gemm.fill(k) ? new float[k * oc] : null;
    }

    int k() { return k; }

    /** wt[K][O] = w[O][K]ᵀ. */
    static void transpose(float[] w, int rows, int cols, float[] wt) {
        for (int r0 = 0; r0 < rows; r0 += 16) {
            int r1 = Math.min(rows, r0 + 16);
            for (int c0 = 0; c0 < cols; c0 += 16) {
                int c1 = Math.min(cols, c0 + 16);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++) wt[c * rows + r] = w[r * cols + c];
            }
        }
    }

    /** y for samples [s0, s1) = bias + conv(x, w), then max(·, 0) when {@code relu}; wt is the filter as [K][O]. */
    void forward(float[] x, int s0, int s1, float[] wt, float[] bias, float[] y, boolean relu) {
        forward(x, s0, s1, wt, bias, y, relu, null);
    }

    /**
     * {@link #forward(float[], int, int, float[], float[], float[], boolean)} that builds the im2col
     * matrix in {@code keep} (at least {@link #colSize} values) instead of the workspace, so that the
     * backward pass of the same samples can take it without building it again; null: the workspace.
     */
    void forward(float[] x, int s0, int s1, float[] wt, float[] bias, float[] y, boolean relu, float[] keep) {
        int np = (s1 - s0) * pix, yOff = s0 * pix * oc;
        float[] a = direct ? x : keep != null ? keep : col;
        int aOff = direct ? s0 * g.inPerSample() : 0;
        if (!direct) im2col(x, s0, s1, a);
        gemm.multiply(np, oc, k, a, aOff, k, 1, wt, 0, oc, y, yOff, oc, false);
        Rows.biasRelu(y, yOff, np, oc, bias, relu);
    }

    /**
     * For samples [s0, s1): dw = dyᵀ · im2col(x) (overwritten: the chunk's partial filter gradient,
     * [O][K]), db += Σ dy, dx += conv^T(dy, w) (w as [O][K]); each may be null. With {@code reluOut}
     * (the fused ReLU's output y) dy counts only where y &gt; 0. dy itself is left unchanged.
     */
    void backward(float[] x, float[] dy, float[] reluOut, int s0, int s1, float[] w, float[] dw, float[] db, float[] dx) {
        backward(x, dy, reluOut, s0, s1, w, dw, db, dx, null);
    }

    /** Whether the input is read as its own im2col matrix (then nothing is kept). */
    boolean direct() { return direct; }

    /** Values of the im2col matrix of {@code samples} samples. */
    int colSize(int samples) { return samples * pix * k; }

    /**
     * {@link #backward(float[], float[], float[], int, int, float[], float[], float[], float[])} with
     * the im2col matrix that {@code forward} kept for the same samples in {@code kept}; null: build it.
     */
    void backward(float[] x, float[] dy, float[] reluOut, int s0, int s1, float[] w, float[] dw, float[] db, float[] dx, float[] kept) {
        int np = (s1 - s0) * pix, dyOff = s0 * pix * oc;
        float[] d = dy;
        int dOff = dyOff;
        // the masked gradient and its sum over the pixels in one pass
        Rows.reluGradientAndSum(reluOut, dy, dyOff, np, oc, dyMasked, db);
        if (reluOut != null) {
            d = dyMasked;
            dOff = 0;
        }
        if (dw != null) {
            float[] a = direct ? x : kept != null ? kept : col;
            int aOff = direct ? s0 * g.inPerSample() : 0;
            if (!direct && kept == null) im2col(x, s0, s1, col);
            if (dwt != null) {
                // dwᵀ[K][O] = im2colᵀ · dy: O is the better vector width; each element is the same chain over the pixels
                gemm.multiply(k, oc, np, a, aOff, 1, k, d, dOff, oc, dwt, 0, oc, false);
                transpose(dwt, k, oc, dw);
            } else {
                gemm.multiply(oc, k, np, d, dOff, 1, oc, a, aOff, k, dw, 0, k, false);
            }
        }
        if (dx != null) {
            if (direct) {
                gemm.multiply(np, k, oc, d, dOff, oc, 1, w, 0, k, dx, s0 * g.inPerSample(), k, true);
            } else {
                gemm.multiply(np, k, oc, d, dOff, oc, 1, w, 0, k, dcol, 0, k, false);
                col2im(s0, s1, dx);
            }
        }
    }

    /** col[(j·OH + oh)·OW + ow][(kh·KW + kw)·C + ci] = x of sample s0 + j at the tap, or 0 in the padding. */
    private void im2col(float[] x, int s0, int s1, float[] col) {
        int c = g.c(), kwn = g.kw(), span = kwn * c;
        int p = 0;
        for (int s = s0; s < s1; s++) {
            int xBase = s * g.inPerSample();
            for (int oh = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++, p++) {
                    int row = p * k;
                    int iw0 = ow * g.strideW() - g.padLeft();
                    for (int kh = 0; kh < g.kh(); kh++) {
                        int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                        int rb = row + kh * span;
                        if (ih < 0 || ih >= g.h()) {
                            Arrays.fill(col, rb, rb + span, 0f);
                            continue;
                        }
                        int xr = xBase + ih * g.w() * c;
                        if (g.dilationW() == 1) {
                            // the taps of one kernel row are one contiguous span of x
                            int kw0 = Math.max(0, -iw0), kw1 = Math.min(kwn, g.w() - iw0);
                            if (kw1 <= kw0) {
                                Arrays.fill(col, rb, rb + span, 0f);
                                continue;
                            }
                            for (int i = rb; i < rb + kw0 * c; i++) col[i] = 0f;
                            int from = xr + (iw0 + kw0) * c, len = (kw1 - kw0) * c, to = rb + kw0 * c;
                            if (len >= 32) System.arraycopy(x, from, col, to, len);
                            else for (int i = 0; i < len; i++) col[to + i] = x[from + i];
                            for (int i = rb + kw1 * c; i < rb + span; i++) col[i] = 0f;
                            continue;
                        }
                        for (int kw = 0; kw < kwn; kw++) {
                            int iw = iw0 + kw * g.dilationW();
                            int kb = rb + kw * c;
                            if (iw < 0 || iw >= g.w()) {
                                for (int ci = 0; ci < c; ci++) col[kb + ci] = 0f;
                            } else {
                                int xo = xr + iw * c;
                                for (int ci = 0; ci < c; ci++) col[kb + ci] = x[xo + ci];
                            }
                        }
                    }
                }
            }
        }
    }

    /** dx of samples [s0, s1) += dcol scattered back to the input pixels its rows were gathered from. */
    private void col2im(int s0, int s1, float[] dx) {
        int c = g.c();
        int p = 0;
        for (int s = s0; s < s1; s++) {
            int xBase = s * g.inPerSample();
            for (int oh = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++, p++) {
                    int row = p * k;
                    for (int kh = 0; kh < g.kh(); kh++) {
                        int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                        if (ih < 0 || ih >= g.h()) continue;
                        for (int kw = 0; kw < g.kw(); kw++) {
                            int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                            if (iw < 0 || iw >= g.w()) continue;
                            int kb = row + (kh * g.kw() + kw) * c, xo = xBase + (ih * g.w() + iw) * c;
                            for (int ci = 0; ci < c; ci++) dx[xo + ci] += dcol[kb + ci];
                        }
                    }
                }
            }
        }
    }
}
