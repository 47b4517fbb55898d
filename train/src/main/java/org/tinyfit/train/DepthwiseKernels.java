package org.tinyfit.train;

/**
 * Float depthwise convolution over NHWC data with filters [1, KH, KW, C*M] (output channel
 * c*M+m reads input channel c). Per-sample kernels with the inner loop over channels ({@link
 * VectorDepthwise} for multiplier 1 when the Vector API module is present, scalar loops otherwise;
 * both are fused multiply-adds in the same order, so they give the same bits), and the plain
 * reference definition for tests. {@code g.outC()} is C*M.
 */
final class DepthwiseKernels {
    private DepthwiseKernels() {}

    /** Whether multiplier-1 kernels run on {@link VectorDepthwise} (the Vector API module is present). */
    static final boolean VECTOR = Gemm.VECTOR_AVAILABLE;

    static void forward(ConvGeometry g, int m, float[] x, int xOff, float[] w, float[] bias, float[] y, int yOff) {
        if (VECTOR && m == 1) VectorDepthwise.forward(g, x, xOff, w, bias, y, yOff);
        else forwardScalar(g, m, x, xOff, w, bias, y, yOff);
    }

    /** dx += depthwise^T(dy, w); dw += dy ⊗ x; db += dy (each may be null), for one sample. */
    static void backward(ConvGeometry g, int m, float[] x, int xOff, float[] w, float[] dy, int dyOff,
                         float[] dx, int dxOff, float[] dw, float[] db) {
        if (VECTOR && m == 1) VectorDepthwise.backward(g, x, xOff, w, dy, dyOff, dx, dxOff, dw, db);
        else backwardScalar(g, m, x, xOff, w, dy, dyOff, dx, dxOff, dw, db);
    }

    static void forwardScalar(ConvGeometry g, int m, float[] x, int xOff, float[] w, float[] bias, float[] y, int yOff) {
        int oc = g.outC(), c = g.c();
        for (int oh = 0; oh < g.oh(); oh++) {
            for (int ow = 0; ow < g.ow(); ow++) {
                int yo = yOff + (oh * g.ow() + ow) * oc;
                if (bias != null) System.arraycopy(bias, 0, y, yo, oc);
                else java.util.Arrays.fill(y, yo, yo + oc, 0f);
                for (int kh = 0; kh < g.kh(); kh++) {
                    int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                    if (ih < 0 || ih >= g.h()) continue;
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                        if (iw < 0 || iw >= g.w()) continue;
                        int xo = xOff + (ih * g.w() + iw) * c;
                        int wo = (kh * g.kw() + kw) * oc;
                        if (m == 1) {
                            for (int ci = 0; ci < c; ci++) y[yo + ci] = Math.fma(x[xo + ci], w[wo + ci], y[yo + ci]);
                        } else {
                            for (int ci = 0; ci < c; ci++) {
                                float a = x[xo + ci];
                                for (int k = 0; k < m; k++) y[yo + ci * m + k] = Math.fma(a, w[wo + ci * m + k], y[yo + ci * m + k]);
                            }
                        }
                    }
                }
            }
        }
    }

    static void backwardScalar(ConvGeometry g, int m, float[] x, int xOff, float[] w, float[] dy, int dyOff,
                               float[] dx, int dxOff, float[] dw, float[] db) {
        int oc = g.outC(), c = g.c();
        for (int oh = 0; oh < g.oh(); oh++) {
            for (int ow = 0; ow < g.ow(); ow++) {
                int yo = dyOff + (oh * g.ow() + ow) * oc;
                if (db != null) for (int o = 0; o < oc; o++) db[o] += dy[yo + o];
                for (int kh = 0; kh < g.kh(); kh++) {
                    int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                    if (ih < 0 || ih >= g.h()) continue;
                    for (int kw = 0; kw < g.kw(); kw++) {
                        int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                        if (iw < 0 || iw >= g.w()) continue;
                        int xo = (ih * g.w() + iw) * c;
                        int wo = (kh * g.kw() + kw) * oc;
                        if (m == 1) {
                            if (dx != null) for (int ci = 0; ci < c; ci++) dx[dxOff + xo + ci] = Math.fma(dy[yo + ci], w[wo + ci], dx[dxOff + xo + ci]);
                            if (dw != null) for (int ci = 0; ci < c; ci++) dw[wo + ci] = Math.fma(dy[yo + ci], x[xOff + xo + ci], dw[wo + ci]);
                        } else {
                            for (int ci = 0; ci < c; ci++) {
                                for (int k = 0; k < m; k++) {
                                    float d = dy[yo + ci * m + k];
                                    if (dx != null) dx[dxOff + xo + ci] = Math.fma(d, w[wo + ci * m + k], dx[dxOff + xo + ci]);
                                    if (dw != null) dw[wo + ci * m + k] = Math.fma(d, x[xOff + xo + ci], dw[wo + ci * m + k]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // ---- reference: the definition ----

    static float[] referenceForward(ConvGeometry g, int m, int n, float[] x, float[] w, float[] bias) {
        float[] y = new float[n * g.outPerSample()];
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < g.oh(); oh++)
                for (int ow = 0; ow < g.ow(); ow++)
                    for (int o = 0; o < g.outC(); o++) {
                        int ci = o / m;
                        double acc = bias == null ? 0 : bias[o];
                        for (int kh = 0; kh < g.kh(); kh++)
                            for (int kw = 0; kw < g.kw(); kw++) {
                                int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                                int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                                if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                acc += (double) x[s * g.inPerSample() + (ih * g.w() + iw) * g.c() + ci] * w[(kh * g.kw() + kw) * g.outC() + o];
                            }
                        y[s * g.outPerSample() + (oh * g.ow() + ow) * g.outC() + o] = (float) acc;
                    }
        return y;
    }

    /** Returns {dx, dw}. */
    static float[][] referenceBackward(ConvGeometry g, int m, int n, float[] x, float[] w, float[] dy) {
        double[] dx = new double[n * g.inPerSample()];
        double[] dw = new double[w.length];
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < g.oh(); oh++)
                for (int ow = 0; ow < g.ow(); ow++)
                    for (int o = 0; o < g.outC(); o++) {
                        int ci = o / m;
                        double d = dy[s * g.outPerSample() + (oh * g.ow() + ow) * g.outC() + o];
                        for (int kh = 0; kh < g.kh(); kh++)
                            for (int kw = 0; kw < g.kw(); kw++) {
                                int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                                int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                                if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                int xi = s * g.inPerSample() + (ih * g.w() + iw) * g.c() + ci;
                                int wi = (kh * g.kw() + kw) * g.outC() + o;
                                dx[xi] += d * w[wi];
                                dw[wi] += d * x[xi];
                            }
                    }
        return new float[][] {ConvKernels.toFloat(dx), ConvKernels.toFloat(dw)};
    }
}
