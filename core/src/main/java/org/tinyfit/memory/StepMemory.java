package org.tinyfit.memory;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/**
 * The activation bytes alive at each step of an order, counted as TFLite Micro counts them: a tensor
 * occupies the arena from the step whose node writes it (step 0 for a graph input) to the step of its
 * last reader (the last step for a graph output; its own first step when nothing reads it). Constants
 * live in flash and variables in TFLM's persistent area, so neither counts.
 *
 * <p>The plain reference: every tensor's interval, then a sum per step. The schedulers compute the
 * same numbers incrementally and are tested against this.
 */
public final class StepMemory {
    private StepMemory() {}

    /** True when the tensor takes arena space: an activation that is neither a constant nor a variable. */
    public static boolean inArena(Tensor t) {
        return !t.isConstant() && !t.variable();
    }

    /** Bytes alive while the node at each step of {@code order} runs, as TFLite Micro counts them. */
    public static long[] stepBytes(Graph g, Schedule order) { return stepBytes(g, order, LiveModel.TFLM); }

    /**
     * Bytes alive while the node at each step of {@code order} runs. Under {@link LiveModel#IN_PLACE},
     * a node with an {@link InPlace} rule whose input dies at that step writes over it: its output
     * costs nothing new at that step, only the rule's scratch.
     */
    public static long[] stepBytes(Graph g, Schedule order, LiveModel model) {
        order.check(g);
        int steps = order.size();
        int[] stepOf = new int[g.nodes().size()];
        for (int s = 0; s < steps; s++) stepOf[order.node(s)] = s;
        long[] bytes = new long[steps];
        if (steps == 0) return bytes;
        int[] lastStep = new int[g.tensors().size()];
        java.util.Arrays.fill(lastStep, -1);
        for (Tensor t : g.tensors()) {
            if (!inArena(t)) continue;
            int id = t.id();
            int producer = g.producer(id);
            boolean isInput = g.isGraphInput(id);
            if (producer < 0 && !isInput) continue;
            int first = producer >= 0 ? stepOf[producer] : 0;
            int last = first;
            for (int c : g.consumers(id)) last = Math.max(last, stepOf[c]);
            if (g.isGraphOutput(id)) last = steps - 1;
            lastStep[id] = last;
            for (int s = first; s <= last; s++) bytes[s] += t.bytes();
        }
        if (model == LiveModel.IN_PLACE) {
            for (int s = 0; s < steps; s++) {
                Node n = g.node(order.node(s));
                InPlace.Rule rule = InPlace.rule(g, n);
                if (rule == null) continue;
                for (int t : rule.inputs()) {
                    if (lastStep[t] == s) {
                        bytes[s] += rule.scratchBytes() - g.tensor(n.output(0)).bytes();
                        break;
                    }
                }
            }
        }
        return bytes;
    }

    /** The largest of {@link #stepBytes}: no arena plan for this order can be smaller. */
    public static long peakBytes(Graph g, Schedule order) { return peakBytes(g, order, LiveModel.TFLM); }

    public static long peakBytes(Graph g, Schedule order, LiveModel model) {
        long peak = 0;
        for (long b : stepBytes(g, order, model)) peak = Math.max(peak, b);
        return peak;
    }

    /**
     * A bound no order can beat: the largest sum, over one node, of the arena bytes it reads and
     * writes (all of them are alive while it runs, whatever the order).
     */
    public static long orderIndependentLowerBoundBytes(Graph g) {
        return orderIndependentLowerBoundBytes(g, LiveModel.TFLM);
    }

    /** As {@link #orderIndependentLowerBoundBytes(Graph)}; in place, a node needs its inputs plus its scratch. */
    public static long orderIndependentLowerBoundBytes(Graph g, LiveModel model) {
        long bound = 0;
        for (Node n : g.nodes()) {
            long b = nodeBytes(g, n);
            InPlace.Rule rule = model == LiveModel.IN_PLACE ? InPlace.rule(g, n) : null;
            if (rule != null) b -= Math.max(0, g.tensor(n.output(0)).bytes() - rule.scratchBytes());
            bound = Math.max(bound, b);
        }
        return bound;
    }

    /** Arena bytes of a node's distinct inputs and outputs. */
    static long nodeBytes(Graph g, Node n) {
        long sum = 0;
        int[] ins = n.inputs();
        for (int k = 0; k < ins.length; k++) {
            int t = ins[k];
            if (t < 0 || !inArena(g.tensor(t)) || seenBefore(ins, k)) continue;
            sum += g.tensor(t).bytes();
        }
        for (int t : n.outputs()) if (inArena(g.tensor(t))) sum += g.tensor(t).bytes();
        return sum;
    }

    private static boolean seenBefore(int[] a, int k) {
        for (int i = 0; i < k; i++) if (a[i] == a[k]) return true;
        return false;
    }
}
