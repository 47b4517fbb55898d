package org.tinyfit.train;

import org.tinyfit.graph.Op;

/**
 * Conv2D: im2col matrix products ({@link ConvGemm}) over chunks of the batch, one workspace per worker;
 * a fused ReLU runs inside the kernel. Each chunk's im2col matrix is built once, in the forward pass,
 * and kept for the backward pass when that takes at most {@link #KEEP_LIMIT} floats.
 */
final class ConvStep extends Step {
    private final int x, w, b, y;
    private final ConvGeometry g;
    private final Op.Act act;
    private final int kk;
    /** The filter as [K][O], for the forward product. */
    private final float[] wt;
    private ConvGemm[] work;
    private float[][] dwPartial;
    private float[][] dbPartial;
    /** Each chunk's im2col matrix, built by forward and read by backward; null when it would take too much memory. */
    private float[][] cols;
    /** The most memory (floats) kept im2col matrices may take per conv layer. */
    static final long KEEP_LIMIT = 1 << 23;

    ConvStep(int x, int w, int b, int y, ConvGeometry g, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.g = g; this.act = act;
        this.kk = g.kh() * g.kw() * g.c();
        this.wt = new float[g.outC() * kk];
    }

    @Override void allocate(Ctx c, int capacity) {
        work = new ConvGemm[c.par.threads()];
        for (int i = 0; i < work.length; i++) work[i] = new ConvGemm(g, Math.min(capacity, Ctx.CHUNK));
        int chunks = Ctx.chunks(capacity);
        dwPartial = new float[chunks][g.outC() * kk];
        dbPartial = b >= 0 ? new float[chunks][g.outC()] : null;
        int colSize = work[0].colSize(Math.min(capacity, Ctx.CHUNK));
        cols = !work[0].direct() && (long) chunks * colSize <= KEEP_LIMIT ? new float[chunks][colSize] : null;
    }

    @Override void forward(Ctx c) {
        ConvGemm.transpose(c.value(w), g.outC(), kk, wt);
        float[] xs = c.act[x], ys = c.act[y], bias = b >= 0 ? c.value(b) : null;
        int out = g.outPerSample();
        boolean relu = act == Op.Act.RELU;
        c.forChunks((int k, int worker, int from, int to) -> {
            work[worker].forward(xs, from, to, wt, bias, ys, relu, cols == null ? null : cols[k]);
            if (!relu) Activations.forward(act, ys, from * out, to * out);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y], wv = c.value(w);
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int out = g.outPerSample();
        boolean relu = act == Op.Act.RELU;
        c.forChunks((int k, int worker, int from, int to) -> {
            if (!relu) Activations.backward(act, ys, dy, from * out, to * out);
            float[] dbp = db == null ? null : dbPartial[k];
            if (dbp != null) java.util.Arrays.fill(dbp, 0f);
            work[worker].backward(xs, dy, relu ? ys : null, from, to, wv, dw == null ? null : dwPartial[k], dbp, dx,
                    cols == null ? null : cols[k]);
        });
        reduce(dwPartial, c.chunks(), dw);
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }
}
