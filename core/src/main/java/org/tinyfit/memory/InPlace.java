package org.tinyfit.memory;

import java.util.Arrays;
import org.tinyfit.graph.DType;
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
 *   <li>1x1 convolutions (stride 1, no groups), batch 1: output pixel p depends only on input pixel p.
 *       Each input pixel is copied into a pixel buffer of {@code inC} elements, then its output pixel
 *       is written. Pixels go first to last when the output has no more channels than the input (pixel p's
 *       output bytes only cover input pixels up to p), last to first when it has more (they then only
 *       cover input pixels from p on): the output starts at the input's offset and needs
 *       {@code max(input, output)} bytes plus the buffer instead of their sum (TinyEngine's in-place
 *       pointwise convolution). The output may be larger than the input here.
 *   <li>Other convolutions without groups, batch 1, with a {@link #rowLag}: output rows go through a
 *       ring of row buffers to bytes of input rows no later output row reads.
 *   <li>PAD: each input element lands at an output index no lower than its own, so the elements are
 *       copied last to first, then the border is written; no scratch (the row bands' PADs then cost
 *       only their border).
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
            case Op.Conv2D c -> pointwiseConv(g, n, c, out);
            case Op.TransposeConv t -> null;
            case Op.FullyConnected f -> null;
            case Op.Concat c -> null;
            case Op.Pad p -> pad(g, n, out);
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

    /**
     * PAD over its input: every element lands at an index no lower than the one it came from, so
     * copying last to first (then writing the border) never overwrites an element still to be copied.
     */
    private static Rule pad(Graph g, Node n, Tensor out) {
        if (!n.hasInput(0)) return null;
        Tensor in = g.tensor(n.input(0));
        if (!reusable(g, in, out) || in.dtype() != out.dtype() || (in.dtype() != DType.I8 && in.dtype() != DType.F32) || out.bytes() < in.bytes() || in.shape().rank() != out.shape().rank()) return null;
        return new Rule(new int[] {in.id()}, 0);
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

    private static Rule pointwiseConv(Graph g, Node n, Op.Conv2D c, Tensor out) {
        if (!n.hasInput(0) || !reusable(g, g.tensor(n.input(0)), out)) return null;
        Tensor in = g.tensor(n.input(0));
        if (pointwise(g, n, c)) return new Rule(new int[] {in.id()}, (long) in.shape().dim(3) * in.dtype().bytes());
        int lag = rowLag(g, n, c);
        if (lag >= 0) return new Rule(new int[] {in.id()}, (lag + 1L) * out.shape().dim(2) * out.shape().dim(3) * out.dtype().bytes());
        return null;
    }

    /** The most rows an in-place convolution keeps in its row buffer before writing the oldest back. */
    public static final int MAX_ROW_LAG = 3;

    /** Whether convolution {@code n} can run in place row by row ({@link #rowLag} is not -1). */
    public static boolean rowByRow(Graph g, Node n, Op.Conv2D c) { return rowLag(g, n, c) >= 0; }

    /**
     * The lag L with which convolution {@code n} (no groups, batch 1) can write its output over its
     * input row by row, or -1: output rows are computed first to last into a ring of L + 1 row buffers;
     * once row r is computed, row r - L is copied to its place, which must only cover input rows no
     * later output row reads: {@code (r - L + 1) * outRowBytes <= firstInputRowOf(r + 1) * inRowBytes}
     * for every row r from L to the next to last (the last L rows are copied once all are computed).
     * The smallest such L up to {@link #MAX_ROW_LAG}: 0 for strided convolutions that shrink the image
     * (a network's first layer), 1 for a 3x3 stride-1 convolution that keeps the channel count.
     */
    public static int rowLag(Graph g, Node n, Op.Conv2D c) {
        if (!n.hasInput(0) || !n.hasInput(1) || pointwise(g, n, c)) return -1;
        Tensor in = g.tensor(n.input(0)), f = g.tensor(n.input(1)), out = g.tensor(n.output(0));
        Shape x = in.shape(), w = f.shape(), y = out.shape();
        if (x.rank() != 4 || w.rank() != 4 || y.rank() != 4 || x.dim(0) != 1 || y.dim(0) != 1 || w.dim(3) != x.dim(3)) return -1;
        if (in.dtype() != out.dtype() || (in.dtype() != DType.I8 && in.dtype() != DType.F32)) return -1;
        int padTop = org.tinyfit.graph.ShapeInference.padBefore(x.dim(1), w.dim(1), c.strideH(), c.dilationH(), c.padding());
        long inRow = (long) x.dim(2) * x.dim(3), outRow = (long) y.dim(2) * y.dim(3);
        for (int lag = 0; lag <= MAX_ROW_LAG && lag + 1 < y.dim(1); lag++) {
            boolean ok = true;
            for (int r = lag; r + 1 < y.dim(1) && ok; r++) {
                long firstRead = Math.max(0, (long) (r + 1) * c.strideH() - padTop);
                ok = (r - lag + 1) * outRow <= firstRead * inRow;
            }
            if (ok) return lag;
        }
        return -1;
    }

    /** Whether {@code n} is a 1x1 convolution of stride 1 without groups on batch-1 rank-4 tensors of one element size. */
    public static boolean pointwise(Graph g, Node n, Op.Conv2D c) {
        if (!n.hasInput(0) || !n.hasInput(1) || c.strideH() != 1 || c.strideW() != 1) return false;
        Tensor in = g.tensor(n.input(0)), f = g.tensor(n.input(1)), out = g.tensor(n.output(0));
        Shape x = in.shape(), w = f.shape(), y = out.shape();
        if (x.rank() != 4 || w.rank() != 4 || y.rank() != 4 || x.dim(0) != 1 || y.dim(0) != 1) return false;
        if (w.dim(1) != 1 || w.dim(2) != 1 || w.dim(3) != x.dim(3) || x.dim(1) != y.dim(1) || x.dim(2) != y.dim(2)) return false;
        // int8 and float: the kernels that run in place (int16 models take other kernels)
        return in.dtype() == out.dtype() && (in.dtype() == DType.I8 || in.dtype() == DType.F32);
    }

    /** Whether an in-place 1x1 convolution runs its pixels last to first (its output has more channels than its input). */
    public static boolean lastPixelFirst(Graph g, Node n) {
        return g.tensor(n.output(0)).shape().dim(3) > g.tensor(n.input(0)).shape().dim(3);
    }

    private static boolean reusable(Graph g, Tensor in, Tensor out) {
        return StepMemory.inArena(in) && in.dtype().bytes() == out.dtype().bytes() && !g.isGraphOutput(in.id());
    }
}
