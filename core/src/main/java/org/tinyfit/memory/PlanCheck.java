package org.tinyfit.memory;

import java.util.List;
import org.tinyfit.graph.Graph;

/** Checks that an arena plan is safe for a schedule: every buffer placed, inside the arena, no two live at once overlapping. */
public final class PlanCheck {
    private PlanCheck() { }

    /** A plan that breaks a rule; the message names the buffers. */
    public static final class PlanException extends RuntimeException {
        public PlanException(String message) { super(message); }
    }

    /**
     * Throws {@link PlanException} if a tensor or scratch buffer that must be in the arena has no
     * offset, lies (by its data bytes) outside {@code [0, arenaBytes)}, or overlaps in bytes another
     * buffer live at the same time. Scratch buffers are checked when the plan has any.
     */
    public static void verify(Graph g, Schedule schedule, ArenaPlan plan) {
        LiveRanges ranges = LiveRanges.of(g, schedule, 1);
        List<ArenaBuffer> buffers = ranges.buffers();
        boolean withScratch = false;
        for (long[] s : plan.scratchOffsets()) if (s.length > 0) withScratch = true;
        long[] at = new long[buffers.size()];
        boolean[] check = new boolean[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            ArenaBuffer b = buffers.get(i);
            if (b.isScratch()) {
                if (!withScratch) continue;
                at[i] = plan.scratchOffset(b.node(), b.scratchIndex());
            } else {
                if (b.tensor() >= plan.offsets().length) throw new PlanException("plan by " + plan.planner() + " has no entry for " + b.label());
                at[i] = plan.offset(b.tensor());
            }
            check[i] = true;
            if (at[i] < 0) throw new PlanException("plan by " + plan.planner() + " leaves " + b.label() + " (" + b.bytes() + " B) out of the arena");
            if (at[i] + b.bytes() > plan.arenaBytes()) {
                throw new PlanException("plan by " + plan.planner() + " puts " + b.label() + " at [" + at[i] + ", " + (at[i] + b.bytes())
                        + "), beyond the arena of " + plan.arenaBytes() + " B");
            }
        }
        for (int i = 0; i < buffers.size(); i++) {
            if (!check[i]) continue;
            ArenaBuffer a = buffers.get(i);
            for (int j = i + 1; j < buffers.size(); j++) {
                if (!check[j]) continue;
                ArenaBuffer b = buffers.get(j);
                if (!a.overlapsInTime(b) || a.bytes() == 0 || b.bytes() == 0) continue;
                if (at[i] < at[j] + b.bytes() && at[j] < at[i] + a.bytes()) {
                    throw new PlanException("plan by " + plan.planner() + " overlaps " + a.label() + " [" + at[i] + ", " + (at[i] + a.bytes()) + ") and "
                            + b.label() + " [" + at[j] + ", " + (at[j] + b.bytes()) + "), both live at time "
                            + Math.max(a.firstTime(), b.firstTime()));
                }
            }
        }
    }
}
