package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;

/**
 * A streamed row pipeline: a run of int8 convolutions and depthwise convolutions (each the only reader
 * of the one before), optionally ended by an average pool over the whole image, computed row by row
 * from the run's input so that none of the run's intermediate tensors ever exists whole. Each layer
 * keeps only the rows of its input its window still needs, in a ring of {@code min(window height,
 * input height)} rows; a row is computed when the next layer asks for it, so every output element is
 * computed exactly once (no extra MACs). The last layer's rows go straight into the pool's int32 sums
 * (one per channel), rounded once at the end as TFLite Micro's average pool does, or into the run's
 * output tensor when there is no pool.
 *
 * <p>In a graph the run becomes one node, {@link Op.Opaque} named {@link #OP_NAME}, that reads the run's
 * input and its constants and writes the run's output plus a <em>workspace</em> tensor holding the rings
 * and the sums; the workspace is live only at that node's step. Every scheduler, planner and check
 * then sees ordinary buffers: the in-place planner places the workspace like any tensor, and the
 * runtime's pipeline kernel ({@code org.tinyfit.runtime.RowPipelineKernels}) computes the run inside
 * it, bit-exact with the layers run one after the other. The generated C does not run pipelines yet:
 * it keeps the plan of the graph before {@link #apply}.
 */
public final class RowPipeline {
    /** The name of the node a pipeline becomes. */
    public static final String OP_NAME = "TINYFIT_ROW_PIPELINE";

    /**
     * One layer of the pipeline: its geometry, and where its input rows are kept (layer 0 reads the
     * run's input tensor; {@code ringRows} and {@code ringOffset} are then 0).
     *
     * @param node the layer's node id in {@link #source()}
     * @param ringRows rows of its input the ring holds
     * @param ringOffset the ring's offset in the workspace
     */
    public record Layer(int node, boolean depthwise, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW,
                        int strideH, int strideW, int dilH, int dilW, int padTop, int padLeft, int ringRows, int ringOffset) {
        /** Input rows one output row reads (the window's height, dilation included). */
        public int extent() { return (kH - 1) * dilH + 1; }

        public int inRowBytes() { return inW * inC; }

        public int outRowBytes() { return outW * outC; }

        /** How many input rows must exist before output row {@code r} can be computed. */
        public int rowsNeededFor(int r) { return Math.min(inH, r * strideH - padTop + extent()); }
    }

    /**
     * What {@link #apply} did.
     *
     * @param graph the graph with the chosen pipelines collapsed; its stored order is the order to run
     * @param pipelines the pipelines, in the order they were collapsed
     * @param peakBytesBefore the in-place live-bytes peak of the input graph in its stored order
     * @param peakBytesAfter the same for {@code graph}
     */
    public record Result(Graph graph, List<RowPipeline> pipelines, long peakBytesBefore, long peakBytesAfter) {
        public Result { pipelines = List.copyOf(pipelines); }

        public Schedule schedule() { return Schedule.stored(graph); }
    }

    private final Graph source;
    private final int first;
    private final int last;
    private final List<Layer> layers;
    private final int poolNode;
    private final int workspaceBytes;
    private final int sumsOffset;

    private RowPipeline(Graph source, int first, int last, List<Layer> layers, int poolNode) {
        this.source = source;
        this.first = first;
        this.last = last;
        this.layers = List.copyOf(layers);
        this.poolNode = poolNode;
        int bytes = 0;
        for (Layer l : this.layers) bytes = Math.max(bytes, l.ringOffset() + l.ringRows() * l.inRowBytes());
        this.sumsOffset = poolNode >= 0 ? (bytes + 3) / 4 * 4 : -1;
        this.workspaceBytes = poolNode >= 0 ? sumsOffset + 4 * this.layers.get(this.layers.size() - 1).outC() : bytes;
    }

    /** The graph the pipeline's nodes belong to (their weights, quantization and options). */
    public Graph source() { return source; }

    /** The layers, first to last (the pool, if any, is not among them). */
    public List<Layer> layers() { return layers; }

    /** The node ids of the run in {@link #source()}, first and last (the pool included). */
    public int firstNode() { return first; }

    public int lastNode() { return last; }

    /** The whole-image average pool the last layer's rows are summed into, or -1. */
    public int poolNode() { return poolNode; }

    public boolean pooled() { return poolNode >= 0; }

    /** The run's input tensor in {@link #source()}. */
    public int input() { return source.node(first).input(0); }

    /** The run's output tensor in {@link #source()} (the pool's output when pooled). */
    public int output() { return source.node(last).output(0); }

