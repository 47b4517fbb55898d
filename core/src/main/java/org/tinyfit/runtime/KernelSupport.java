package org.tinyfit.runtime;

import java.util.Arrays;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/** What kernels share while preparing: typed access to a node's tensors, checks that name the node. */
public final class KernelSupport {
    private KernelSupport() {}

    /** A {@link GraphException} "node 7 (CONV_2D): message". */
    public static GraphException fail(Node node, String message) {
        return new GraphException(node.label() + ": " + message);
    }

    /** Input {@code i} of {@code node}; throws if absent. */
    public static Tensor input(Graph g, Node node, int i, String what) {
        if (!node.hasInput(i)) throw fail(node, "input " + i + " (" + what + ") is missing");
        return g.tensor(node.input(i));
    }

    /** Input {@code i}, or null when the optional input is absent. */
    public static Tensor optionalInput(Graph g, Node node, int i) {
        return node.hasInput(i) ? g.tensor(node.input(i)) : null;
    }

    public static Tensor output(Graph g, Node node, int i) {
        if (i >= node.outputCount()) throw fail(node, "output " + i + " is missing");
        return g.tensor(node.output(i));
    }

    public static void requireDType(Node node, Tensor t, String what, DType... allowed) {
        for (DType d : allowed) if (t.dtype() == d) return;
        throw fail(node, what + " (tensor " + t.id() + ") is " + t.dtype().lower() + ", expected " + describe(allowed));
    }

    private static String describe(DType[] ds) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ds.length; i++) b.append(i == 0 ? "" : i == ds.length - 1 ? " or " : ", ").append(ds[i].lower());
        return b.toString();
    }

    public static void requireRank(Node node, Tensor t, String what, int rank) {
        if (t.shape().rank() != rank) throw fail(node, what + " has shape " + t.shape() + ", expected rank " + rank);
    }

    public static void requireConstant(Node node, Tensor t, String what) {
        if (!t.isConstant()) throw fail(node, what + " (tensor " + t.id() + ") must be a constant");
    }

    /** A constant int32 (or int64) tensor's values. */
    public static int[] ints(Node node, Tensor t, String what) {
        requireConstant(node, t, what);
        if (t.dtype() != DType.I32 && t.dtype() != DType.I64) throw fail(node, what + " (tensor " + t.id() + ") is " + t.dtype().lower() + ", expected i32");
        return TensorBytes.exactInts(t);
    }

    /** Row-major strides of {@code dims}. */
    public static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /**
     * For each flat index of {@code out}, the flat index of {@code in} under numpy-style broadcasting
     * (shapes aligned at the right; a dimension of 1 repeats).
     */
    public static int[] broadcastIndex(Node node, int[] in, int[] out) {
        if (in.length > out.length) throw fail(node, "input shape " + Arrays.toString(in) + " has more dimensions than the output " + Arrays.toString(out));
        int rank = out.length;
        int[] inAligned = new int[rank];
        Arrays.fill(inAligned, 1);
        System.arraycopy(in, 0, inAligned, rank - in.length, in.length);
        for (int d = 0; d < rank; d++) {
            if (inAligned[d] != out[d] && inAligned[d] != 1) {
                throw fail(node, "input shape " + Arrays.toString(in) + " does not broadcast to the output shape " + Arrays.toString(out));
            }
        }
        int[] inStrides = strides(inAligned);
        int total = 1;
        for (int d : out) total *= d;
        int[] map = new int[total];
        int[] idx = new int[rank];
        for (int flat = 0; flat < total; flat++) {
            int src = 0;
            for (int d = 0; d < rank; d++) if (inAligned[d] != 1) src += idx[d] * inStrides[d];
            map[flat] = src;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) break;
                idx[d] = 0;
            }
        }
        return map;
    }
}
