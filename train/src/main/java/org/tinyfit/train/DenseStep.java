package org.tinyfit.train;

import org.tinyfit.graph.Op;

/**
 * FullyConnected: y[N,O] = x[N,I] · W[O,I]ᵀ + b as whole-batch matrix products ({@link Gemm}),
 * split over the threads by columns or rows of the result: forward y = x · Wᵀ (Wᵀ made once per
 * step), input gradient dx += dy · W, filter gradient dW += dyᵀ · x (a sum over the batch in sample
 * order, so it does not depend on the thread count).
 */
final class DenseStep extends Step {
    private final int x, w, b, y, inSize, outSize;
    private final Op.Act act;
    private final float[] wt;
    private final Gemm gemm = Gemm.best();

    DenseStep(int x, int w, int b, int y, int inSize, int outSize, Op.Act act) {
        this.x = x; this.w = w; this.b = b; this.y = y; this.inSize = inSize; this.outSize = outSize; this.act = act;
        this.wt = new float[inSize * outSize];
    }

    /** Rows of the matrices per sample (a graph may fold extra leading dims into the rows). */
    private int rowsPerSample(Ctx c) { return c.per[x] / inSize; }

    @Override void forward(Ctx c) {
        ConvGemm.transpose(c.value(w), outSize, inSize, wt);
        float[] xs = c.act[x], ys = c.act[y], bias = b >= 0 ? c.value(b) : null;
        int rows = c.n * rowsPerSample(c);
        gemm.multiply(c.par, rows, outSize, inSize, xs, 0, inSize, 1, wt, 0, outSize, ys, 0, outSize, false);
        if (act == Op.Act.NONE || act == Op.Act.RELU) {
            boolean relu = act == Op.Act.RELU;
            c.par.forRange(rows, c.par.threads(), (from, to) -> Rows.biasRelu(ys, from * outSize, to - from, outSize, bias, relu));
            return;
        }
        c.par.forRange(rows, c.par.threads(), (from, to) -> {
            if (bias != null) {
                for (int r = from; r < to; r++) {
                    int yo = r * outSize;
                    for (int o = 0; o < outSize; o++) ys[yo + o] += bias[o];
                }
            }
            Activations.forward(act, ys, from * outSize, to * outSize);
        });
    }

    @Override void backward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y];
        float[] dx = c.gradOf(x), dw = c.gradOf(w), db = b >= 0 ? c.gradOf(b) : null;
        int rows = c.n * rowsPerSample(c);
        if (act != Op.Act.NONE) {
            c.par.forRange(rows, c.par.threads(), (from, to) -> Activations.backward(act, ys, dy, from * outSize, to * outSize));
        }
        if (db != null) {
            for (int r = 0; r < rows; r++) {
                int yo = r * outSize;
                for (int o = 0; o < outSize; o++) db[o] += dy[yo + o];
            }
        }
        if (dw != null) gemm.multiply(c.par, outSize, inSize, rows, dy, 0, 1, outSize, xs, 0, inSize, dw, 0, inSize, true);
        if (dx != null) gemm.multiply(c.par, rows, inSize, outSize, dy, 0, outSize, 1, c.value(w), 0, inSize, dx, 0, inSize, true);
    }
}
