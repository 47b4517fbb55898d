package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * TRANSPOSE with a constant permutation: output axis i is input axis perm[i]. It only moves elements,
 * so it runs on any element type (TFLite Micro: float32, int8, int16; up to 5 dimensions, as here).
 */
public final class TransposeKernel implements Kernel {
    /** TFLite Micro's limit. */
    public static final int MAX_DIMS = 5;

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor permT = KernelSupport.input(g, node, 1, "perm");
        KernelSupport.requireConstant(node, permT, "perm");
        int[] perm = KernelSupport.ints(node, permT, "perm");
        Tensor out = KernelSupport.output(g, node, 0);
        int rank = in.shape().rank();
        if (rank > MAX_DIMS) throw fail(node, "input 0 has rank " + rank + "; TRANSPOSE takes at most " + MAX_DIMS);
        if (in.dtype() != out.dtype()) throw fail(node, "input 0 is " + in.dtype().lower() + ", the output " + out.dtype().lower());
        if (perm.length != rank) throw fail(node, "perm has " + perm.length + " values for an input of rank " + rank);
        int[] inDims = in.shape().dims();
        int[] inStrides = KernelSupport.strides(inDims);
        // The input stride to take along each output axis, and the output's dims.
        int[] step = new int[rank], dims = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            if (perm[i] < 0 || perm[i] >= rank || seen[perm[i]]) throw fail(node, "perm is not a permutation of " + rank + " axes");
            seen[perm[i]] = true;
            step[i] = inStrides[perm[i]];
            dims[i] = inDims[perm[i]];
            if (dims[i] != out.shape().dim(i)) throw fail(node, "the output " + out.shape() + " does not match the permuted input " + in.shape());
        }
        int elem = in.dtype().bytes();
        int count = out.shape().elements();
        int ti = in.id(), to = out.id();
        return a -> {
            byte[] src = a.array(ti), dst = a.array(to);
            int srcBase = a.offset(ti), pos = a.offset(to);
            if (count == 0) return;
            int[] idx = new int[rank];
            int from = 0;
            for (int k = 0; k < count; k++) {
                System.arraycopy(src, srcBase + from * elem, dst, pos, elem);
                pos += elem;
                // advance the output index, last axis fastest
                for (int ax = rank - 1; ax >= 0; ax--) {
                    from += step[ax];
                    if (++idx[ax] < dims[ax]) break;
                    from -= step[ax] * dims[ax];
                    idx[ax] = 0;
                }
            }
        };
    }
}
