package org.tinyfit.passes;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/**
 * Prune and renumber, the last step of every rewrite: the nodes are kept in the order given and
 * numbered from 0; every tensor that no node, graph input or graph output refers to is dropped; the
 * tensors kept are numbered from 0 in their old order, and every reference follows them.
 */
public final class Renumbering {
    private Renumbering() {}

    /** {@code g} without the tensors nothing refers to (a constant no node reads any more, say); exact. */
    public static Graph pruned(Graph g) {
        return rebuild(g, g.tensors(), g.nodes(), g.inputs(), g.outputs());
    }

    /**
     * A graph named and described like {@code like}, over {@code tensors} (a tensor's id is its index in
     * the list), with {@code nodes} in this order (their ids are ignored), and the given inputs and
     * outputs; then pruned and renumbered. The list may hold tensors a rewrite made and then left unread.
     */
    public static Graph rebuild(Graph like, List<Tensor> tensors, List<Node> nodes, int[] inputs, int[] outputs) {
        boolean[] used = new boolean[tensors.size()];
        for (int t : inputs) used[t] = true;
        for (int t : outputs) used[t] = true;
        for (Node n : nodes) {
            for (int t : n.inputs()) if (t >= 0) used[t] = true;
            for (int t : n.outputs()) used[t] = true;
        }
        int[] newId = new int[tensors.size()];
        List<Tensor> kept = new ArrayList<>();
        for (int t = 0; t < tensors.size(); t++) {
            newId[t] = used[t] ? kept.size() : -1;
            if (used[t]) kept.add(tensors.get(t).withId(kept.size()));
        }
        List<Node> renumbered = new ArrayList<>(nodes.size());
        for (Node n : nodes) renumbered.add(new Node(renumbered.size(), n.op(), remap(n.inputs(), newId), remap(n.outputs(), newId)));
        return new Graph(like.name(), kept, renumbered, remap(inputs, newId), remap(outputs, newId), like.metadata());
    }

    private static int[] remap(int[] ids, int[] newId) {
        int[] r = new int[ids.length];
        for (int i = 0; i < ids.length; i++) r[i] = ids[i] < 0 ? -1 : newId[ids[i]];
        return r;
    }
}
