package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.passes.Renumbering;

/**
 * Builds a changed copy of a graph: new tensors are appended, a run of nodes is replaced, and tensors
 * nothing refers to any more (a filter that was sliced) are dropped, with ids renumbered by {@link Renumbering}.
 */
final class GraphEdit {
    private final Graph g;
    private final List<Tensor> tensors;

    GraphEdit(Graph g) {
        this.g = g;
        this.tensors = new ArrayList<>(g.tensors());
    }

    /** A new constant holding {@code [from, to)} of tensor {@code t} along {@code axis}. */
    int slicedConstant(int t, int axis, int from, int to) {
        Tensor c = tensors.get(t);
        int[] dims = c.shape().dims();
        int outer = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        int inner = c.dtype().bytes();
        for (int i = axis + 1; i < dims.length; i++) inner *= dims[i];
        byte[] src = c.data();
        byte[] dst = new byte[outer * (to - from) * inner];
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * dims[axis] + from) * inner, dst, o * (to - from) * inner, (to - from) * inner);
        }
        dims[axis] = to - from;
        return add(new Tensor(-1, c.name() + "[" + from + ":" + to + "]", c.dtype(), new Shape(dims), slice(c.quant(), axis, from, to), dst, false));
    }

    /** A new activation like {@code t} with only {@code [from, to)} along {@code axis}. */
    int slicedActivation(int t, int axis, int from, int to, String suffix) {
        Tensor a = tensors.get(t);
        int[] dims = a.shape().dims();
        dims[axis] = to - from;
        return add(new Tensor(-1, a.name() + suffix, a.dtype(), new Shape(dims), slice(a.quant(), axis, from, to), null, false));
    }

    /** A new activation like {@code t} with {@code rows} rows (axis 1). */
    int rowsOf(int t, int rows, String suffix) {
        Tensor a = tensors.get(t);
        int[] dims = a.shape().dims();
        dims[1] = rows;
        return add(new Tensor(-1, a.name() + suffix, a.dtype(), new Shape(dims), a.quant(), null, false));
    }

    /** A new activation like {@code t}, taller by {@code rows} and wider by {@code cols}. */
    int padded(int t, int rows, int cols, String suffix) {
        Tensor a = tensors.get(t);
        int[] dims = a.shape().dims();
        dims[1] += rows;
        dims[2] += cols;
        return add(new Tensor(-1, a.name() + suffix, a.dtype(), new Shape(dims), a.quant(), null, false));
    }

    /** A new activation tensor without quantization. */
    int activation(String name, org.tinyfit.graph.DType dtype, Shape shape) {
        return add(new Tensor(-1, name, dtype, shape, null, null, false));
    }

    /** A new int32 constant. */
    int constantInts(String name, Shape shape, int... values) {
        return add(new Tensor(-1, name, org.tinyfit.graph.DType.I32, shape, null, org.tinyfit.graph.TensorBytes.ofInts(values), false));
    }

    Tensor tensorForTest(int id) { return tensors.get(id); }

    private int add(Tensor t) {
        int id = tensors.size();
        tensors.add(t.withId(id));
        return id;
    }

    static Quantization slice(Quantization q, int axis, int from, int to) {
        if (q == null || !q.perChannel() || q.axis() != axis) return q;
        long[] zps = q.zeroPoints();
        return new Quantization(Arrays.copyOfRange(q.scales(), from, to), zps.length == 1 ? zps : Arrays.copyOfRange(zps, from, to), q.axis());
    }

    /** The graph with nodes {@code first..last} (stored order) replaced by {@code replacement}; ids are reassigned. */
    Graph replaceNodes(int first, int last, List<Node> replacement) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < first; i++) nodes.add(g.node(i));
        nodes.addAll(replacement);
        for (int i = last + 1; i < g.nodes().size(); i++) nodes.add(g.node(i));
        return Renumbering.rebuild(g, tensors, nodes, g.inputs(), g.outputs());
    }
}
