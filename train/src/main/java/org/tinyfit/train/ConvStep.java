package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.graph.Op;

/** Conv2D: im2col matrix products ({@link ConvGemm}) over chunks of the batch, one workspace per worker; a fused ReLU runs inside the kernel. */
final class ConvStep extends Step {
    private final int x, w, b, y;
    private final ConvGeometry g;
    private final Op.Act act;
    private final float[][] w2;
    private ConvGemm[] work;
    private float[][][] dwPartial;
    private float[][] dbPartial;

    ConvStep(int x, int w, int b, int y, ConvGeometry g, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.g = g; this.act = act;
        this.w2 = new float[g.outC()][g.kh() * g.kw() * g.c()];
    }

    @Override void allocate(Ctx c, int capacity) {
        work = new ConvGemm[c.par.threads()];
        for (int i = 0; i < work.length; i++) work[i] = new ConvGemm(g, Math.min(capacity, Ctx.CHUNK));
        int chunks = Ctx.chunks(capacity);
        dwPartial = new float[chunks][g.outC()][g.kh() * g.kw() * g.c()];
        dbPartial = b >= 0 ? new float[chunks][g.outC()] : null;
    }

    @Override void forward(Ctx c) {
        ConvGemm.rows(c.value(w), w2);
        float[] xs = c.act[x], ys = c.act[y], bias = b >= 0 ? c.value(b) : null;
        int out = g.outPerSample();
        c.forChunks((int k, int worker, int from, int to) -> {
            boolean relu = act == Op.Act.RELU;
            work[worker].forward(xs, from, to, w2, bias, ys, relu);
            if (!relu) Activations.forward(act, ys, from * out, to * out);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y];
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int out = g.outPerSample();
        c.forChunks((int k, int worker, int from, int to) -> {
            boolean relu = act == Op.Act.RELU;
            if (!relu) Activations.backward(act, ys, dy, from * out, to * out);
            float[][] dwp = dw == null ? null : dwPartial[k];
            float[] dbp = db == null ? null : dbPartial[k];
            if (dwp != null) for (float[] r : dwp) Arrays.fill(r, 0f);
            if (dbp != null) Arrays.fill(dbp, 0f);
            work[worker].backward(xs, dy, relu ? ys : null, from, to, w2, dwp, dbp, dx);
        });
        if (dw != null) {
            int kk = w2[0].length;
            for (int k = 0; k < c.chunks(); k++) {
                float[][] p = dwPartial[k];
                for (int o = 0; o < p.length; o++) {
                    float[] r = p[o];
                    for (int i = 0; i < kk; i++) dw[o * kk + i] += r[i];
                }
            }
        }
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }
}
