package org.tinyfit.train;

/**
 * The definition of float 2-D convolution over NHWC data with filters [O, KH, KW, C] (forward,
 * gradient of the input, gradient of the filter), one output element at a time in double: the
 * reference {@link ConvGemm} is tested against.
 */
final class ConvKernels {
    private ConvKernels() {}

    // ---- reference kernels: the definition, one output element at a time ----

    static float[] referenceForward(ConvGeometry g, int n, float[] x, float[] w, float[] bias) {
        float[] y = new float[n * g.outPerSample()];
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < g.oh(); oh++)
                for (int ow = 0; ow < g.ow(); ow++)
                    for (int o = 0; o < g.outC(); o++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int kh = 0; kh < g.kh(); kh++)
                            for (int kw = 0; kw < g.kw(); kw++)
                                for (int ci = 0; ci < g.c(); ci++) {
                                    int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                                    int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    acc += (double) x[s * g.inPerSample() + (ih * g.w() + iw) * g.c() + ci]
                                            * w[((o * g.kh() + kh) * g.kw() + kw) * g.c() + ci];
                                }
                        y[s * g.outPerSample() + (oh * g.ow() + ow) * g.outC() + o] = (float) acc;
                    }
        return y;
    }

    static float[] referenceBackwardData(ConvGeometry g, int n, float[] dy, float[] w) {
        double[] dx = new double[n * g.inPerSample()];
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < g.oh(); oh++)
                for (int ow = 0; ow < g.ow(); ow++)
                    for (int o = 0; o < g.outC(); o++)
                        for (int kh = 0; kh < g.kh(); kh++)
                            for (int kw = 0; kw < g.kw(); kw++)
                                for (int ci = 0; ci < g.c(); ci++) {
                                    int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                                    int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    dx[s * g.inPerSample() + (ih * g.w() + iw) * g.c() + ci] +=
                                            (double) dy[s * g.outPerSample() + (oh * g.ow() + ow) * g.outC() + o]
                                            * w[((o * g.kh() + kh) * g.kw() + kw) * g.c() + ci];
                                }
        return toFloat(dx);
    }

    static float[] referenceBackwardWeights(ConvGeometry g, int n, float[] x, float[] dy) {
        double[] dw = new double[g.outC() * g.kh() * g.kw() * g.c()];
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < g.oh(); oh++)
                for (int ow = 0; ow < g.ow(); ow++)
                    for (int o = 0; o < g.outC(); o++)
                        for (int kh = 0; kh < g.kh(); kh++)
                            for (int kw = 0; kw < g.kw(); kw++)
                                for (int ci = 0; ci < g.c(); ci++) {
                                    int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                                    int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    dw[((o * g.kh() + kh) * g.kw() + kw) * g.c() + ci] +=
                                            (double) dy[s * g.outPerSample() + (oh * g.ow() + ow) * g.outC() + o]
                                            * x[s * g.inPerSample() + (ih * g.w() + iw) * g.c() + ci];
                                }
        return toFloat(dw);
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
