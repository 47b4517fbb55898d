package org.tinyfit.memory;

import java.util.Arrays;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;

/** An execution order: node ids of a graph, each once, every tensor written before it is read. */
public record Schedule(int[] order) {
    public Schedule { order = order.clone(); }

    @Override public int[] order() { return order.clone(); }

    public int size() { return order.length; }

    public int node(int step) { return order[step]; }

    /** The order stored in the model (what TFLite Micro runs). */
    public static Schedule stored(Graph g) {
        int[] o = new int[g.nodes().size()];
        for (int i = 0; i < o.length; i++) o[i] = i;
        return new Schedule(o);
    }

    /** Throws unless this is a topological order of all of {@code g}'s nodes. */
    public void check(Graph g) {
        int n = g.nodes().size();
        if (order.length != n) throw new GraphException("the schedule lists " + order.length + " nodes, the graph has " + n);
        boolean[] done = new boolean[n];
        for (int step = 0; step < order.length; step++) {
            int id = order[step];
            if (id < 0 || id >= n || done[id]) throw new GraphException("the schedule " + Arrays.toString(order) + " is not a permutation of the nodes");
            Node node = g.node(id);
            for (int t : node.inputs()) {
                if (t < 0) continue;
                int p = g.producer(t);
                if (p >= 0 && !done[p]) throw new GraphException("the schedule runs " + node.label() + " at step " + step + " before " + g.node(p).label() + ", which writes its input");
            }
            done[id] = true;
        }
    }

    @Override public boolean equals(Object o) { return o instanceof Schedule s && Arrays.equals(order, s.order); }

    @Override public int hashCode() { return Arrays.hashCode(order); }

    @Override public String toString() { return "Schedule" + Arrays.toString(order); }
}
