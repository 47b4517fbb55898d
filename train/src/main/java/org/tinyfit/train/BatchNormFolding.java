package org.tinyfit.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/**
 * Folds each inference-mode BatchNorm into the Conv2D, DepthwiseConv2D or FullyConnected before it
 * (with no fused activation, read by nothing else): with s = γ / √(var + ε), the filter's output
 * channel o is scaled by s[o] and the bias becomes (b − mean)·s + β. A Relu or Relu6 that then follows
 * alone is fused into the op (not Tanh: TFLite's kernels ignore a fused TANH). The result computes the same function without BatchNorm
 * nodes, ready for export; BatchNorms that do not follow such an op are left as they are.
 */
public final class BatchNormFolding {
    private BatchNormFolding() {}

    public static Graph fold(Graph g) {
        List<Tensor> tensors = new ArrayList<>(g.tensors());
        List<Node> nodes = new ArrayList<>(g.nodes());
        boolean[] dropped = new boolean[nodes.size()];
        for (Node bn : g.nodes()) {
            if (!(bn.op() instanceof Op.BatchNorm b)) continue;
            int producer = g.producer(bn.input(0));
            if (producer < 0 || g.consumers(bn.input(0)).length != 1 || g.isGraphOutput(bn.input(0))) continue;
            Node conv = nodes.get(producer);
            int channelAxis;
            switch (conv.op()) {
                case Op.Conv2D c when c.act() == Op.Act.NONE -> channelAxis = 0;
                case Op.DepthwiseConv2D d when d.act() == Op.Act.NONE -> channelAxis = 3;
                case Op.FullyConnected f when f.act() == Op.Act.NONE -> channelAxis = 0;
                default -> { continue; }
            }
            if (!g.tensor(conv.input(1)).isConstant() || (conv.hasInput(2) && !g.tensor(conv.input(2)).isConstant())) continue;
            float[] gamma = TensorBytes.floats(g.tensor(bn.input(1))), beta = TensorBytes.floats(g.tensor(bn.input(2)));
            float[] mean = TensorBytes.floats(g.tensor(bn.input(3))), var = TensorBytes.floats(g.tensor(bn.input(4)));
            int ch = gamma.length;
            float[] scale = new float[ch];
            for (int o = 0; o < ch; o++) scale[o] = (float) (gamma[o] / Math.sqrt((double) var[o] + b.epsilon()));
            Tensor wt = tensors.get(conv.input(1));
            float[] w = TensorBytes.floats(wt);
            int[] dims = wt.shape().dims();
            if (channelAxis == 0) {
                int per = w.length / dims[0];
                for (int i = 0; i < w.length; i++) w[i] *= scale[i / per];
            } else {
                for (int i = 0; i < w.length; i++) w[i] *= scale[i % ch];
            }
            float[] bias = conv.hasInput(2) ? TensorBytes.floats(tensors.get(conv.input(2))) : new float[ch];
            for (int o = 0; o < ch; o++) bias[o] = (bias[o] - mean[o]) * scale[o] + beta[o];
            int wId = tensors.size();
            tensors.add(Tensor.constant(wId, wt.name(), DType.F32, wt.shape(), null, TensorBytes.ofFloats(w)));
            int bId = tensors.size();
            tensors.add(Tensor.constant(bId, conv.hasInput(2) ? tensors.get(conv.input(2)).name() : wt.name() + "/bias", DType.F32, Shape.of(ch), null, TensorBytes.ofFloats(bias)));
            int out = bn.output(0);
            Op.Act act = Op.Act.NONE;
            int[] after = g.consumers(out);
            if (after.length == 1 && !g.isGraphOutput(out)) {
                Node next = g.node(after[0]);
                act = switch (next.op()) {
                    case Op.Relu r -> Op.Act.RELU;
                    case Op.Relu6 r -> Op.Act.RELU6;
                    default -> Op.Act.NONE;
                };
                if (act != Op.Act.NONE) {
                    dropped[next.id()] = true;
                    out = next.output(0);
                }
            }
            Op op = switch (conv.op()) {
                case Op.Conv2D c -> new Op.Conv2D(c.padding(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), act);
                case Op.DepthwiseConv2D d -> new Op.DepthwiseConv2D(d.padding(), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.depthMultiplier(), act);
                case Op.FullyConnected f -> new Op.FullyConnected(act, f.keepNumDims());
                default -> throw new IllegalStateException("checked above");
            };
            nodes.set(conv.id(), new Node(conv.id(), op, new int[] {conv.input(0), wId, bId}, new int[] {out}));
            dropped[bn.id()] = true;
        }
        return compact(g, tensors, nodes, dropped);
    }

    /** Drops the nodes marked and every tensor no remaining node, input or output refers to; renumbers. */
    private static Graph compact(Graph g, List<Tensor> tensors, List<Node> nodes, boolean[] dropped) {
        boolean[] used = new boolean[tensors.size()];
        for (int t : g.inputs()) used[t] = true;
        for (int t : g.outputs()) used[t] = true;
        for (int i = 0; i < nodes.size(); i++) {
            if (dropped[i]) continue;
            for (int t : nodes.get(i).inputs()) if (t >= 0) used[t] = true;
            for (int t : nodes.get(i).outputs()) used[t] = true;
        }
        int[] newId = new int[tensors.size()];
        List<Tensor> ts = new ArrayList<>();
        for (int t = 0; t < tensors.size(); t++) {
            newId[t] = used[t] ? ts.size() : -1;
            if (used[t]) ts.add(tensors.get(t).withId(ts.size()));
        }
        List<Node> ns = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (dropped[i]) continue;
            Node n = nodes.get(i);
            ns.add(new Node(ns.size(), n.op(), Arrays.stream(n.inputs()).map(t -> t < 0 ? -1 : newId[t]).toArray(),
                    Arrays.stream(n.outputs()).map(t -> newId[t]).toArray()));
        }
        return new Graph(g.name(), ts, ns, Arrays.stream(g.inputs()).map(t -> newId[t]).toArray(),
                Arrays.stream(g.outputs()).map(t -> newId[t]).toArray(), g.metadata());
    }
}
