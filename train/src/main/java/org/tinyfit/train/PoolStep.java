package org.tinyfit.train;

import org.tinyfit.graph.Op;

/**
 * Pool2D, max or average. Average divides by the number of window positions inside the input (as
 * TFLite does with SAME padding); max remembers where each maximum came from for the backward pass.
 */
final class PoolStep extends Step {
    private final int x, y;
    private final ConvGeometry g;
    private final boolean max;
    private final Op.Act act;
    private int[] argmax;

    PoolStep(int x, int y, ConvGeometry g, boolean max, Op.Act act) {
        this.x = x; this.y = y; this.g = g; this.max = max; this.act = act;
    }

    @Override void allocate(Ctx c, int capacity) {
        if (max) argmax = new int[capacity * g.outPerSample()];
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y];
        int in = g.inPerSample(), out = g.outPerSample(), ch = g.c();
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int yo = s * out + (oh * g.ow() + ow) * ch;
                        int count = 0;
                        for (int cc = 0; cc < ch; cc++) ys[yo + cc] = max ? Float.NEGATIVE_INFINITY : 0f;
                        for (int kh = 0; kh < g.kh(); kh++) {
                            int ih = oh * g.strideH() - g.padTop() + kh;
                            if (ih < 0 || ih >= g.h()) continue;
                            for (int kw = 0; kw < g.kw(); kw++) {
                                int iw = ow * g.strideW() - g.padLeft() + kw;
                                if (iw < 0 || iw >= g.w()) continue;
                                count++;
                                int xo = s * in + (ih * g.w() + iw) * ch;
                                if (max) {
                                    for (int cc = 0; cc < ch; cc++) {
                                        if (xs[xo + cc] > ys[yo + cc]) { ys[yo + cc] = xs[xo + cc]; argmax[yo + cc] = xo + cc; }
                                    }
                                } else {
                                    for (int cc = 0; cc < ch; cc++) ys[yo + cc] += xs[xo + cc];
                                }
                            }
                        }
                        if (!max) { float inv = 1f / count; for (int cc = 0; cc < ch; cc++) ys[yo + cc] *= inv; }
                    }
                }
            }
            Activations.forward(act, ys, from * out, to * out);
        });
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x);
        float[] ys = c.act[y], dy = c.grad[y];
        int in = g.inPerSample(), out = g.outPerSample(), ch = g.c();
        c.forChunks((k, from, to) -> {
            Activations.backward(act, ys, dy, from * out, to * out);
            if (dx == null) return;
            if (max) {
                for (int i = from * out; i < to * out; i++) dx[argmax[i]] += dy[i];
                return;
            }
            for (int s = from; s < to; s++) {
                for (int oh = 0; oh < g.oh(); oh++) {
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int yo = s * out + (oh * g.ow() + ow) * ch;
                        int h0 = Math.max(0, oh * g.strideH() - g.padTop()), h1 = Math.min(g.h(), oh * g.strideH() - g.padTop() + g.kh());
                        int w0 = Math.max(0, ow * g.strideW() - g.padLeft()), w1 = Math.min(g.w(), ow * g.strideW() - g.padLeft() + g.kw());
                        float inv = 1f / ((h1 - h0) * (w1 - w0));
                        for (int ih = h0; ih < h1; ih++)
                            for (int iw = w0; iw < w1; iw++) {
                                int xo = s * in + (ih * g.w() + iw) * ch;
                                for (int cc = 0; cc < ch; cc++) dx[xo + cc] += dy[yo + cc] * inv;
                            }
                    }
                }
            }
        });
    }
}
