package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;

/**
 * Partial execution along output channels (after Pex, Liberis and Lane 2022): a convolution whose
 * output feeds a chain of per-channel ops (depthwise convolution, pooling, element-wise activations)
 * is split into {@code k} branches, each computing {@code C/k} output channels of the convolution and
 * running the chain on just those channels, joined by a CONCATENATION. The convolution's full output,
 * usually the largest tensor around, then never exists at once: only one slice of it is alive at a
 * time. Each branch computes exactly what the original computed for its channels (the filter, bias
 * and per-channel quantization are sliced; activations keep their quantization), so results are
 * bit-exact.
 *
 * <p>The pass only splits where the peak is: it repeatedly finds the step with the most live bytes
 * (under {@link LiveModel#IN_PLACE}, in the stored order) and, if that step belongs to a chain not
 * split yet, splits it into the number of parts (a divisor of the channel count, at most
 * {@link #MAX_PARTS}) that brings the chain's own peak lowest, the fewest parts among equals. It
 * stops when the peak is somewhere splitting cannot help; then each split gets the fewest parts that
 * keep the graph's peak where it is. Then, while the peak lies in a run of row-local layers, that run
 * is computed in bands of rows ({@link PatchExecution}), with the run and band count that lower the
 * peak most. A PAD that only adds a convolution's SAME border is folded into it first ({@link PadFusion}).
 * Split nodes are ordinary nodes: schedulers, planners and the cost model see nothing
 * special.
 */
public final class PartialExecution {
    /** The most parts a chain is split into. */
    public static final int MAX_PARTS = 32;

    private PartialExecution() {}

    /**
     * One chain that was split.
     *
     * @param headName the output tensor name of the convolution that was split
     * @param chainLength nodes in the chain, the convolution included
     * @param parts branches it became
     * @param peakBytesBefore the most live bytes at a step of the chain before the split
     * @param peakBytesAfter the most live bytes at a step of its branches and their concatenation
     */
    public record Split(Along along, String headName, int chainLength, int parts, long peakBytesBefore, long peakBytesAfter) {}

    /** How a run of nodes was split: into groups of output channels (Pex) or bands of rows (MCUNetV2 patches). */
    public enum Along { CHANNELS, ROWS }

    /**
     * @param graph the graph with the splits (stored order: each chain's branches one after the other,
     *     at the position of the chain's convolution)
     * @param splits what was split, in the order it was done
     * @param peakBytesBefore the input graph's peak in its stored order, in place
     * @param peakBytesAfter the output graph's peak in its stored order, in place
     * @param fusedPads PAD nodes folded into the convolution that reads them ({@link PadFusion}) before splitting
     */
    public record Result(Graph graph, List<Split> splits, long peakBytesBefore, long peakBytesAfter, int fusedPads) {
        public Result { splits = List.copyOf(splits); }
    }

    /** A convolution and the per-channel nodes after it, as node ids in stored order. */
    record Chain(int[] nodes) {
        int head() { return nodes[0]; }

        int tail() { return nodes[nodes.length - 1]; }
    }

    /**
     * Splits {@code g} where its peak is: channels first then rows, and rows first then channels,
     * keeping whichever ends lower (channels first among equals).
     */
    public static Result apply(Graph original) {
        long before = peakOf(original);
        Graph g = PadFusion.apply(original);
        int fused = original.nodes().size() - g.nodes().size();
        List<Split> first = new ArrayList<>();
        Graph a = bandsAtThePeak(channels(g, first), first);
        List<Split> second = new ArrayList<>();
        Graph b = channels(bandsAtThePeak(g, second), second);
        long pa = peakOf(a), pb = peakOf(b);
        return pb < pa ? new Result(b, second, before, pb, fused) : new Result(a, first, before, pa, fused);
    }

