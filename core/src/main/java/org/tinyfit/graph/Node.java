package org.tinyfit.graph;

import java.util.Arrays;

/**
 * One operator application: {@code op} reads the tensors in {@code inputs} and writes those in
 * {@code outputs} (tensor ids; {@code -1} marks an absent optional input).
 */
public record Node(int id, Op op, int[] inputs, int[] outputs) {
    public Node {
        inputs = inputs.clone();
        outputs = outputs.clone();
    }

    @Override public int[] inputs() { return inputs.clone(); }

    @Override public int[] outputs() { return outputs.clone(); }

    public int input(int i) { return i < inputs.length ? inputs[i] : -1; }

    public int output(int i) { return outputs[i]; }

    public int inputCount() { return inputs.length; }

    public int outputCount() { return outputs.length; }

    public boolean hasInput(int i) { return i < inputs.length && inputs[i] >= 0; }

    public Node withId(int newId) { return new Node(newId, op, inputs, outputs); }

    /** "node 7 (CONV_2D)": how errors name a node. */
    public String label() { return "node " + id + " (" + op.kind() + ")"; }

    @Override public boolean equals(Object o) {
        return o instanceof Node n && id == n.id && op.equals(n.op) && Arrays.equals(inputs, n.inputs) && Arrays.equals(outputs, n.outputs);
    }

    @Override public int hashCode() { return id * 31 + op.hashCode(); }

    @Override public String toString() { return label() + " in=" + Arrays.toString(inputs) + " out=" + Arrays.toString(outputs); }
}
