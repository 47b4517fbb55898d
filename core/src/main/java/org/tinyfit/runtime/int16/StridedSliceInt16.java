package org.tinyfit.runtime.int16;

import java.util.Arrays;

/**
 * STRIDED_SLICE as TFLite Micro runs it (up to 5 dimensions; begin, end and strides are constants;
 * begin, end and shrink-axis masks honoured; ellipsis and new-axis masks and the offset flag are
 * not supported by TFLite Micro and ignored here too). The slice is resolved once into the list of
 * input indices it reads, so it works for any element type.
 */
public final class StridedSliceInt16 {
    private StridedSliceInt16() {}

    /** Per dimension (padded to 5 at the front) the first index, the stop (exclusive) and the stride. */
    public record Params(int[] inputShape5, int[] start, int[] stop, int[] stride) {}

    public static Params prepare(int[] inputShape, int[] begin, int[] end, int[] strides,
                                 int beginMask, int endMask, int shrinkAxisMask) {
        int rank = inputShape.length;
        if (rank > 5) throw new IllegalArgumentException("STRIDED_SLICE supports up to 5 dimensions, the input has " + rank);
        if (begin.length != rank || end.length != rank || strides.length != rank) {
            throw new IllegalArgumentException("begin/end/strides need " + rank + " values each");
        }
        int pad = 5 - rank;
        int[] shape = new int[5];
        int[] b = new int[5];
        int[] e = new int[5];
        int[] s = new int[5];
        Arrays.fill(shape, 1);
        for (int i = 0; i < pad; i++) {
            b[i] = 0;
            e[i] = 1;
            s[i] = 1;
        }
        for (int i = 0; i < rank; i++) {
            shape[pad + i] = inputShape[i];
            b[pad + i] = begin[i];
            e[pad + i] = end[i];
            s[pad + i] = strides[i];
            if (strides[i] == 0) throw new IllegalArgumentException("stride of dimension " + i + " is 0");
        }
        int fill = (1 << pad) - 1;
        int bm = (beginMask << pad) | fill;
        int em = (endMask << pad) | fill;
        int sm = shrinkAxisMask << pad;
        int[] start = new int[5];
        int[] stop = new int[5];
        for (int axis = 0; axis < 5; axis++) {
            start[axis] = startForAxis(shape[axis], b[axis], s[axis], (bm & (1 << axis)) != 0);
            stop[axis] = stopForAxis(shape[axis], e[axis], s[axis], (em & (1 << axis)) != 0, (sm & (1 << axis)) != 0, start[axis]);
        }
        return new Params(shape, start, stop, s);
    }

    private static int startForAxis(int size, int start, int stride, boolean masked) {
        if (start < 0) start += size;
        start = stride > 0 ? clamp(start, 0, size) : clamp(start, -1, size - 1);
        if (masked) start = stride > 0 ? 0 : size - 1;
        return start;
    }

    private static int stopForAxis(int size, int end, int stride, boolean masked, boolean shrink, int start) {
        if (shrink) return start >= size ? start : start + 1;
        if (end < 0) end += size;
        end = stride > 0 ? clamp(end, 0, size) : clamp(end, -1, size - 1);
        if (masked) end = stride > 0 ? size : -1;
        return end;
    }

    private static int clamp(int v, int lo, int hi) { return hi < v ? hi : (v < lo ? lo : v); }

    private static boolean inRange(int index, int stop, int stride) { return stride > 0 ? index < stop : index > stop; }

    /** The input index of each output element, in output order. */
    public static int[] indices(Params p) {
        int[] sh = p.inputShape5;
        int count = 1;
        for (int a = 0; a < 5; a++) count *= Math.max(0, extent(p, a));
        int[] idx = new int[count];
        int n = 0;
        for (int i0 = p.start[0]; inRange(i0, p.stop[0], p.stride[0]); i0 += p.stride[0])
            for (int i1 = p.start[1]; inRange(i1, p.stop[1], p.stride[1]); i1 += p.stride[1])
                for (int i2 = p.start[2]; inRange(i2, p.stop[2], p.stride[2]); i2 += p.stride[2])
                    for (int i3 = p.start[3]; inRange(i3, p.stop[3], p.stride[3]); i3 += p.stride[3])
                        for (int i4 = p.start[4]; inRange(i4, p.stop[4], p.stride[4]); i4 += p.stride[4])
                            idx[n++] = (((i0 * sh[1] + i1) * sh[2] + i2) * sh[3] + i3) * sh[4] + i4;
        return n == count ? idx : Arrays.copyOf(idx, n);
    }

    /** How many indices the loop along axis {@code a} visits. */
    private static int extent(Params p, int a) {
        int st = p.stride[a];
        int span = p.stop[a] - p.start[a];
        if (st > 0) return span <= 0 ? 0 : (span + st - 1) / st;
        return span >= 0 ? 0 : (-span + (-st) - 1) / (-st);
    }

    public static void run(short[] input, short[] out, Params p) {
        int[] idx = indices(p);
        if (idx.length != out.length) {
            throw new IllegalArgumentException("the slice selects " + idx.length + " elements but the output holds " + out.length);
        }
        for (int i = 0; i < idx.length; i++) out[i] = input[idx[i]];
    }
}
