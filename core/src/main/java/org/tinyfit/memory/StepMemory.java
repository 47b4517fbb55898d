package org.tinyfit.memory;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/**
 * The live arena bytes at each step of an order, by the one definition of {@link LiveRanges} (TFLite
 * Micro's lifetimes, sizes rounded up to 16 bytes, kernels' scratch buffers live at their step), and
 * the same under {@link LiveModel#IN_PLACE}. The peak is what {@link LiveRanges#lowerBoundBytes()}
 * reports: no arena plan for that order can be smaller. The schedulers compute these numbers
 * incrementally and are tested against this plain version.
 */
public final class StepMemory {
    private StepMemory() {}

    /** True when the tensor takes arena space (as {@link LiveRanges#needsArena}). */
    public static boolean inArena(Tensor t) { return LiveRanges.needsArena(t); }

    /** Arena bytes of a tensor (aligned), 0 for one that is not in the arena. */
    public static long arenaBytes(Tensor t) {
        return inArena(t) ? LiveRanges.alignUp(t.bytes(), LiveRanges.TFLM_ALIGNMENT_BYTES) : 0;
    }

    /** Aligned bytes of the scratch buffers TFLite Micro's kernel for {@code n} asks for. */
    public static long scratchBytes(Graph g, Node n) {
        long sum = 0;
        for (ScratchRequirement r : ScratchRequirement.of(g, n)) sum += LiveRanges.alignUp(r.bytes(), LiveRanges.TFLM_ALIGNMENT_BYTES);
        return sum;
    }

    /** Bytes alive while the node at each step of {@code order} runs, as TFLite Micro counts them. */
    public static long[] stepBytes(Graph g, Schedule order) { return stepBytes(g, order, LiveModel.TFLM); }

    /**
     * Bytes alive while the node at each step of {@code order} runs. Under {@link LiveModel#IN_PLACE},
     * a node with an {@link InPlace} rule whose input dies at that step writes over it: its output
     * costs only what it has beyond that input (nothing, unless it is larger) and the rule's scratch.
     */
    public static long[] stepBytes(Graph g, Schedule order, LiveModel model) {
        LiveRanges ranges = LiveRanges.of(g, order);
        int steps = order.size();
        long[] bytes = new long[steps];
        for (int s = 0; s < steps; s++) bytes[s] = ranges.liveBytesAt(LiveRanges.timeOfStep(s));
        if (model == LiveModel.IN_PLACE) {
            for (int s = 0; s < steps; s++) {
                Node n = g.node(order.node(s));
                InPlace.Rule rule = InPlace.rule(g, n);
                if (rule == null) continue;
                for (int t : rule.inputs()) {
                    if (ranges.inArena(t) && ranges.lastTime(t) == LiveRanges.timeOfStep(s)) {
                        bytes[s] += alignedScratch(rule) - Math.min(arenaBytes(g.tensor(t)), arenaBytes(g.tensor(n.output(0))));
                        break;
                    }
                }
            }
        }
        return bytes;
    }

    static long alignedScratch(InPlace.Rule rule) {
        return LiveRanges.alignUp(rule.scratchBytes(), LiveRanges.TFLM_ALIGNMENT_BYTES);
    }

    /** The live-bytes lower bound of the order: the most bytes live at any time, inputs' arrival included. */
    public static long peakBytes(Graph g, Schedule order) { return peakBytes(g, order, LiveModel.TFLM); }

    public static long peakBytes(Graph g, Schedule order, LiveModel model) {
        long peak = orderIndependentFloorBytes(g);
        for (long b : stepBytes(g, order, model)) peak = Math.max(peak, b);
        return peak;
    }

    /**
     * Live bytes that do not depend on the order: all graph inputs while they arrive (time 0), and
     * activations nothing reads or writes (time -1 in {@link LiveRanges}).
     */
    static long orderIndependentFloorBytes(Graph g) {
        LiveRanges ranges = LiveRanges.of(g, Schedule.stored(g));
        return Math.max(ranges.liveBytesAt(-1), ranges.liveBytesAt(0));
    }

    /**
     * A bound no order can beat: the largest sum, over one node, of the arena bytes it reads and
     * writes plus its scratch (all of them are alive while it runs, whatever the order), and the
     * order-independent floor.
     */
    public static long orderIndependentLowerBoundBytes(Graph g) {
        return orderIndependentLowerBoundBytes(g, LiveModel.TFLM);
    }

    /** As {@link #orderIndependentLowerBoundBytes(Graph)}; in place, a node needs its inputs plus its scratch. */
    public static long orderIndependentLowerBoundBytes(Graph g, LiveModel model) {
        long bound = orderIndependentFloorBytes(g);
        for (Node n : g.nodes()) bound = Math.max(bound, nodeBytes(g, n, model));
        return bound;
    }

    /** Bytes a node needs while it runs, whatever the order: its distinct inputs, outputs and scratch. */
    static long nodeBytes(Graph g, Node n, LiveModel model) {
        long in = 0, out = 0;
        int[] ins = n.inputs();
        for (int k = 0; k < ins.length; k++) {
            int t = ins[k];
            if (t < 0 || seenBefore(ins, k)) continue;
            in += arenaBytes(g.tensor(t));
        }
        for (int t : n.outputs()) out += arenaBytes(g.tensor(t));
        InPlace.Rule rule = model == LiveModel.IN_PLACE ? InPlace.rule(g, n) : null;
        if (rule != null) {
            long largestInput = 0;
            for (int t : rule.inputs()) largestInput = Math.max(largestInput, arenaBytes(g.tensor(t)));
            out = Math.min(out, Math.max(0, out - largestInput) + alignedScratch(rule));
        }
        return in + out + scratchBytes(g, n);
    }

    private static boolean seenBefore(int[] a, int k) {
        for (int i = 0; i < k; i++) if (a[i] == a[k]) return true;
        return false;
    }
}