    private static long peakOf(Graph g) {
        long[] steps = StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.IN_PLACE);
        return Math.max(max(steps, 0, steps.length), StepMemory.orderIndependentFloorBytes(g));
    }

    /** Channel phase: splits the chains at the peak (see the class comment); adds what it did to {@code splits}. */
    private static Graph channels(Graph g, List<Split> splits) {
        List<Chain> chains = chains(g);
        int[] parts = new int[chains.size()];
        java.util.Arrays.fill(parts, 1);
        Built cur = build(g, chains, parts);
        long[] regionBefore = new long[chains.size()];
        long[] regionAfter = new long[chains.size()];
        while (true) {
            int i = chainAtPeak(cur);
            if (i < 0 || parts[i] > 1) break;
            regionBefore[i] = cur.regionPeakBytes(i);
            int channels = g.tensor(g.node(chains.get(i).head()).output(0)).shape().dim(3);
            Built best = null;
            for (int k = 2; k <= Math.min(channels, MAX_PARTS); k++) {
                if (channels % k != 0) continue;
                parts[i] = k;
                Built cand = build(g, chains, parts);
                if (best == null || cand.regionPeakBytes(i) < best.regionPeakBytes(i)) best = cand;
            }
            if (best == null || best.peakBytes >= cur.peakBytes) {
                parts[i] = 1;
                break;
            }
            parts[i] = best.parts[i];
            regionAfter[i] = best.regionPeakBytes(i);
            cur = best;
        }
        // Fewer parts where they reach the same peak: fewer kernel calls, same memory.
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == 1) continue;
            int channels = g.tensor(g.node(chains.get(i).head()).output(0)).shape().dim(3);
            int chosen = parts[i];
            for (int k = 2; k < chosen; k++) {
                if (channels % k != 0) continue;
                parts[i] = k;
                Built cand = build(g, chains, parts);
                if (cand.peakBytes <= cur.peakBytes) {
                    cur = cand;
                    regionAfter[i] = cand.regionPeakBytes(i);
                    break;
                }
                parts[i] = chosen;
            }
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] == 1) continue;
            Chain c = chains.get(i);
            splits.add(new Split(Along.CHANNELS, g.tensor(g.node(c.head()).output(0)).name(), c.nodes().length, parts[i], regionBefore[i], regionAfter[i]));
        }
        return cur.graph;
    }

    /**
     * Row phase: while the peak step lies in a run of row-local layers (none made by an earlier row split),
     * computes the run band by band ({@link PatchExecution}) with the run and band count that lower
     * the graph's peak most (fewest nodes among equals).
     */
    private static Graph bandsAtThePeak(Graph g, List<Split> splits) {
        Graph cur = g;
        java.util.Set<String> made = new java.util.HashSet<>();

        for (int round = 0; round < 8; round++) {
            long[] steps = StepMemory.stepBytes(cur, Schedule.stored(cur), LiveModel.IN_PLACE);
            long peak = Math.max(max(steps, 0, steps.length), StepMemory.orderIndependentFloorBytes(cur));
            Graph best = null;
            long bestPeak = peak;
            int[] bestRun = null;
            int bestBands = 0;
            for (int[] run : PatchExecution.runs(cur)) {
                if (!containsPeak(steps, peak, run) || madeBy(cur, run, made)) continue;
                int rows = cur.tensor(cur.node(run[1]).output(0)).shape().dim(1);
                for (int bands = 2; bands <= Math.min(rows, PatchExecution.MAX_BANDS); bands++) {
                    Graph cand = PatchExecution.split(cur, run[0], run[1], bands);
                    long[] s = StepMemory.stepBytes(cand, Schedule.stored(cand), LiveModel.IN_PLACE);
                    long p = Math.max(max(s, 0, s.length), StepMemory.orderIndependentFloorBytes(cand));
                    if (p < bestPeak || (p == bestPeak && best != null && cand.nodes().size() < best.nodes().size())) {
                        best = cand;
                        bestPeak = p;
                        bestRun = run;
                        bestBands = bands;
                    }
                }
            }
            if (best == null) break;
            splits.add(new Split(Along.ROWS, cur.tensor(cur.node(bestRun[0]).output(0)).name(), bestRun[1] - bestRun[0] + 1, bestBands,
                    max(steps, bestRun[0], bestRun[1] + 1), bestPeak));
            int added = best.nodes().size() - cur.nodes().size() + (bestRun[1] - bestRun[0] + 1);
            for (int k = bestRun[0]; k < bestRun[0] + added; k++) for (int t : best.node(k).outputs()) made.add(best.tensor(t).name());
            cur = best;
        }
        return cur;
    }

    private static boolean containsPeak(long[] steps, long peak, int[] run) {
        for (int s = run[0]; s <= run[1]; s++) if (steps[s] == peak) return true;
        return false;
    }

    private static boolean madeBy(Graph g, int[] run, java.util.Set<String> made) {
        for (int k = run[0]; k <= run[1]; k++) for (int t : g.node(k).outputs()) if (made.contains(g.tensor(t).name())) return true;
        return false;
    }

    /** A graph with some chains split, where each chain's nodes ended up, and its steps' live bytes. */
    private record Built(Graph graph, int[] parts, int[] regionStart, int[] regionEnd, long[] stepBytes, long peakBytes) {
        long regionPeakBytes(int chain) { return max(stepBytes, regionStart[chain], regionEnd[chain]); }
    }

    /** {@code g} with chain i split into {@code parts[i]} branches (1: left alone). */
    private static Built build(Graph g, List<Chain> chains, int[] parts) {
        Graph out = g;
        for (int i = chains.size() - 1; i >= 0; i--) if (parts[i] > 1) out = split(out, chains.get(i), parts[i]);
        int[] start = new int[chains.size()], end = new int[chains.size()];
        int shift = 0;
        for (int i = 0; i < chains.size(); i++) {
            Chain c = chains.get(i);
            int len = parts[i] > 1 ? c.nodes().length * parts[i] + 1 : c.nodes().length;
            start[i] = c.head() + shift;
            end[i] = start[i] + len;
            shift += len - c.nodes().length;
        }
        long[] steps = StepMemory.stepBytes(out, Schedule.stored(out), LiveModel.IN_PLACE);
        return new Built(out, parts.clone(), start, end, steps, Math.max(max(steps, 0, steps.length), StepMemory.orderIndependentFloorBytes(out)));
    }

    private static long max(long[] a, int from, int to) {
        long m = 0;
        for (int i = Math.max(0, from); i < Math.min(a.length, to); i++) m = Math.max(m, a[i]);
        return m;
    }

    /** The index of the chain containing a step at the peak, or -1. */
    private static int chainAtPeak(Built b) {
        for (int s = 0; s < b.stepBytes.length; s++) {
            if (b.stepBytes[s] != b.peakBytes) continue;
            for (int i = 0; i < b.regionStart.length; i++) if (s >= b.regionStart[i] && s < b.regionEnd[i]) return i;
        }
        return -1;
    }

    /** Every convolution followed by at least one per-channel node, in stored order, with consecutive node ids. */
    static List<Chain> chains(Graph g) {
        List<Chain> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!splittableHead(g, n)) continue;
            List<Integer> nodes = new ArrayList<>(List.of(n.id()));
            int t = n.output(0);
            while (true) {
                int[] cons = g.consumers(t);
                if (cons.length != 1 || g.isGraphOutput(t)) break;
                Node c = g.node(cons[0]);
                if (c.id() != nodes.get(nodes.size() - 1) + 1 || !perChannel(g, c, t)) break;
                nodes.add(c.id());
                t = c.output(0);
            }
            if (nodes.size() >= 2) out.add(new Chain(nodes.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    private static boolean splittableHead(Graph g, Node n) {
        if (!(n.op() instanceof Op.Conv2D) || n.outputCount() != 1 || !n.hasInput(1)) return false;
        Tensor x = g.tensor(n.input(0)), f = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        if (!f.isConstant() || f.shape().rank() != 4 || x.shape().rank() != 4 || y.shape().rank() != 4) return false;
        if (f.shape().dim(3) != x.shape().dim(3)) return false;
        if (n.hasInput(2) && !g.tensor(n.input(2)).isConstant()) return false;
        return perChannelQuantOk(y);
    }

    /** Whether {@code c} computes output channel j from input channel j of {@code t} alone (plus constants). */
    private static boolean perChannel(Graph g, Node c, int t) {
        if (c.outputCount() != 1 || c.input(0) != t) return false;
        for (int k = 1; k < c.inputCount(); k++) if (c.hasInput(k) && !g.tensor(c.input(k)).isConstant()) return false;
        Tensor x = g.tensor(t), y = g.tensor(c.output(0));
        if (x.shape().rank() != 4 || y.shape().rank() != 4 || x.shape().dim(3) != y.shape().dim(3) || !perChannelQuantOk(y)) return false;
        return switch (c.op()) {
            case Op.DepthwiseConv2D d -> c.hasInput(1) && g.tensor(c.input(1)).shape().dim(3) == x.shape().dim(3);
            case Op.Pool2D p -> c.inputCount() == 1;
            case Op.Relu r -> true;
            case Op.Relu6 r -> true;
            case Op.Logistic l -> true;
            case Op.Tanh th -> true;
            case Op.LeakyRelu l -> true;
            case Op.Dropout d -> true;
            case Op.Quantize q -> true;
            case Op.Dequantize d -> true;
            // Mix channels, positions or several activations, or take per-channel parameters not handled here.
            case Op.Conv2D cv -> false;
            case Op.TransposeConv tc -> false;
            case Op.FullyConnected f -> false;
            case Op.Add a -> false;
            case Op.Sub s -> false;
            case Op.Mul m -> false;
            case Op.Concat cc -> false;
            case Op.Reshape r -> false;
            case Op.Softmax s -> false;
            case Op.Pad p -> false;
            case Op.Mean m -> false;
            case Op.BatchNorm b -> false;
            case Op.StridedSlice s -> false;
            case Op.Transpose tr -> false;
            case Op.Resize r -> false;
            case Op.Svdf s -> false;
            case Op.UnidirectionalSequenceLstm s -> false;
            case Op.BidirectionalSequenceLstm s -> false;
            case Op.Opaque o -> false;
        };
    }

    private static boolean perChannelQuantOk(Tensor t) {
        return t.quant() == null || !t.quant().perChannel() || t.quant().axis() == t.shape().rank() - 1;
    }

    /** {@code g} with {@code chain} split into {@code parts} branches along the channel axis. */
    static Graph split(Graph g, Chain chain, int parts) {
        GraphEdit e = new GraphEdit(g);
        int[] chainNodes = chain.nodes();
        int channels = g.tensor(g.node(chain.head()).output(0)).shape().dim(3);
        int per = channels / parts;
        int[] ends = new int[parts];
        List<Node> added = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = p * per, to = from + per;
            int prev = -1;
            for (int k = 0; k < chainNodes.length; k++) {
                Node n = g.node(chainNodes[k]);
                int[] ins = n.inputs();
                if (k == 0) {
                    ins[1] = e.slicedConstant(ins[1], 0, from, to);
                    if (n.hasInput(2)) ins[2] = e.slicedConstant(ins[2], 0, from, to);
                } else {
                    ins[0] = prev;
                    if (n.op() instanceof Op.DepthwiseConv2D) {
                        ins[1] = e.slicedConstant(ins[1], 3, from, to);
                        if (n.hasInput(2)) ins[2] = e.slicedConstant(ins[2], 0, from, to);
                    }
                }
                int out = e.slicedActivation(n.output(0), 3, from, to, "/part" + p);
                added.add(new Node(-1, n.op(), ins, new int[] {out}));
                prev = out;
            }
            ends[p] = prev;
        }
        added.add(new Node(-1, new Op.Concat(3, Op.Act.NONE), ends, new int[] {g.node(chain.tail()).output(0)}));
        Graph out = e.replaceNodes(chain.head(), chain.tail(), added);
        ShapeInference.check(out);
        return out;
    }
}
