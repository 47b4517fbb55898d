package org.tinyfit.runtime;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;

/** Arena plans for tests: trivially valid ones, independent of the planners under test elsewhere. */
public final class TestPlans {
    private TestPlans() {}

    /** Every activation tensor its own bytes, in id order, with {@code gapBytes} between them. */
    public static ArenaPlan separate(Graph g, int gapBytes) {
        long[] off = new long[g.tensors().size()];
        long pos = gapBytes;
        for (Tensor t : g.tensors()) {
            if (t.isConstant()) { off[t.id()] = -1; continue; }
            off[t.id()] = pos;
            pos += t.bytes() + gapBytes;
        }
        return new ArenaPlan(off, pos, "separate");
    }

    /** Every activation tensor its own bytes, in reverse id order (a different valid layout). */
    public static ArenaPlan separateReversed(Graph g) {
        long[] off = new long[g.tensors().size()];
        long pos = 0;
        for (int i = g.tensors().size() - 1; i >= 0; i--) {
            Tensor t = g.tensor(i);
            if (t.isConstant()) { off[i] = -1; continue; }
            off[i] = pos;
            pos += t.bytes();
        }
        return new ArenaPlan(off, pos, "separate-reversed");
    }

    /**
     * A first-fit plan that reuses bytes as soon as a tensor dies, for {@code schedule}: a simple
     * planner with heavy reuse, so a kernel that reads or writes outside its tensor shows up.
     */
    public static ArenaPlan firstFit(Graph g, Schedule schedule) {
        int nt = g.tensors().size();
        int steps = schedule.size();
        int[] first = new int[nt], last = new int[nt];
        java.util.Arrays.fill(first, -1);
        for (int t : g.inputs()) { first[t] = 0; last[t] = 0; }
        for (int s = 0; s < steps; s++) {
            var n = g.node(schedule.node(s));
            for (int t : n.outputs()) { if (first[t] < 0) first[t] = s; last[t] = Math.max(last[t], s); }
            for (int t : n.inputs()) if (t >= 0) { if (first[t] < 0) first[t] = 0; last[t] = Math.max(last[t], s); }
        }
        for (int t : g.outputs()) last[t] = steps;
        long[] off = new long[nt];
        java.util.Arrays.fill(off, -1);
        long arena = 0;
        java.util.List<Integer> placed = new java.util.ArrayList<>();
        for (int t = 0; t < nt; t++) {
            Tensor tensor = g.tensor(t);
            if (tensor.isConstant() || first[t] < 0) continue;
            long candidate = 0;
            boolean moved = true;
            while (moved) {
                moved = false;
                for (int o : placed) {
                    boolean live = first[o] <= last[t] && first[t] <= last[o];
                    long ob = g.tensor(o).bytes();
                    if (live && candidate < off[o] + ob && off[o] < candidate + tensor.bytes()) {
                        candidate = off[o] + ob;
                        moved = true;
                    }
                }
            }
            off[t] = candidate;
            placed.add(t);
            arena = Math.max(arena, candidate + tensor.bytes());
        }
        return new ArenaPlan(off, arena, "first-fit");
    }

    /**
     * {@link #separate} but with every node that {@link org.tinyfit.memory.InPlace} allows writing its
     * output over its first dying input (same offset), in {@code schedule} order.
     */
    public static ArenaPlan inPlace(Graph g, Schedule schedule) {
        long[] off = separate(g, 0).offsets();
        int[] last = new int[g.tensors().size()];
        java.util.Arrays.fill(last, -1);
        for (int s = 0; s < schedule.size(); s++) for (int t : g.node(schedule.node(s)).inputs()) if (t >= 0) last[t] = s;
        for (int t : g.outputs()) last[t] = Integer.MAX_VALUE;
        long arena = separate(g, 0).arenaBytes();
        for (int s = 0; s < schedule.size(); s++) {
            var n = g.node(schedule.node(s));
            var rule = org.tinyfit.memory.InPlace.rule(g, n);
            if (rule == null) continue;
            for (int t : rule.inputs()) {
                if (last[t] == s && off[t] >= 0) { off[n.output(0)] = off[t]; break; }
            }
        }
        return new ArenaPlan(off, arena, "in-place");
    }
}
