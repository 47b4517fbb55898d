package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.graph.Op;

/**
 * A layer with a weight, an optional bias and a fused activation whose kernels work one sample at a
 * time (grouped and transposed convolution): chunks of the batch run in parallel, each with its own
 * partial weight and bias gradients, summed in chunk order afterwards (deterministic).
 */
abstract class PerSampleStep extends Step {
    final int x, w, b, y;
    final Op.Act act;
    private final int weightSize, biasSize;
    private float[][] dwPartial, dbPartial;

    PerSampleStep(int x, int w, int b, int y, Op.Act act, int weightSize, int biasSize) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.act = act; this.weightSize = weightSize; this.biasSize = biasSize;
    }

    /** ys[yo ...] = the layer's output for the sample at xs[xo ...], bias included, before the activation. */
    abstract void forwardSample(float[] xs, int xo, float[] wv, float[] bias, float[] ys, int yo);

    /** dx, dw, db += (each may be null) from dy[yo ...], the gradient of the pre-activation output, for one sample. */
    abstract void backwardSample(float[] xs, int xo, float[] wv, float[] dy, int yo, float[] dx, float[] dw, float[] db);

    @Override void allocate(Ctx c, int capacity) {
        dwPartial = partials(capacity, weightSize);
        dbPartial = b >= 0 ? partials(capacity, biasSize) : null;
    }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], wv = c.value(w), bias = b >= 0 ? c.value(b) : null;
        int in = c.per[x], out = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) forwardSample(xs, s * in, wv, bias, ys, s * out);
            Activations.forward(act, ys, from * out, to * out);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y], wv = c.value(w);
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int in = c.per[x], out = c.per[y];
        c.forChunks((k, from, to) -> {
            Activations.backward(act, ys, dy, from * out, to * out);
            float[] dwp = dw == null ? null : dwPartial[k], dbp = db == null ? null : dbPartial[k];
            if (dwp != null) Arrays.fill(dwp, 0f);
            if (dbp != null) Arrays.fill(dbp, 0f);
            for (int s = from; s < to; s++) backwardSample(xs, s * in, wv, dy, s * out, dx, dwp, dbp);
        });
        reduce(dwPartial, c.chunks(), dw);
        if (db != null) reduce(dbPartial, c.chunks(), db);
    }
}
