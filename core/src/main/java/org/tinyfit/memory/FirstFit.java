package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * First-fit placement: buffers are placed one by one in a given order, each at the lowest offset
 * (0 or the end of a placed buffer) where it overlaps no placed buffer that is live at the same time.
 * This is the placement step of TFLite Micro's GreedyMemoryPlanner; the order is the caller's choice.
 */
final class FirstFit {
    private FirstFit() { }

    /** Offsets per buffer index (aligned sizes), placing buffers in {@code order} (buffer indices). */
    static long[] place(List<ArenaBuffer> buffers, int[] order) {
        long[] none = new long[buffers.size()];
        java.util.Arrays.fill(none, -1);
        return place(buffers, order, none);
    }

    /**
     * As {@link #place(List, int[])}, but a buffer with {@code fixed[i] >= 0} is not searched for: it
     * goes at that offset when its turn comes (as TFLite Micro treats offline-planned offsets).
     */
    static long[] place(List<ArenaBuffer> buffers, int[] order, long[] fixed) {
        long[] offsets = new long[buffers.size()];
        java.util.Arrays.fill(offsets, -1);
        List<Integer> byOffset = new ArrayList<>();
        for (int id : order) {
            ArenaBuffer want = buffers.get(id);
            long candidate = fixed[id] >= 0 ? fixed[id] : lowestGap(buffers, offsets, byOffset, want);
            offsets[id] = candidate;
            int at = byOffset.size();
            for (int k = 0; k < byOffset.size(); k++) {
                if (offsets[byOffset.get(k)] > candidate) { at = k; break; }
            }
            byOffset.add(at, id);
        }
        return offsets;
    }

    /** The lowest offset at which {@code want} overlaps no placed buffer live at the same time. */
    private static long lowestGap(List<ArenaBuffer> buffers, long[] offsets, List<Integer> byOffset, ArenaBuffer want) {
        long candidate = 0;
        for (int placed : byOffset) {
            ArenaBuffer other = buffers.get(placed);
            if (!other.overlapsInTime(want)) continue;
            if (offsets[placed] - candidate >= want.alignedBytes()) break;
            candidate = Math.max(candidate, offsets[placed] + other.alignedBytes());
        }
        return candidate;
    }
}
