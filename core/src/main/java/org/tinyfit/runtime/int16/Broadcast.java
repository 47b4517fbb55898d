package org.tinyfit.runtime.int16;

import java.util.Arrays;

/**
 * NumPy-style broadcasting of two shapes, as TFLite's binary kernels do it: shapes are aligned at
 * their last dimension, a missing leading dimension counts as 1, and a dimension of 1 repeats.
 * {@link #indexA(int)} and {@link #indexB(int)} map an output element (row-major) to the element of
 * each input it reads.
 */
final class Broadcast {
    private final int[] outDims;
    private final int[] stridesA;
    private final int[] stridesB;

    private Broadcast(int[] outDims, int[] stridesA, int[] stridesB) {
        this.outDims = outDims;
        this.stridesA = stridesA;
        this.stridesB = stridesB;
    }

    /** The broadcast of {@code a} and {@code b}; fails when a dimension differs and neither is 1. */
    static Broadcast of(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] ea = extend(a, rank);
        int[] eb = extend(b, rank);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (ea[i] != eb[i] && ea[i] != 1 && eb[i] != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast: dimension " + i + " is " + ea[i] + " vs " + eb[i]);
            }
            out[i] = ea[i] == 1 ? eb[i] : ea[i];
        }
        return new Broadcast(out, strides(ea), strides(eb));
    }

    /** The shape the two inputs broadcast to. */
    int[] outputShape() { return outDims.clone(); }

    int outputElements() {
        int n = 1;
        for (int d : outDims) n *= d;
        return n;
    }

    /** Fills {@code idxA} and {@code idxB} with the input element each output element reads. */
    void indices(int[] idxA, int[] idxB) {
        int rank = outDims.length;
        int[] pos = new int[rank];
        int n = outputElements();
        int ia = 0;
        int ib = 0;
        for (int o = 0; o < n; o++) {
            idxA[o] = ia;
            idxB[o] = ib;
            for (int d = rank - 1; d >= 0; d--) {
                pos[d]++;
                ia += stridesA[d];
                ib += stridesB[d];
                if (pos[d] < outDims[d]) break;
                ia -= stridesA[d] * outDims[d];
                ib -= stridesB[d] * outDims[d];
                pos[d] = 0;
            }
        }
    }

    private static int[] extend(int[] dims, int rank) {
        int[] e = new int[rank];
        Arrays.fill(e, 1);
        System.arraycopy(dims, 0, e, rank - dims.length, dims.length);
        return e;
    }

    /** Row-major strides, 0 for a broadcast (size 1) dimension. */
    private static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = dims[i] == 1 ? 0 : stride;
            stride *= dims[i];
        }
        return s;
    }
}
