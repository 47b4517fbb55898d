package org.tinyfit.onnx;

/**
 * Index arithmetic for moving ONNX's NCHW values into tinyfit's NHWC order: permutations of
 * dimensions and of constant data.
 */
final class Layouts {
    private Layouts() {}

    /** NCHW to NHWC: tinyfit dimension i is ONNX dimension NHWC[i]. */
    static final int[] NHWC = {0, 2, 3, 1};

    /** The dimensions in a permuted order: {@code out[i] = dims[perm[i]]}; identity when {@code perm} is null. */
    static int[] permute(int[] dims, int[] perm) {
        if (perm == null) return dims.clone();
        int[] out = new int[perm.length];
        for (int i = 0; i < perm.length; i++) out[i] = dims[perm[i]];
        return out;
    }

    /** Where ONNX axis {@code axis} (non-negative) sits in the permuted order. */
    static int position(int[] perm, int axis) {
        if (perm == null) return axis;
        for (int i = 0; i < perm.length; i++) if (perm[i] == axis) return i;
        throw new IllegalArgumentException("axis " + axis + " is not in the permutation");
    }

    /** Row-major data of shape {@code dims} rearranged to shape {@code permute(dims, perm)}. */
    static double[] transpose(double[] data, int[] dims, int[] perm) {
        if (perm == null || isIdentity(perm)) return data.clone();
        int rank = dims.length;
        int[] outDims = permute(dims, perm);
        int[] inStrides = org.tinyfit.runtime.KernelSupport.strides(dims);
        int[] strideOfOut = new int[rank];
        for (int i = 0; i < rank; i++) strideOfOut[i] = inStrides[perm[i]];
        double[] out = new double[data.length];
        int[] idx = new int[rank];
        for (int flat = 0; flat < out.length; flat++) {
            int src = 0;
            for (int d = 0; d < rank; d++) src += idx[d] * strideOfOut[d];
            out[flat] = data[src];
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < outDims[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    static boolean isIdentity(int[] perm) {
        if (perm == null) return true;
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

    /**
     * Whether data in the permuted order is already in ONNX's row-major order: the dimensions larger
     * than 1 keep their relative order (e.g. NCHW [1,8,1,1] stored as NHWC [1,1,1,8]).
     */
    static boolean sameOrder(int[] dims, int[] perm) {
        if (perm == null) return true;
        int last = -1;
        for (int p : perm) {
            if (dims[p] == 1) continue;
            if (p < last) return false;
            last = p;
        }
        return true;
    }

    /** {@code dims} with leading 1s to reach {@code rank} (numpy broadcasting aligns at the right). */
    static int[] leftPad(int[] dims, int rank) {
        if (dims.length >= rank) return dims.clone();
        int[] out = new int[rank];
        java.util.Arrays.fill(out, 1);
        System.arraycopy(dims, 0, out, rank - dims.length, dims.length);
        return out;
    }

    static long product(int[] dims, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
        return n;
    }
}
