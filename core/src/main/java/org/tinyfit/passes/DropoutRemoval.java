package org.tinyfit.passes;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;

/**
 * Removes every op that is the identity at inference (Dropout): whatever read its output reads its
 * input instead. Exact.
 */
public final class DropoutRemoval {
    private DropoutRemoval() {}

    public static Graph apply(Graph g) {
        int[] replace = new int[g.tensors().size()];
        for (int t = 0; t < replace.length; t++) replace[t] = t;
        List<Node> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (identityAtInference(n.op())) {
                replace[n.output(0)] = replace[n.input(0)];
                continue;
            }
            kept.add(new Node(kept.size(), n.op(), follow(n.inputs(), replace), n.outputs()));
        }
        return Renumbering.rebuild(g, g.tensors(), kept, g.inputs(), follow(g.outputs(), replace));
    }

    /** Whether {@code op} copies its input 0 to its output when not training. */
    static boolean identityAtInference(Op op) {
        return switch (op) {
            case Op.Dropout d -> true;
            case Op.Conv2D c -> false;
            case Op.DepthwiseConv2D d -> false;
            case Op.TransposeConv t -> false;
            case Op.FullyConnected f -> false;
            case Op.Pool2D p -> false;
            case Op.Add a -> false;
            case Op.Sub s -> false;
            case Op.Mul m -> false;
            case Op.Concat c -> false;
            case Op.Reshape r -> false;
            case Op.Softmax s -> false;
            case Op.Relu r -> false;
            case Op.Relu6 r -> false;
            case Op.Logistic l -> false;
            case Op.Tanh t -> false;
            case Op.LeakyRelu l -> false;
            case Op.Pad p -> false;
            case Op.Mean m -> false;
            case Op.Quantize q -> false;
            case Op.Dequantize d -> false;
            case Op.BatchNorm b -> false;
            case Op.StridedSlice s -> false;
            case Op.Transpose t -> false;
            case Op.Resize r -> false;
            case Op.Svdf s -> false;
            case Op.UnidirectionalSequenceLstm s -> false;
            case Op.BidirectionalSequenceLstm s -> false;
            case Op.Opaque o -> false;
        };
    }

    private static int[] follow(int[] ids, int[] replace) {
        int[] r = new int[ids.length];
        for (int i = 0; i < ids.length; i++) r[i] = ids[i] < 0 ? -1 : replace[ids[i]];
        return r;
    }
}
