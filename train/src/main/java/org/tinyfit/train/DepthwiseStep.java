package org.tinyfit.train;

import org.tinyfit.graph.Op;

/** DepthwiseConv2D, per sample, split over chunks of the batch. */
final class DepthwiseStep extends Step {
    private final int x, w, b, y, m;
    private final ConvGeometry g;
    private final Op.Act act;
    private float[][] dwPartial, dbPartial;

    DepthwiseStep(int x, int w, int b, int y, ConvGeometry g, int m, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.g = g; this.m = m; this.act = act;
    }

    @Override void allocate(Ctx c, int capacity) {
        dwPartial = partials(capacity, g.kh() * g.kw() * g.outC());
        dbPartial = b >= 0 ? partials(capacity, g.outC()) : null;
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], wv = c.value(w), bias = b >= 0 ? c.value(b) : null;
        int in = g.inPerSample(), out = g.outPerSample();
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) DepthwiseKernels.forward(g, m, xs, s * in, wv, bias, ys, s * out);
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
            if (dwp != null) java.util.Arrays.fill(dwp, 0f);
            if (dbp != null) java.util.Arrays.fill(dbp, 0f);
            for (int s = from; s < to; s++) DepthwiseKernels.backward(g, m, xs, s * in, wv, dy, s * out, dx, s * in, dwp, dbp);
        });
        reduce(dwPartial, c.chunks(), dw);
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }
}