    /** Bytes of the workspace: every layer's ring of rows, then (pooled) the int32 sums. */
    public int workspaceBytes() { return workspaceBytes; }

    /** Offset of the pool's int32 sums in the workspace, or -1. */
    public int sumsOffset() { return sumsOffset; }

    /** The name of the workspace tensor in the collapsed graph. */
    public String workspaceName() { return source.tensor(output()).name() + "/row_pipeline"; }

    /** Whether node {@code n} of a collapsed graph is this pipeline's node. */
    public boolean isNode(Graph g, Node n) {
        return n.op() instanceof Op.Opaque o && o.name().equals(OP_NAME) && n.outputCount() == 2
                && g.tensor(n.output(0)).name().equals(source.tensor(output()).name())
                && g.tensor(n.output(1)).name().equals(workspaceName())
                && g.tensor(n.input(0)).name().equals(source.tensor(input()).name());
    }

    /**
     * {@link #source()} with the run replaced by one {@link #OP_NAME} node reading the run's input and
     * constants, writing its output and the workspace.
     */
    public Graph collapse() {
        GraphEdit e = new GraphEdit(source);
        int ws = e.activation(workspaceName(), DType.I8, Shape.of(workspaceBytes));
        Set<Integer> ins = new LinkedHashSet<>();
        ins.add(input());
        for (int k = first; k <= last; k++) {
            Node n = source.node(k);
            for (int i = 1; i < n.inputCount(); i++) if (n.hasInput(i)) ins.add(n.input(i));
        }
        Node node = new Node(-1, new Op.Opaque(OP_NAME, -1), ins.stream().mapToInt(Integer::intValue).toArray(), new int[] {output(), ws});
        return e.replaceNodes(first, last, List.of(node));
    }

    /**
     * Collapses pipelines of {@code g} (in the order to run it) while one lowers the in-place peak,
     * the one that lowers it most first. Where none does, the result is {@code g} itself.
     */
    public static Result apply(Graph g) {
        long before = peakOf(g);
        Graph cur = g;
        long curPeak = before;
        List<RowPipeline> chosen = new ArrayList<>();
        while (true) {
            RowPipeline best = null;
            Graph bestGraph = null;
            long bestPeak = curPeak;
            for (RowPipeline p : find(cur)) {
                Graph c = p.collapse();
                long peak = peakOf(c);
                if (peak < bestPeak) {
                    best = p;
                    bestGraph = c;
                    bestPeak = peak;
                }
            }
            if (best == null) break;
            chosen.add(best);
            cur = bestGraph;
            curPeak = bestPeak;
        }
        return new Result(cur, chosen, before, curPeak);
    }

    static long peakOf(Graph g) { return StepMemory.peakBytes(g, Schedule.stored(g), LiveModel.IN_PLACE); }

    /**
     * The longest runs of {@code g}'s stored order that can be streamed: consecutive int8 convolutions
     * (no groups) and depthwise convolutions on batch-1 tensors, each the only reader of the one
     * before and no graph output, optionally followed by an average pool over the whole image; at
     * least two nodes.
     */
    public static List<RowPipeline> find(Graph g) {
        List<RowPipeline> out = new ArrayList<>();
        int n = g.nodes().size();
        int k = 0;
        while (k < n) {
            if (layer(g, g.node(k)) == null) {
                k++;
                continue;
            }
            int end = k;
            while (end + 1 < n && follows(g, end) && layer(g, g.node(end + 1)) != null) end++;
            int pool = end + 1 < n && follows(g, end) && wholeImageAveragePool(g, g.node(end + 1)) ? end + 1 : -1;
            int last = pool >= 0 ? pool : end;
            if (last > k) out.add(of(g, k, end, pool));
            k = last + 1;
        }
        return out;
    }

    private static RowPipeline of(Graph g, int first, int end, int pool) {
        List<Layer> layers = new ArrayList<>();
        int offset = 0;
        for (int k = first; k <= end; k++) {
            Layer l = layer(g, g.node(k));
            if (k > first) {
                int rows = Math.min(l.extent(), l.inH());
                l = new Layer(l.node(), l.depthwise(), l.inH(), l.inW(), l.inC(), l.outH(), l.outW(), l.outC(), l.kH(), l.kW(), l.strideH(), l.strideW(),
                        l.dilH(), l.dilW(), l.padTop(), l.padLeft(), rows, offset);
                offset += rows * l.inRowBytes();
            }
            layers.add(l);
        }
        return new RowPipeline(g, first, pool >= 0 ? pool : end, layers, pool);
    }

