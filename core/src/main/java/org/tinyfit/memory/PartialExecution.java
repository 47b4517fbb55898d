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
 * (under {@link LiveModel#IN_PLACE}, in the stored order) and, if that step belongs to a splittable
 * chain, splits it into the fewest parts that bring it down as far as splitting can (or below the
 * rest of the graph's peak). It stops when the peak is somewhere splitting cannot help. Split nodes
 * are ordinary nodes: schedulers, planners and the cost model see nothing special.
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
    public record Split(String headName, int chainLength, int parts, long peakBytesBefore, long peakBytesAfter) {}

    /**
     * @param graph the graph with the splits (stored order: each chain's branches one after the other,
     *     at the position of the chain's convolution)
     * @param splits what was split, in the order it was done
     * @param peakBytesBefore the input graph's peak in its stored order, in place
     * @param peakBytesAfter the output graph's peak in its stored order, in place
     */
    public record Result(Graph graph, List<Split> splits, long peakBytesBefore, long peakBytesAfter) {
        public Result { splits = List.copyOf(splits); }
    }

    /** A convolution and the per-channel nodes after it, as node ids in stored order. */
    record Chain(int[] nodes) {
        int head() { return nodes[0]; }

        int tail() { return nodes[nodes.length - 1]; }
    }

    public static Result apply(Graph g) {
        Graph cur = g;
        long before = StepMemory.peakBytes(g, Schedule.stored(g), LiveModel.IN_PLACE);
        List<Split> splits = new ArrayList<>();
        for (int round = 0; round < g.nodes().size(); round++) {
            long[] steps = StepMemory.stepBytes(cur, Schedule.stored(cur), LiveModel.IN_PLACE);
            long peak = max(steps, 0, steps.length);
            Chain chain = chainAtPeak(cur, steps, peak);
            if (chain == null) break;
            Graph best = null;
            long bestRegion = Long.MAX_VALUE;
            int bestParts = 0;
            int channels = cur.tensor(cur.node(chain.head()).output(0)).shape().dim(3);
            long regionBefore = max(steps, chain.head(), chain.tail() + 1);
            long rest = Math.max(max(steps, 0, chain.head()), max(steps, chain.tail() + 1, steps.length));
            for (int parts = 2; parts <= Math.min(channels, MAX_PARTS); parts++) {
                if (channels % parts != 0) continue;
                Graph cand = split(cur, chain, parts);
                long[] s = StepMemory.stepBytes(cand, Schedule.stored(cand), LiveModel.IN_PLACE);
                int added = (chain.nodes().length) * parts + 1 - chain.nodes().length;
                long region = max(s, chain.head(), chain.tail() + 1 + added);
                if (region < bestRegion && Math.max(region, rest) < Math.max(bestRegion, rest)) {
                    best = cand;
                    bestRegion = region;
                    bestParts = parts;
                }
            }
            if (best == null || bestRegion >= regionBefore) break;
            long newPeak = StepMemory.peakBytes(best, Schedule.stored(best), LiveModel.IN_PLACE);
            if (newPeak >= peak) break;
            splits.add(new Split(cur.tensor(cur.node(chain.head()).output(0)).name(), chain.nodes().length, bestParts, regionBefore, bestRegion));
            cur = best;
        }
        long after = StepMemory.peakBytes(cur, Schedule.stored(cur), LiveModel.IN_PLACE);
        return new Result(cur, splits, before, after);
    }

    private static long max(long[] a, int from, int to) {
        long m = 0;
        for (int i = Math.max(0, from); i < Math.min(a.length, to); i++) m = Math.max(m, a[i]);
        return m;
    }

    /** The splittable chain containing a step at the peak, or null. */
    private static Chain chainAtPeak(Graph g, long[] steps, long peak) {
        List<Chain> chains = chains(g);
        for (int s = 0; s < steps.length; s++) {
            if (steps[s] != peak) continue;
            for (Chain c : chains) if (s >= c.head() && s <= c.tail()) return c;
        }
        return null;
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
            case Op.Svdf s -> false;
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
