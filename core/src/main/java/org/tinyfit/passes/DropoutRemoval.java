package org.tinyfit.passes;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;

/** Removes every Dropout, the identity at inference: whatever read its output reads its input instead. Exact. */
public final class DropoutRemoval {
    private DropoutRemoval() {}

    public static Graph apply(Graph g) {
        int[] replace = new int[g.tensors().size()];
        for (int t = 0; t < replace.length; t++) replace[t] = t;
        List<Node> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.Dropout) {
                replace[n.output(0)] = replace[n.input(0)];
                continue;
            }
            kept.add(new Node(kept.size(), n.op(), follow(n.inputs(), replace), n.outputs()));
        }
        return Renumbering.rebuild(g, g.tensors(), kept, g.inputs(), follow(g.outputs(), replace));
    }

    private static int[] follow(int[] ids, int[] replace) {
        int[] r = new int[ids.length];
        for (int i = 0; i < ids.length; i++) r[i] = ids[i] < 0 ? -1 : replace[ids[i]];
        return r;
    }
}
