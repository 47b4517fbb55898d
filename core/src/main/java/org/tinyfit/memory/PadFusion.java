package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.passes.Renumbering;

/**
 * PAD fused into the convolution that reads it: the TFLite converter writes an explicit PAD before a
 * strided layer followed by a VALID convolution; when the PAD adds exactly the border SAME padding
 * would add, with the value SAME padding reads (the zero point of an int8 tensor whose quantization
 * the PAD keeps, or 0.0 for float), the pair is one SAME convolution. The padded tensor, larger than
 * its input, is then never written: the convolution reads a virtual border. Results are bit-exact
 * (the padded bytes are the ones the convolution's implicit padding stands for), and no MAC changes.
 */
public final class PadFusion {
    private PadFusion() {}

    /** {@code g} with every fusable PAD folded into its convolution; {@code g} itself when there is none. */
    public static Graph apply(Graph g) {
        List<Node> nodes = new ArrayList<>();
        boolean changed = false;
        boolean[] dropped = new boolean[g.nodes().size()];
        Node[] replaced = new Node[g.nodes().size()];
        for (Node n : g.nodes()) {
            int consumer = fusableConsumer(g, n);
            if (consumer < 0) continue;
            Node c = g.node(consumer);
            int[] ins = c.inputs();
            ins[0] = n.input(0);
            replaced[consumer] = new Node(c.id(), same(c.op()), ins, c.outputs());
            dropped[n.id()] = true;
            changed = true;
        }
        if (!changed) return g;
        for (Node n : g.nodes()) {
            if (dropped[n.id()]) continue;
            nodes.add(replaced[n.id()] != null ? replaced[n.id()] : n);
        }
        Graph out = Renumbering.rebuild(g, new ArrayList<>(g.tensors()), nodes, g.inputs(), g.outputs());
        ShapeInference.check(out);
        return out;
    }

    /** The id of the VALID convolution that PAD {@code n} can be folded into, or -1. */
    static int fusableConsumer(Graph g, Node n) {
        if (!(n.op() instanceof Op.Pad) || n.inputCount() != 2 || n.outputCount() != 1) return -1;
        Tensor in = g.tensor(n.input(0)), pads = g.tensor(n.input(1)), out = g.tensor(n.output(0));
        if (!pads.isConstant() || in.shape().rank() != 4 || out.shape().rank() != 4 || in.dtype() != out.dtype()) return -1;
        if (!Objects.equals(in.quant(), out.quant()) || g.isGraphOutput(out.id()) || g.isGraphInput(out.id())) return -1;
        int[] cons = g.consumers(out.id());
        if (cons.length != 1) return -1;
        Node c = g.node(cons[0]);
        if (c.input(0) != out.id() || !c.hasInput(1) || !g.tensor(c.input(1)).isConstant()) return -1;
        for (int k = 1; k < c.inputCount(); k++) if (c.input(k) == out.id()) return -1;
        int[] p = TensorBytes.constInts(pads);
        if (p.length != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) return -1;
        Shape w = g.tensor(c.input(1)).shape();
        Shape x = in.shape();
        return switch (c.op()) {
            case Op.Conv2D cv -> cv.padding() == Op.Padding.VALID
                    && samePads(x, w.dim(1), w.dim(2), cv.strideH(), cv.strideW(), cv.dilationH(), cv.dilationW(), p) ? c.id() : -1;
            case Op.DepthwiseConv2D d -> d.padding() == Op.Padding.VALID
                    && samePads(x, w.dim(1), w.dim(2), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), p) ? c.id() : -1;
            // Pooling's SAME padding is not a border of zero-point values (average pooling leaves it out
            // of the count, max pooling ignores it); the rest have no implicit padding.
            case Op.Pool2D pl -> -1;
            case Op.TransposeConv t -> -1;
            case Op.FullyConnected f -> -1;
            case Op.Add a -> -1;
            case Op.Sub s -> -1;
            case Op.Mul m -> -1;
            case Op.Concat cc -> -1;
            case Op.Reshape r -> -1;
            case Op.Softmax s -> -1;
            case Op.Relu r -> -1;
            case Op.Relu6 r -> -1;
            case Op.Logistic l -> -1;
            case Op.Tanh t -> -1;
            case Op.LeakyRelu l -> -1;
            case Op.Pad pd -> -1;
            case Op.Mean m -> -1;
            case Op.Quantize q -> -1;
            case Op.Dequantize dq -> -1;
            case Op.BatchNorm b -> -1;
            case Op.Dropout dr -> -1;
            case Op.StridedSlice s -> -1;
            case Op.Transpose t -> -1;
            case Op.Resize r -> -1;
            case Op.Svdf s -> -1;
            case Op.UnidirectionalSequenceLstm s -> -1;
            case Op.BidirectionalSequenceLstm s -> -1;
            case Op.Opaque o -> -1;
        };
    }

    /** Whether paddings {@code p} (top, bottom, left, right at 2..5) are what SAME padding adds to {@code x} for this window. */
    private static boolean samePads(Shape x, int kh, int kw, int sh, int sw, int dh, int dw, int[] p) {
        return p[2] == ShapeInference.padBefore(x.dim(1), kh, sh, dh, Op.Padding.SAME) && p[3] == padAfter(x.dim(1), kh, sh, dh)
                && p[4] == ShapeInference.padBefore(x.dim(2), kw, sw, dw, Op.Padding.SAME) && p[5] == padAfter(x.dim(2), kw, sw, dw)
                && p[2] + p[3] + p[4] + p[5] > 0;
    }

    private static int padAfter(int in, int kernel, int stride, int dilation) {
        long eff = (long) (kernel - 1) * dilation + 1;
        long out = ((long) in + stride - 1) / stride;
        long total = Math.max(0, (out - 1) * stride + eff - in);
        return (int) (total - total / 2);
    }

    private static Op same(Op op) {
        if (op instanceof Op.Conv2D c) return new Op.Conv2D(Op.Padding.SAME, c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.act());
        Op.DepthwiseConv2D d = (Op.DepthwiseConv2D) op; // fusableConsumer admits only these two
        return new Op.DepthwiseConv2D(Op.Padding.SAME, d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.depthMultiplier(), d.act());
    }
}