    /** Whether node {@code k + 1} reads node {@code k}'s output, which nothing else reads and the graph does not output. */
    private static boolean follows(Graph g, int k) {
        int t = g.node(k).output(0);
        Node next = g.node(k + 1);
        return next.hasInput(0) && next.input(0) == t && g.consumers(t).length == 1 && !g.isGraphOutput(t);
    }

    /** The layer {@code n} is in a pipeline (its ring not yet placed), or null when it cannot be one. */
    static Layer layer(Graph g, Node n) {
        if (n.outputCount() != 1 || !n.hasInput(0) || !n.hasInput(1)) return null;
        Tensor x = g.tensor(n.input(0)), f = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        if (x.dtype() != DType.I8 || y.dtype() != DType.I8 || f.dtype() != DType.I8 || !f.isConstant()) return null;
        if (x.quant() == null || y.quant() == null || f.quant() == null) return null;
        if (n.hasInput(2) && (!g.tensor(n.input(2)).isConstant() || g.tensor(n.input(2)).dtype() != DType.I32)) return null;
        for (int i = 3; i < n.inputCount(); i++) if (n.hasInput(i)) return null;
        Shape xs = x.shape(), fs = f.shape(), ys = y.shape();
        if (xs.rank() != 4 || fs.rank() != 4 || ys.rank() != 4 || xs.dim(0) != 1 || ys.dim(0) != 1) return null;
        return switch (n.op()) {
            case Op.Conv2D c -> fs.dim(3) != xs.dim(3) || fs.dim(0) != ys.dim(3) ? null
                    : layer(n, xs, ys, fs.dim(1), fs.dim(2), false, c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.padding());
            case Op.DepthwiseConv2D d -> fs.dim(0) != 1 || fs.dim(3) != ys.dim(3) || ys.dim(3) % xs.dim(3) != 0 ? null
                    : layer(n, xs, ys, fs.dim(1), fs.dim(2), true, d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.padding());
            // Not a convolution over rows of one input.
            case Op.TransposeConv t -> null;
            case Op.FullyConnected fc -> null;
            case Op.Pool2D p -> null;
            case Op.Add a -> null;
            case Op.Sub s -> null;
            case Op.Mul m -> null;
            case Op.Concat cc -> null;
            case Op.Reshape r -> null;
            case Op.Softmax s -> null;
            case Op.Relu r -> null;
            case Op.Relu6 r -> null;
            case Op.Logistic l -> null;
            case Op.Tanh t -> null;
            case Op.LeakyRelu l -> null;
            case Op.Pad p -> null;
            case Op.Mean m -> null;
            case Op.Quantize q -> null;
            case Op.Dequantize d -> null;
            case Op.BatchNorm b -> null;
            case Op.Dropout d -> null;
            case Op.StridedSlice s -> null;
            case Op.Transpose t -> null;
            case Op.Resize r -> null;
            case Op.Svdf s -> null;
            case Op.UnidirectionalSequenceLstm s -> null;
            case Op.BidirectionalSequenceLstm s -> null;
            case Op.Opaque o -> null;
        };
    }

    private static Layer layer(Node n, Shape x, Shape y, int kH, int kW, boolean depthwise, int sH, int sW, int dH, int dW, Op.Padding padding) {
        int padTop = ShapeInference.padBefore(x.dim(1), kH, sH, dH, padding);
        int padLeft = ShapeInference.padBefore(x.dim(2), kW, sW, dW, padding);
        return new Layer(n.id(), depthwise, x.dim(1), x.dim(2), x.dim(3), y.dim(1), y.dim(2), y.dim(3), kH, kW, sH, sW, dH, dW, padTop, padLeft, 0, 0);
    }

    /** An int8 average pool whose one window is the whole image (output 1x1). */
    static boolean wholeImageAveragePool(Graph g, Node n) {
        if (!(n.op() instanceof Op.Pool2D p) || p.pool() != Op.PoolKind.AVG || n.outputCount() != 1 || n.inputCount() != 1 || !n.hasInput(0)) return false;
        Tensor x = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        if (x.dtype() != DType.I8 || y.dtype() != DType.I8 || y.quant() == null || x.shape().rank() != 4 || y.shape().rank() != 4) return false;
        Shape xs = x.shape(), ys = y.shape();
        return xs.dim(0) == 1 && ys.dim(0) == 1 && ys.dim(1) == 1 && ys.dim(2) == 1 && ys.dim(3) == xs.dim(3)
                && p.filterH() == xs.dim(1) && p.filterW() == xs.dim(2);
    }
}
