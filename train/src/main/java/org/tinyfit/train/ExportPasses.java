package org.tinyfit.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;

/** Turns a trained graph into its inference form: batch norms folded into the ops before them, dropouts removed. */
public final class ExportPasses {
    private ExportPasses() {}

    public static Graph forInference(Graph trained) {
        return removeDropout(BatchNormFolding.fold(trained));
    }

    /** Dropout is the identity at inference: its readers read its input instead. */
    public static Graph removeDropout(Graph g) {
        int[] replace = new int[g.tensors().size()];
        for (int t = 0; t < replace.length; t++) replace[t] = t;
        List<Node> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.Dropout) {
                replace[n.output(0)] = replace[n.input(0)];
                continue;
            }
            kept.add(new Node(kept.size(), n.op(), Arrays.stream(n.inputs()).map(t -> t < 0 ? -1 : replace[t]).toArray(), n.outputs()));
        }
        int[] outputs = Arrays.stream(g.outputs()).map(t -> replace[t]).toArray();
        boolean[] used = new boolean[replace.length];
        for (int t : g.inputs()) used[t] = true;
        for (int t : outputs) used[t] = true;
        for (Node n : kept) {
            for (int t : n.inputs()) if (t >= 0) used[t] = true;
            for (int t : n.outputs()) used[t] = true;
        }
        int[] newId = new int[replace.length];
        List<Tensor> ts = new ArrayList<>();
        for (int t = 0; t < replace.length; t++) {
            newId[t] = used[t] ? ts.size() : -1;
            if (used[t]) ts.add(g.tensor(t).withId(ts.size()));
        }
        List<Node> ns = new ArrayList<>();
        for (Node n : kept) {
            ns.add(new Node(n.id(), n.op(), Arrays.stream(n.inputs()).map(t -> t < 0 ? -1 : newId[t]).toArray(), Arrays.stream(n.outputs()).map(t -> newId[t]).toArray()));
        }
        return new Graph(g.name(), ts, ns, Arrays.stream(g.inputs()).map(t -> newId[t]).toArray(), Arrays.stream(outputs).map(t -> newId[t]).toArray(), g.metadata());
    }
}
