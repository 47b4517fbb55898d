package org.tinyfit.train;

import java.util.Arrays;

/**
 * An op that moves values without computing: each per-sample output element copies one input
 * element ({@code source[j]}) or, where {@code source[j] < 0}, holds a fixed fill value. PAD and
 * STRIDED_SLICE, TRANSPOSE of the per-sample axes and RESIZE_NEAREST_NEIGHBOR are this; the backward pass sends each output gradient back to its source.
 */
final class GatherStep extends Step {
    private final int x, y;
    private final int[] source;
    private final float fill;

    GatherStep(int x, int y, int[] source, float fill) { this.x = x; this.y = y; this.source = source; this.fill = fill; }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y];
        int in = c.per[x], out = source.length;
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                int xo = s * in, yo = s * out;
                for (int j = 0; j < out; j++) ys[yo + j] = source[j] < 0 ? fill : xs[xo + source[j]];
            }
        });
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x);
        if (dx == null) return;
        float[] dy = c.grad[y];
        int in = c.per[x], out = source.length;
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                int xo = s * in, yo = s * out;
                for (int j = 0; j < out; j++) if (source[j] >= 0) dx[xo + source[j]] += dy[yo + j];
            }
        });
    }

    /** PAD's sources: per-sample input dims {@code in}, and the padding before and after each of those axes. */
    static int[] pad(int[] in, int[] before, int[] after) {
        int rank = in.length;
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) out[d] = in[d] + before[d] + after[d];
        int[] source = new int[product(out)];
        int[] idx = new int[rank];
        for (int j = 0; j < source.length; j++) {
            int s = 0;
            for (int d = 0; d < rank && s >= 0; d++) {
                int i = idx[d] - before[d];
                s = i < 0 || i >= in[d] ? -1 : s * in[d] + i;
            }
            source[j] = s;
            next(idx, out);
        }
        return source;
    }

    /**
     * STRIDED_SLICE's sources: per-sample input dims {@code in} and, per axis, the first index, the
     * index it stops before and the stride (as the runtime resolves them); kept axes and shrunk ones
     * alike, since shrinking drops a size-1 axis and so does not change the order.
     */
    static int[] slice(int[] in, int[] start, int[] stop, int[] stride) {
        int rank = in.length;
        int[] len = new int[rank];
        for (int d = 0; d < rank; d++) {
            int n = 0;
            for (int i = start[d]; stride[d] > 0 ? i < stop[d] : i > stop[d]; i += stride[d]) n++;
            len[d] = n;
        }
        int[] source = new int[product(len)];
        int[] idx = new int[rank];
        for (int j = 0; j < source.length; j++) {
            int s = 0;
            for (int d = 0; d < rank; d++) s = s * in[d] + start[d] + idx[d] * stride[d];
            source[j] = s;
            next(idx, len);
        }
        return source;
    }

    /** TRANSPOSE's sources: per-sample input dims {@code in}; output axis d is input axis {@code perm[d]} (per-sample axes). */
    static int[] transpose(int[] in, int[] perm) {
        int rank = in.length;
        int[] stride = new int[rank], out = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= in[d], d--) stride[d] = s;
        for (int d = 0; d < rank; d++) out[d] = in[perm[d]];
        int[] source = new int[product(out)];
        int[] idx = new int[rank];
        for (int j = 0; j < source.length; j++) {
            int s = 0;
            for (int d = 0; d < rank; d++) s += idx[d] * stride[perm[d]];
            source[j] = s;
            next(idx, out);
        }
        return source;
    }

    /** RESIZE_NEAREST_NEIGHBOR's sources on an [H,W,C] sample: the source row of each output row ({@code ys}) and column ({@code xs}). */
    static int[] nearest(int inW, int channels, int[] ys, int[] xs) {
        int[] source = new int[ys.length * xs.length * channels];
        int j = 0;
        for (int y : ys) for (int x : xs) for (int c = 0; c < channels; c++) source[j++] = (y * inW + x) * channels + c;
        return source;
    }

    private static int product(int[] dims) { return Arrays.stream(dims).reduce(1, Math::multiplyExact); }

    private static void next(int[] idx, int[] dims) {
        for (int d = dims.length - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) return;
            idx[d] = 0;
        }
    }
}
