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
                    int h0 = Math.max(0, oh * g.strideH() - g.padTop()), h1 = Math.min(g.h(), oh * g.strideH() - g.padTop() + g.kh());
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int w0 = Math.max(0, ow * g.strideW() - g.padLeft()), w1 = Math.min(g.w(), ow * g.strideW() - g.padLeft() + g.kw());
                        int yo = s * out + (oh * g.ow() + ow) * ch;
                        if (max && h1 - h0 == 2 && w1 - w0 == 2) max2x2(xs, s * in + (h0 * g.w() + w0) * ch, ys, yo);
                        else if (max) maxWindow(xs, s * in, h0, h1, w0, w1, ys, yo);
                        else averageWindow(xs, s * in, h0, h1, w0, w1, ys, yo);
                    }
                }
            }
            Activations.forward(act, ys, from * out, to * out);
        });
    }

    /**
     * The maximum of each channel over the window rows [h0, h1) and columns [w0, w1), and where it
     * came from (the first position holding it; a NaN makes the maximum NaN and keeps the position). No
     * branch on the data: which value is larger is random, so the index is a select.
     */
    private void maxWindow(float[] xs, int xBase, int h0, int h1, int w0, int w1, float[] ys, int yo) {
        int ch = g.c();
        for (int cc = 0; cc < ch; cc++) {
            int first = xBase + (h0 * g.w() + w0) * ch + cc;
            float best = Float.NEGATIVE_INFINITY;
            int at = first;
            for (int ih = h0; ih < h1; ih++) {
                for (int iw = w0; iw < w1; iw++) {
                    int xo = xBase + (ih * g.w() + iw) * ch + cc;
                    float v = xs[xo];
                    boolean larger = v > best;
                    at = larger ? xo : at;
                    best = Math.max(best, v);
                }
            }
            ys[yo + cc] = best;
            argmax[yo + cc] = at;
        }
    }

    /** {@link #maxWindow} for a full 2×2 window whose top-left value of channel 0 is at {@code x00}. */
    private void max2x2(float[] xs, int x00, float[] ys, int yo) {
        int ch = g.c(), x01 = x00 + ch, x10 = x00 + g.w() * ch, x11 = x10 + ch;
        if (Rows.VECTOR) {
            VectorRows.max4(xs, x00, x01, x10, x11, ch, ys, yo, argmax);
            return;
        }
        for (int cc = 0; cc < ch; cc++) {
            float a = xs[x00 + cc], b = xs[x01 + cc], c = xs[x10 + cc], d = xs[x11 + cc];
            int at = x00 + cc;
            float best = a;
            at = b > best ? x01 + cc : at;
            best = Math.max(best, b);
            at = c > best ? x10 + cc : at;
            best = Math.max(best, c);
            at = d > best ? x11 + cc : at;
            best = Math.max(best, d);
            ys[yo + cc] = best;
            argmax[yo + cc] = at;
        }
    }

    private void averageWindow(float[] xs, int xBase, int h0, int h1, int w0, int w1, float[] ys, int yo) {
        int ch = g.c();
        for (int cc = 0; cc < ch; cc++) ys[yo + cc] = 0f;
        for (int ih = h0; ih < h1; ih++) {
            for (int iw = w0; iw < w1; iw++) {
                int xo = xBase + (ih * g.w() + iw) * ch;
                for (int cc = 0; cc < ch; cc++) ys[yo + cc] += xs[xo + cc];
            }
        }
        float inv = 1f / ((h1 - h0) * (w1 - w0));
        for (int cc = 0; cc < ch; cc++) ys[yo + cc] *= inv;
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
