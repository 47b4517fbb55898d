package org.tinyfit.memory;

import java.util.Arrays;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

/**
 * Which nodes can write their output over one of their inputs, when that input dies with them.
 *
 * <ul>
 *   <li>Element-wise ops (ADD, SUB, MUL, RELU, TANH, QUANTIZE, ...) and RESHAPE: output element i
 *       depends only on input element i, so the output can take the input's place when both have
 *       the same size. No scratch.
 *   <li>Per-channel ops (DEPTHWISE_CONV_2D with depth multiplier 1, pooling), batch 1, output no
 *       larger than the input: channel c of the output only depends on channel c of the input and,
 *       in NHWC, only lands on bytes that held channel c of the input. Computing one channel at a
 *       time into a scratch plane of {@code outH * outW} elements and copying it back is exact
 *       (the in-place depthwise of MCUNetV2 / TinyEngine).
 * </ul>
 *
 * TFLite Micro does none of this; tinyfit's own runtime and generated C can.
 */
public final class InPlace {
    private InPlace() {}

    /**
     * @param inputs the tensor ids the output may overwrite, in the order to try them
     * @param scratchBytes extra bytes the node needs while it runs in place
     */
    public record Rule(int[] inputs, long scratchBytes) {
        public Rule { inputs = inputs.clone(); }

        @Override public int[] inputs() { return inputs.clone(); }

        @Override public boolean equals(Object o) { return o instanceof Rule r && scratchBytes == r.scratchBytes && Arrays.equals(inputs, r.inputs); }

        @Override public int hashCode() { return Arrays.hashCode(inputs) * 31 + Long.hashCode(scratchBytes); }
    }

    /** The node's in-place rule, or null when it must write a fresh buffer. */
    public static Rule rule(Graph g, Node n) {
        if (n.outputCount() != 1) return null;
        Tensor out = g.tensor(n.output(0));
        if (!StepMemory.inArena(out)) return null;
        return switch (n.op()) {
            case Op.Add a -> elementWise(g, n, out, true);
            case Op.Sub s -> elementWise(g, n, out, true);
            case Op.Mul m -> elementWise(g, n, out, true);
            case Op.Relu r -> elementWise(g, n, out, false);
            case Op.Relu6 r -> elementWise(g, n, out, false);
            case Op.Logistic l -> elementWise(g, n, out, false);
            case Op.Tanh t -> elementWise(g, n, out, false);
            case Op.LeakyRelu l -> elementWise(g, n, out, false);
            case Op.Quantize q -> elementWise(g, n, out, false);
            case Op.Dequantize d -> elementWise(g, n, out, false);
            case Op.Dropout d -> elementWise(g, n, out, false);
            case Op.BatchNorm b -> elementWise(g, n, out, false);
            case Op.Reshape r -> elementWise(g, n, out, false);
            case Op.DepthwiseConv2D d -> perChannel(g, n, out);
            case Op.Pool2D p -> perChannel(g, n, out);
            // Each output element reads many input elements across channels or positions.
            case Op.Conv2D c -> null;
            case Op.TransposeConv t -> null;
            case Op.FullyConnected f -> null;
            case Op.Concat c -> null;
            case Op.Pad p -> null;
            case Op.Mean m -> null;
            case Op.StridedSlice s -> null;
            case Op.Transpose t -> null;
            case Op.Resize r -> null;
            case Op.Softmax s -> null;
            case Op.Svdf s -> null;
            case Op.UnidirectionalSequenceLstm s -> null;
            case Op.BidirectionalSequenceLstm s -> null;
            case Op.Opaque o -> null;
        };
    }

    private static Rule elementWise(Graph g, Node n, Tensor out, boolean anyInput) {
        int[] ins = anyInput ? n.inputs() : new int[] {n.input(0)};
        int[] ok = Arrays.stream(ins).filter(t -> t >= 0).distinct()
                .filter(t -> reusable(g, g.tensor(t), out) && g.tensor(t).bytes() == out.bytes()
                        && g.tensor(t).shape().elements() == out.shape().elements())
                .toArray();
        return ok.length == 0 ? null : new Rule(ok, 0);
    }

    private static Rule perChannel(Graph g, Node n, Tensor out) {
        int t = n.input(0);
        if (t < 0) return null;
        Tensor in = g.tensor(t);
        Shape x = in.shape(), y = out.shape();
        if (x.rank() != 4 || y.rank() != 4 || x.dim(0) != 1 || y.dim(0) != 1 || x.dim(3) != y.dim(3)) return null;
        if (!reusable(g, in, out) || out.bytes() > in.bytes()) return null;
        return new Rule(new int[] {t}, (long) y.dim(1) * y.dim(2) * out.dtype().bytes());
    }

    private static boolean reusable(Graph g, Tensor in, Tensor out) {
        return StepMemory.inArena(in) && in.dtype().bytes() == out.dtype().bytes() && !g.isGraphOutput(in.id());
    }
}
