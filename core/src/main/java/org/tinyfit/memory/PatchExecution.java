package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;

/**
 * Partial execution along rows (the patch-based inference of MCUNetV2, Lin et al. 2021): a run of
 * spatial layers is computed band by band. Each band slices the rows of the run's input that its
 * output rows depend on (a STRIDED_SLICE, halo included), runs every layer on just those rows, and
 * the bands' outputs are joined by a CONCATENATION along the height. The run's intermediate tensors,
 * often the largest of the network (the expanded tensor of an inverted residual block), then only
 * ever exist one band at a time. Rows that fall outside the image get the padding the original layer
 * would have used, as an explicit PAD (zero, or the zero point for quantized tensors, as the
 * convolution's implicit padding) before a VALID layer, so each band computes exactly what the
 * original computed for its rows; rows of the halo are computed more than once.
 */
public final class PatchExecution {
    /** The most bands a run is split into. */
    public static final int MAX_BANDS = 16;
    /** The most layers in one run. */
    public static final int MAX_RUN = 6;

    private PatchExecution() {}

    /** Whether {@code n} can be computed band by band: convolutions, pooling without padding, and element-wise ops on rank-4, batch-1 tensors. */
    static boolean rowLocal(Graph g, Node n) {
        if (n.outputCount() != 1 || !n.hasInput(0)) return false;
        Tensor x = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        if (x.shape().rank() != 4 || y.shape().rank() != 4 || x.shape().dim(0) != 1) return false;
        for (int k = 1; k < n.inputCount(); k++) if (n.hasInput(k) && !g.tensor(n.input(k)).isConstant()) return false;
        return switch (n.op()) {
            case Op.Conv2D c -> true;
            case Op.DepthwiseConv2D d -> true;
            case Op.Pool2D p -> p.padding() == Op.Padding.VALID;
            case Op.Relu r -> true;
            case Op.Relu6 r -> true;
            case Op.Logistic l -> true;
            case Op.Tanh t -> true;
            case Op.LeakyRelu l -> true;
            case Op.Quantize q -> true;
            case Op.Dequantize d -> true;
            case Op.Dropout d -> true;
            // Mix rows in ways a band cannot reproduce, or are not spatial.
            case Op.TransposeConv t -> false;
            case Op.FullyConnected f -> false;
            case Op.Add a -> false;
            case Op.Sub s -> false;
            case Op.Mul m -> false;
            case Op.Concat c -> false;
            case Op.Reshape r -> false;
            case Op.Softmax s -> false;
            case Op.Pad p -> false;
            case Op.Mean m -> false;
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

    /** Runs of consecutive row-local nodes (each the only reader of the one before, not a graph output), first..last inclusive. */
    static List<int[]> runs(Graph g) {
        List<int[]> out = new ArrayList<>();
        int n = g.nodes().size();
        for (int first = 0; first < n; first++) {
            if (!rowLocal(g, g.node(first))) continue;
            for (int last = first; last < n && last - first < MAX_RUN; last++) {
                if (last > first) {
                    Node prev = g.node(last - 1), cur = g.node(last);
                    int t = prev.output(0);
                    if (!rowLocal(g, cur) || cur.input(0) != t || g.consumers(t).length != 1 || g.isGraphOutput(t)) break;
                }
                out.add(new int[] {first, last});
            }
        }
        return out;
    }

    /** Geometry of one windowed layer along the height: kernel, stride, dilation, top padding. */
    private record Window(int kernel, int stride, int dilation, int padTop, int padLeft, int padRight, boolean windowed) {}

    private static Window window(Graph g, Node n) {
        Shape x = g.tensor(n.input(0)).shape(), y = g.tensor(n.output(0)).shape();
        return switch (n.op()) {
            case Op.Conv2D c -> window(x, y, g.tensor(n.input(1)).shape().dim(1), g.tensor(n.input(1)).shape().dim(2), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.padding());
            case Op.DepthwiseConv2D d -> window(x, y, g.tensor(n.input(1)).shape().dim(1), g.tensor(n.input(1)).shape().dim(2), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.padding());
            case Op.Pool2D p -> window(x, y, p.filterH(), p.filterW(), p.strideH(), p.strideW(), 1, 1, p.padding());
            case Op.Relu r -> pointwise();
            case Op.Relu6 r -> pointwise();
            case Op.Logistic l -> pointwise();
            case Op.Tanh t -> pointwise();
            case Op.LeakyRelu l -> pointwise();
            case Op.Quantize q -> pointwise();
            case Op.Dequantize d -> pointwise();
            case Op.Dropout d -> pointwise();
            case Op.TransposeConv t -> throw notRowLocal(n);
            case Op.FullyConnected f -> throw notRowLocal(n);
            case Op.Add a -> throw notRowLocal(n);
            case Op.Sub s -> throw notRowLocal(n);
            case Op.Mul m -> throw notRowLocal(n);
            case Op.Concat c -> throw notRowLocal(n);
            case Op.Reshape r -> throw notRowLocal(n);
            case Op.Softmax s -> throw notRowLocal(n);
            case Op.Pad p -> throw notRowLocal(n);
            case Op.Mean m -> throw notRowLocal(n);
            case Op.BatchNorm b -> throw notRowLocal(n);
            case Op.StridedSlice s -> throw notRowLocal(n);
            case Op.Transpose t -> throw notRowLocal(n);
            case Op.Resize r -> throw notRowLocal(n);
            case Op.Svdf s -> throw notRowLocal(n);
            case Op.UnidirectionalSequenceLstm s -> throw notRowLocal(n);
            case Op.BidirectionalSequenceLstm s -> throw notRowLocal(n);
            case Op.Opaque o -> throw notRowLocal(n);
        };
    }

    private static IllegalArgumentException notRowLocal(Node n) {
        return new IllegalArgumentException(n.label() + " cannot be computed band by band");
    }

    private static Window pointwise() { return new Window(1, 1, 1, 0, 0, 0, false); }

    private static Window window(Shape x, Shape y, int kh, int kw, int sh, int sw, int dh, int dw, Op.Padding p) {
        int padTop = 0, padLeft = 0, padRight = 0;
        if (p == Op.Padding.SAME) {
            padTop = Math.max((y.dim(1) - 1) * sh + (kh - 1) * dh + 1 - x.dim(1), 0) / 2;
            int totalW = Math.max((y.dim(2) - 1) * sw + (kw - 1) * dw + 1 - x.dim(2), 0);
            padLeft = totalW / 2;
            padRight = totalW - padLeft;
        }
        return new Window(kh, sh, dh, padTop, padLeft, padRight, true);
    }

    /** {@code g} with nodes {@code first..last} computed in {@code bands} bands of output rows. */
    static Graph split(Graph g, int first, int last, int bands) {
        int m = last - first + 1;
        Window[] w = new Window[m];
        for (int j = 0; j < m; j++) w[j] = window(g, g.node(first + j));
        int outRows = g.tensor(g.node(last).output(0)).shape().dim(1);
        GraphEdit e = new GraphEdit(g);
        List<Node> added = new ArrayList<>();
        int[] bandOuts = new int[bands];
        for (int band = 0; band < bands; band++) {
            int a = (int) ((long) outRows * band / bands), b = (int) ((long) outRows * (band + 1) / bands);
            // rows each layer must produce, last layer first
            int[] lo = new int[m + 1], hi = new int[m + 1], padTop = new int[m], padBottom = new int[m];
            lo[m] = a;
            hi[m] = b;
            for (int j = m - 1; j >= 0; j--) {
                int inRows = g.tensor(g.node(first + j).input(0)).shape().dim(1);
                int from = lo[j + 1] * w[j].stride() - w[j].padTop();
                int to = (hi[j + 1] - 1) * w[j].stride() - w[j].padTop() + (w[j].kernel() - 1) * w[j].dilation() + 1;
                lo[j] = Math.max(0, from);
                hi[j] = Math.min(inRows, to);
                padTop[j] = lo[j] - from;
                padBottom[j] = to - hi[j];
            }
            int x = g.node(first).input(0);
            int cur = slice(e, g, x, lo[0], hi[0], added, band);
            for (int j = 0; j < m; j++) {
                Node n = g.node(first + j);
                Op op = n.op();
                if (w[j].windowed()) {
                    boolean pad = padTop[j] > 0 || padBottom[j] > 0 || w[j].padLeft() > 0 || w[j].padRight() > 0;
                    if (pad) cur = pad(e, cur, padTop[j], padBottom[j], w[j].padLeft(), w[j].padRight(), added, band);
                    op = valid(op);
                }
                int[] ins = n.inputs();
                ins[0] = cur;
                int out = e.rowsOf(n.output(0), hi[j + 1] - lo[j + 1], "/rows" + band);
                added.add(new Node(-1, op, ins, new int[] {out}));
                cur = out;
            }
            bandOuts[band] = cur;
        }
        added.add(new Node(-1, new Op.Concat(1, Op.Act.NONE), bandOuts, new int[] {g.node(last).output(0)}));
        Graph out = e.replaceNodes(first, last, added);
        ShapeInference.check(out);
        return out;
    }

    private static Op valid(Op op) {
        return switch (op) {
            case Op.Conv2D c -> new Op.Conv2D(Op.Padding.VALID, c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.act());
            case Op.DepthwiseConv2D d -> new Op.DepthwiseConv2D(Op.Padding.VALID, d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.depthMultiplier(), d.act());
            case Op.Pool2D p -> new Op.Pool2D(p.pool(), Op.Padding.VALID, p.strideH(), p.strideW(), p.filterH(), p.filterW(), p.act());
            case Op.TransposeConv t -> op;
            case Op.FullyConnected f -> op;
            case Op.Add a -> op;
            case Op.Sub s -> op;
            case Op.Mul m -> op;
            case Op.Concat c -> op;
            case Op.Reshape r -> op;
            case Op.Softmax s -> op;
            case Op.Relu r -> op;
            case Op.Relu6 r -> op;
            case Op.Logistic l -> op;
            case Op.Tanh t -> op;
            case Op.LeakyRelu l -> op;
            case Op.Pad pd -> op;
            case Op.Mean mn -> op;
            case Op.Quantize q -> op;
            case Op.Dequantize d -> op;
            case Op.BatchNorm bn -> op;
            case Op.Dropout d -> op;
            case Op.StridedSlice ss -> op;
            case Op.Transpose tt -> op;
            case Op.Resize rr -> op;
            case Op.Svdf sv -> op;
            case Op.UnidirectionalSequenceLstm sv -> op;
            case Op.BidirectionalSequenceLstm sv -> op;
            case Op.Opaque o -> op;
        };
    }

    private static int slice(GraphEdit e, Graph g, int x, int lo, int hi, List<Node> added, int band) {
        Shape s = g.tensor(x).shape();
        int begin = e.constantInts("rows" + band + "/begin", Shape.of(4), 0, lo, 0, 0);
        int end = e.constantInts("rows" + band + "/end", Shape.of(4), 1, hi, s.dim(2), s.dim(3));
        int strides = e.constantInts("rows" + band + "/strides", Shape.of(4), 1, 1, 1, 1);
        int out = e.rowsOf(x, hi - lo, "/rows" + band);
        added.add(new Node(-1, new Op.StridedSlice(0, 0, 0, 0, 0, false), new int[] {x, begin, end, strides}, new int[] {out}));
        return out;
    }

    private static int pad(GraphEdit e, int x, int top, int bottom, int left, int right, List<Node> added, int band) {
        int pads = e.constantInts("rows" + band + "/pads" + added.size(), Shape.of(4, 2), 0, 0, top, bottom, left, right, 0, 0);
        int out = e.padded(x, top + bottom, left + right, "/pad");
        added.add(new Node(-1, new Op.Pad(), new int[] {x, pads}, new int[] {out}));
        return out;
    }
}
