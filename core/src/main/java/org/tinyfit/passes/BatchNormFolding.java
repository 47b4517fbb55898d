package org.tinyfit.passes;

import java.util.ArrayList;
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
 * (float32, constant filter and bias, no fused activation, its output read by the BatchNorm alone):
 * with s = γ / √(var + ε), the filter's output channel o is scaled by s[o] and the bias becomes
 * (b − mean)·s + β. A ReLU or ReLU6 that then follows alone is fused into the op. The result computes
 * the same function (up to float rounding) without those BatchNorm nodes; a BatchNorm that does not
 * follow such an op is left as it is.
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
            int channelAxis = outputChannelAxis(conv.op());
            if (channelAxis < 0 || !isFloatConstant(g, conv.input(1)) || (conv.hasInput(2) && !isFloatConstant(g, conv.input(2)))) continue;
            if (!isFloatConstant(g, bn.input(1)) || !isFloatConstant(g, bn.input(2)) || !isFloatConstant(g, bn.input(3)) || !isFloatConstant(g, bn.input(4))) continue;
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
                act = FusedActivations.asFused(next.op());
                if (act != Op.Act.NONE) {
                    dropped[next.id()] = true;
                    out = next.output(0);
                }
            }
            nodes.set(conv.id(), new Node(conv.id(), FusedActivations.with(conv.op(), act), new int[] {conv.input(0), wId, bId}, new int[] {out}));
            dropped[bn.id()] = true;
        }
        List<Node> kept = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) if (!dropped[i]) kept.add(nodes.get(i));
        return Renumbering.rebuild(g, tensors, kept, g.inputs(), g.outputs());
    }

    /**
     * The filter axis that holds output channels when a BatchNorm after {@code op} can fold into it
     * (0 for Conv2D and FullyConnected, 3 for DepthwiseConv2D, each without a fused activation); -1 otherwise.
     */
    static int outputChannelAxis(Op op) {
        return switch (op) {
            case Op.Conv2D c -> c.act() == Op.Act.NONE ? 0 : -1;
            case Op.DepthwiseConv2D d -> d.act() == Op.Act.NONE ? 3 : -1;
            case Op.FullyConnected f -> f.act() == Op.Act.NONE ? 0 : -1;
            case Op.TransposeConv t -> -1;
            case Op.Pool2D p -> -1;
            case Op.Add a -> -1;
            case Op.Sub s -> -1;
            case Op.Mul m -> -1;
            case Op.Concat c -> -1;
            case Op.Reshape r -> -1;
            case Op.Softmax s -> -1;
            case Op.Relu r -> -1;
            case Op.Relu6 r -> -1;
            case Op.Logistic l -> -1;
            case Op.Tanh t -> -1;
            case Op.LeakyRelu l -> -1;
            case Op.Pad p -> -1;
            case Op.Mean m -> -1;
            case Op.Quantize q -> -1;
            case Op.Dequantize d -> -1;
            case Op.BatchNorm b -> -1;
            case Op.Dropout d -> -1;
            case Op.StridedSlice s -> -1;
            case Op.Transpose t -> -1;
            case Op.Resize r -> -1;
            case Op.Svdf s -> -1;
            case Op.UnidirectionalSequenceLstm s -> -1;
            case Op.BidirectionalSequenceLstm s -> -1;
            case Op.Opaque o -> -1;
        };
    }

    private static boolean isFloatConstant(Graph g, int t) {
        return t >= 0 && g.tensor(t).isConstant() && g.tensor(t).dtype() == DType.F32;
    }
}
