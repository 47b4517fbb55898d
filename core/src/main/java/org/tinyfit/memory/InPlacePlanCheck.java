package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;

/**
 * {@link PlanCheck} for plans that run nodes in place: every buffer placed and inside the arena, and
 * no two buffers live at the same time overlapping, except an alias pair: the output of a node with
 * an {@link InPlace} rule and an input of that rule which dies at that node, both at the same
 * offset. A per-channel node that runs in place must have its scratch plane in the plan (its scratch
 * buffer after those {@link ScratchRequirement} lists), apart from every buffer live at its step.
 */
public final class InPlacePlanCheck {
    private InPlacePlanCheck() {}

    /** Throws {@link PlanCheck.PlanException} naming the buffers if the plan breaks a rule; returns the number of aliased nodes. */
    public static int verify(Graph g, Schedule schedule, ArenaPlan plan) {
        LiveRanges ranges = LiveRanges.of(g, schedule, 1);
        List<ArenaBuffer> buffers = new ArrayList<>(ranges.buffers());
        long[][] scratch = plan.scratchOffsets();
        int[] stepOf = new int[g.nodes().size()];
        for (int s = 0; s < schedule.size(); s++) stepOf[schedule.node(s)] = s;
        int aliased = 0;
        for (int s = 0; s < schedule.size(); s++) {
            Node n = g.node(schedule.node(s));
            if (!runsInPlace(g, n, ranges, plan, LiveRanges.timeOfStep(s))) continue;
            aliased++;
            long planeBytes = InPlace.rule(g, n).scratchBytes();
            if (planeBytes == 0) continue;
            int index = ScratchRequirement.of(g, n).size();
            if (n.id() >= scratch.length || scratch[n.id()].length <= index) {
                throw new PlanCheck.PlanException("plan by " + plan.planner() + " runs " + n.label() + " in place but reserves no scratch plane ("
                        + planeBytes + " B) for it; plan with InPlacePlanner");
            }
            int time = LiveRanges.timeOfStep(s);
            buffers.add(new ArenaBuffer(-1, n.id(), index, planeBytes, planeBytes, time, time));
        }
        long[] at = new long[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            ArenaBuffer b = buffers.get(i);
            if (b.isScratch()) at[i] = plan.scratchOffset(b.node(), b.scratchIndex());
            else if (b.tensor() < plan.offsets().length) at[i] = plan.offset(b.tensor());
            else throw new PlanCheck.PlanException("plan by " + plan.planner() + " has no entry for " + b.label());
            if (at[i] < 0) throw new PlanCheck.PlanException("plan by " + plan.planner() + " leaves " + b.label() + " (" + b.bytes() + " B) out of the arena");
            if (at[i] + b.bytes() > plan.arenaBytes()) {
                throw new PlanCheck.PlanException("plan by " + plan.planner() + " puts " + b.label() + " at [" + at[i] + ", " + (at[i] + b.bytes())
                        + "), beyond the arena of " + plan.arenaBytes() + " B");
            }
        }
        for (int i = 0; i < buffers.size(); i++) {
            ArenaBuffer a = buffers.get(i);
            for (int j = i + 1; j < buffers.size(); j++) {
                ArenaBuffer b = buffers.get(j);
                if (!a.overlapsInTime(b) || a.bytes() == 0 || b.bytes() == 0) continue;
                if (!(at[i] < at[j] + b.bytes() && at[j] < at[i] + a.bytes())) continue;
                if (aliasPair(g, ranges, plan, stepOf, a, b) || aliasPair(g, ranges, plan, stepOf, b, a)) continue;
                throw new PlanCheck.PlanException("plan by " + plan.planner() + " overlaps " + a.label() + " [" + at[i] + ", " + (at[i] + a.bytes()) + ") and "
                        + b.label() + " [" + at[j] + ", " + (at[j] + b.bytes()) + "), both live at time " + Math.max(a.firstTime(), b.firstTime())
                        + ", and they are no in-place pair");
            }
        }
        return aliased;
    }

    /** Whether the plan puts node {@code n}'s output at the offset of an input its rule lets it overwrite, dying at {@code time}. */
    static boolean runsInPlace(Graph g, Node n, LiveRanges ranges, ArenaPlan plan, int time) {
        InPlace.Rule rule = InPlace.rule(g, n);
        if (rule == null || !ranges.inArena(n.output(0))) return false;
        for (int t : rule.inputs()) {
            if (ranges.inArena(t) && ranges.lastTime(t) == time && plan.offset(t) == plan.offset(n.output(0))) return true;
        }
        return false;
    }

    /** {@code out} is written over {@code in} by the node that reads {@code in} last, as its rule allows, at the same offset. */
    private static boolean aliasPair(Graph g, LiveRanges ranges, ArenaPlan plan, int[] stepOf, ArenaBuffer in, ArenaBuffer out) {
        if (in.isScratch() || out.isScratch() || plan.offset(in.tensor()) != plan.offset(out.tensor())) return false;
        int p = g.producer(out.tensor());
        if (p < 0) return false;
        int time = LiveRanges.timeOfStep(stepOf[p]);
        if (in.lastTime() != time || out.firstTime() != time) return false;
        InPlace.Rule rule = InPlace.rule(g, g.node(p));
        if (rule == null) return false;
        for (int t : rule.inputs()) if (t == in.tensor()) return true;
        return false;
    }
}
