package org.tinyfit.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph} in code: add inputs and constants, then nodes; each node's output shape is
 * inferred from its inputs.
 *
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder("net");
 * int x = b.input("x", DType.F32, 1, 28, 28, 1);
 * int w = b.constant("w", DType.F32, Shape.of(8, 3, 3, 1), new byte[8 * 9 * 4]);
 * int y = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "conv", x, w);
 * Graph g = b.output(y).build();
 * }</pre>
 */
public final class GraphBuilder {
    private final String name;
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Integer> inputs = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public GraphBuilder(String name) { this.name = name; }

    public int input(String tensorName, DType dtype, int... dims) {
        int id = tensors.size();
        tensors.add(Tensor.activation(id, tensorName, dtype, new Shape(dims), null));
        inputs.add(id);
        return id;
    }

    public int input(String tensorName, DType dtype, Quantization q, int... dims) {
        int id = input(tensorName, dtype, dims);
        tensors.set(id, tensors.get(id).withQuant(q));
        return id;
    }

    public int constant(String tensorName, DType dtype, Shape shape, byte[] data) {
        return constant(tensorName, dtype, shape, null, data);
    }

    public int constant(String tensorName, DType dtype, Shape shape, Quantization q, byte[] data) {
        int id = tensors.size();
        tensors.add(Tensor.constant(id, tensorName, dtype, shape, q, data));
        return id;
    }

    /** Adds a tensor as it is (id is reassigned); for readers and passes that know every field. */
    public int tensor(Tensor t) {
        int id = tensors.size();
        tensors.add(t.withId(id));
        return id;
    }

    /** Adds a node with one output whose dtype is that of input 0 and whose shape is inferred. */
    public int node(Op op, String outName, int... ins) {
        return node(op, outName, null, null, ins);
    }

    /** Adds a node with one output of the given dtype and quantization (null: as input 0). */
    public int node(Op op, String outName, DType dtype, Quantization q, int... ins) {
        int out = tensors.size();
        Node n = new Node(nodes.size(), op, ins, new int[] {out});
        for (int i : ins) {
            if (i < -1 || i >= tensors.size()) throw new GraphException(n.label() + ": input refers to tensor " + i + ", which does not exist yet");
        }
        Shape[] shapes = ShapeInference.infer(n, i -> n.hasInput(i) ? tensors.get(n.input(i)) : null);
        if (shapes[0] == null) throw new GraphException(n.label() + ": output shape cannot be inferred; use node(op, outputShape, ...)");
        Tensor first = tensors.get(firstInput(ins));
        tensors.add(Tensor.activation(out, outName, dtype == null ? first.dtype() : dtype, shapes[0], q == null && dtype == null ? first.quant() : q));
        nodes.add(n);
        return out;
    }

    /** Adds a node with one output of a declared shape (for ops whose shape depends on run-time data). */
    public int nodeWithShape(Op op, String outName, DType dtype, Shape shape, Quantization q, int... ins) {
        int out = tensors.size();
        tensors.add(Tensor.activation(out, outName, dtype, shape, q));
        nodes.add(new Node(nodes.size(), op, ins, new int[] {out}));
        return out;
    }

    private int firstInput(int[] ins) {
        for (int i : ins) if (i >= 0 && !tensors.get(i).isConstant()) return i;
        return ins[0];
    }

    public GraphBuilder output(int... ids) {
        for (int id : ids) outputs.add(id);
        return this;
    }

    public GraphBuilder meta(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public Tensor tensorAt(int id) { return tensors.get(id); }

    public Graph build() {
        Graph g = new Graph(name, tensors, nodes, inputs.stream().mapToInt(Integer::intValue).toArray(),
                outputs.stream().mapToInt(Integer::intValue).toArray(), metadata);
        ShapeInference.check(g);
        return g;
    }
}
