package org.tinyfit.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one model representation of tinyfit: tensors, nodes in a stored order, graph inputs and
 * outputs. Immutable. A tensor's id is its index in {@link #tensors()}, a node's id its index in
 * {@link #nodes()} (the stored order). Construction checks the structure — indices in range, one
 * producer per tensor, a stored order in which every tensor is written before it is read, no cycle —
 * and rejects a bad graph with a message that names the node.
 */
public final class Graph {
    private final String name;
    private final List<Tensor> tensors;
    private final List<Node> nodes;
    private final int[] inputs;
    private final int[] outputs;
    private final Map<String, String> metadata;
    private final int[] producer;
    private final int[][] consumers;

    public Graph(String name, List<Tensor> tensors, List<Node> nodes, int[] inputs, int[] outputs, Map<String, String> metadata) {
        this.name = name == null ? "graph" : name;
        this.tensors = List.copyOf(tensors);
        this.nodes = List.copyOf(nodes);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
        this.producer = new int[this.tensors.size()];
        Arrays.fill(producer, -1);
        int[] useCount = new int[this.tensors.size()];
        checkStructure(useCount);
        this.consumers = new int[this.tensors.size()][];
        for (int t = 0; t < consumers.length; t++) consumers[t] = new int[useCount[t]];
        int[] fill = new int[this.tensors.size()];
        for (Node n : this.nodes) {
            for (int t : distinct(n.inputs())) if (t >= 0) consumers[t][fill[t]++] = n.id();
        }
        checkOrder();
    }

    public Graph(String name, List<Tensor> tensors, List<Node> nodes, int[] inputs, int[] outputs) {
        this(name, tensors, nodes, inputs, outputs, Map.of());
    }

    private static int[] distinct(int[] a) { return Arrays.stream(a).distinct().toArray(); }

    private void checkStructure(int[] useCount) {
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i) == null) throw new GraphException("tensor " + i + " is missing");
            if (tensors.get(i).id() != i) throw new GraphException("tensor at index " + i + " has id " + tensors.get(i).id());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n == null) throw new GraphException("node " + i + " is missing");
            if (n.id() != i) throw new GraphException("node at index " + i + " has id " + n.id());
            int[] ins = n.inputs();
            for (int k = 0; k < ins.length; k++) {
                if (ins[k] < -1 || ins[k] >= tensors.size()) {
                    throw new GraphException(n.label() + ": input " + k + " refers to tensor " + ins[k] + ", but the graph has tensors 0.." + (tensors.size() - 1));
                }
            }
            for (int t : distinct(ins)) if (t >= 0) useCount[t]++;
            int[] outs = n.outputs();
            if (outs.length == 0) throw new GraphException(n.label() + " has no output");
            for (int k = 0; k < outs.length; k++) {
                int t = outs[k];
                if (t < 0 || t >= tensors.size()) {
                    throw new GraphException(n.label() + ": output " + k + " refers to tensor " + t + ", but the graph has tensors 0.." + (tensors.size() - 1));
                }
                if (producer[t] >= 0) {
                    throw new GraphException(n.label() + ": output " + k + " is tensor " + t + " (" + tensors.get(t).name() + "), which " + nodes.get(producer[t]).label() + " also writes");
                }
                if (tensors.get(t).isConstant()) {
                    throw new GraphException(n.label() + ": output " + k + " is tensor " + t + " (" + tensors.get(t).name() + "), which is a constant");
                }
                producer[t] = i;
            }
        }
        for (int k = 0; k < inputs.length; k++) {
            int t = inputs[k];
            if (t < 0 || t >= tensors.size()) throw new GraphException("graph input " + k + " refers to tensor " + t + ", but the graph has tensors 0.." + (tensors.size() - 1));
            if (producer[t] >= 0) throw new GraphException("graph input " + k + " is tensor " + t + ", which " + nodes.get(producer[t]).label() + " writes");
        }
        for (int k = 0; k < outputs.length; k++) {
            int t = outputs[k];
            if (t < 0 || t >= tensors.size()) throw new GraphException("graph output " + k + " refers to tensor " + t + ", but the graph has tensors 0.." + (tensors.size() - 1));
        }
    }

    /** Every tensor a node reads must be a constant, a graph input, a variable, or written by an earlier node. */
    private void checkOrder() {
        boolean[] isInput = new boolean[tensors.size()];
        for (int t : inputs) isInput[t] = true;
        for (Node n : nodes) {
            int[] ins = n.inputs();
            for (int k = 0; k < ins.length; k++) {
                int t = ins[k];
                if (t < 0) continue;
                Tensor tensor = tensors.get(t);
                if (tensor.isConstant() || isInput[t] || tensor.variable()) continue;
                int p = producer[t];
                if (p < 0 && n.op() instanceof Op.Opaque) continue; // an unknown op's own buffer (e.g. an NPU op's scratch): planned from its first use, as TFLite Micro does
                if (p < 0) {
                    throw new GraphException(n.label() + ": input " + k + " is tensor " + t + " (" + tensor.name()
                            + "), which no node writes and which is neither a graph input nor a constant");
                }
                if (p >= n.id()) {
                    List<Integer> cycle = findCycle();
                    if (cycle != null) {
                        StringBuilder b = new StringBuilder("the graph has a cycle of " + cycle.size() + " nodes: ");
                        for (int i = 0; i < cycle.size(); i++) {
                            if (cycle.size() > 8 && i == 4) {
                                b.append("... -> ");
                                i = cycle.size() - 3;
                            }
                            b.append(nodes.get(cycle.get(i)).label()).append(" -> ");
                        }
                        b.append(nodes.get(cycle.get(0)).label());
                        throw new GraphException(b.toString());
                    }
                    throw new GraphException(n.label() + ": input " + k + " is tensor " + t + " (" + tensor.name()
                            + "), which " + nodes.get(p).label() + " writes later in the stored order");
                }
            }
        }
        for (int k = 0; k < outputs.length; k++) {
            int t = outputs[k];
            Tensor tensor = tensors.get(t);
            if (producer[t] < 0 && !isInput[t] && !tensor.isConstant() && !tensor.variable()) {
                throw new GraphException("graph output " + k + " is tensor " + t + " (" + tensor.name() + "), which no node writes");
            }
        }
    }

    /**
     * A cycle of nodes (each writes a tensor the next reads), or null. Iterative, so deep graphs cannot
     * overflow the stack; each node's successors are computed once, so the search is linear in the edges.
     */
    private List<Integer> findCycle() {
        int n = nodes.size();
        int[] state = new int[n]; // 0 new, 1 on stack, 2 done
        int[] parent = new int[n];
        int[][] succ = new int[n][];
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);
        for (int s = 0; s < n; s++) {
            if (state[s] != 0) continue;
            ArrayList<int[]> stack = new ArrayList<>();
            stack.add(new int[] {s, 0});
            state[s] = 1;
            parent[s] = -1;
            while (!stack.isEmpty()) {
                int[] top = stack.get(stack.size() - 1);
                int v = top[0];
                if (succ[v] == null) succ[v] = successors(v, stamp);
                if (top[1] < succ[v].length) {
                    int w = succ[v][top[1]++];
                    if (state[w] == 1) {
                        ArrayList<Integer> cycle = new ArrayList<>();
                        for (int x = v; x != w && x >= 0; x = parent[x]) cycle.add(x);
                        cycle.add(w);
                        java.util.Collections.reverse(cycle);
                        return cycle;
                    }
                    if (state[w] == 0) {
                        state[w] = 1;
                        parent[w] = v;
                        stack.add(new int[] {w, 0});
                    }
                } else {
                    state[v] = 2;
                    stack.remove(stack.size() - 1);
                }
            }
        }
        return null;
    }

    /** The distinct nodes that read an output of {@code v}; {@code stamp} marks those already listed. */
    private int[] successors(int v, int[] stamp) {
        int count = 0;
        for (int t : nodes.get(v).outputs()) count += consumers[t].length;
        int[] out = new int[count];
        int k = 0;
        for (int t : nodes.get(v).outputs()) {
            for (int c : consumers[t]) {
                if (stamp[c] != v) {
                    stamp[c] = v;
                    out[k++] = c;
                }
            }
        }
        return Arrays.copyOf(out, k);
    }

    public String name() { return name; }

    public List<Tensor> tensors() { return tensors; }

    public Tensor tensor(int id) { return tensors.get(id); }

    public List<Node> nodes() { return nodes; }

    public Node node(int id) { return nodes.get(id); }

    public int[] inputs() { return inputs.clone(); }

    public int[] outputs() { return outputs.clone(); }

    public Map<String, String> metadata() { return metadata; }

    /** The node that writes tensor {@code t}, or -1 for constants, graph inputs and variables. */
    public int producer(int t) { return producer[t]; }

    /** The nodes that read tensor {@code t}, in stored order, each once. */
    public int[] consumers(int t) { return consumers[t].clone(); }

    public boolean isGraphInput(int t) { for (int i : inputs) if (i == t) return true; return false; }

    public boolean isGraphOutput(int t) { for (int o : outputs) if (o == t) return true; return false; }

    /** The same graph with its nodes in {@code order} (a permutation of node ids); ids are renumbered to the new positions. */
    public Graph reordered(int[] order) {
        if (order.length != nodes.size()) throw new GraphException("an order must list all " + nodes.size() + " nodes, this one lists " + order.length);
        boolean[] seen = new boolean[nodes.size()];
        List<Node> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < order.length; i++) {
            int id = order[i];
            if (id < 0 || id >= nodes.size() || seen[id]) throw new GraphException("the order " + Arrays.toString(order) + " is not a permutation of the nodes");
            seen[id] = true;
            out.add(nodes.get(id).withId(i));
        }
        return new Graph(name, tensors, out, inputs, outputs, metadata);
    }

    public Graph withMetadata(Map<String, String> more) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.putAll(more);
        return new Graph(name, tensors, nodes, inputs, outputs, m);
    }

    @Override public String toString() {
        return "Graph(" + name + ", " + tensors.size() + " tensors, " + nodes.size() + " nodes)";
    }
}
