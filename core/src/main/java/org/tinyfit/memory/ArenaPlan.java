package org.tinyfit.memory;

import java.util.Arrays;
import java.util.List;

/**
 * Where each activation tensor lives in the one arena: {@code offsets[t]} is the byte offset of
 * tensor {@code t}, or -1 for a tensor that is not in the arena (constants live in flash).
 * {@code arenaBytes} is the size of the arena the plan needs. {@code planner} names who made it.
 * {@code scratchOffsets[n][i]} is the offset of the {@code i}-th scratch buffer node {@code n}
 * requests ({@link ScratchRequirement}); a plan made without scratch buffers has none.
 */
public record ArenaPlan(long[] offsets, long arenaBytes, String planner, long[][] scratchOffsets) {
    public static final long NOT_IN_ARENA = -1;
    private static final long[] NONE = new long[0];

    public ArenaPlan {
        offsets = offsets.clone();
        scratchOffsets = deepCopy(scratchOffsets == null ? new long[0][] : scratchOffsets);
    }

    /** A plan without scratch buffers. */
    public ArenaPlan(long[] offsets, long arenaBytes, String planner) { this(offsets, arenaBytes, planner, new long[0][]); }

    /** The plan that puts buffer {@code i} of {@code ranges} at {@code bufferOffsets[i]}; the arena ends at the last aligned byte used. */
    public static ArenaPlan of(LiveRanges ranges, long[] bufferOffsets, String planner) {
        List<ArenaBuffer> buffers = ranges.buffers();
        if (bufferOffsets.length != buffers.size()) {
            throw new IllegalArgumentException("expected " + buffers.size() + " buffer offsets, got " + bufferOffsets.length);
        }
        long[] offsets = new long[ranges.tensorBuffer().length];
        Arrays.fill(offsets, NOT_IN_ARENA);
        long[][] scratch = new long[ranges.stepCount()][];
        int[] scratchCount = new int[ranges.stepCount()];
        for (ArenaBuffer b : buffers) if (b.isScratch()) scratchCount[b.node()]++;
        for (int n = 0; n < scratch.length; n++) scratch[n] = scratchCount[n] == 0 ? NONE : new long[scratchCount[n]];
        long arena = 0;
        for (int i = 0; i < buffers.size(); i++) {
            ArenaBuffer b = buffers.get(i);
            if (b.isScratch()) scratch[b.node()][b.scratchIndex()] = bufferOffsets[i];
            else offsets[b.tensor()] = bufferOffsets[i];
            arena = Math.max(arena, bufferOffsets[i] + b.alignedBytes());
        }
        return new ArenaPlan(offsets, arena, planner, scratch);
    }

    private static long[][] deepCopy(long[][] a) {
        long[][] c = new long[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i] == null ? NONE : a[i].clone();
        return c;
    }

    @Override public long[] offsets() { return offsets.clone(); }

    @Override public long[][] scratchOffsets() { return deepCopy(scratchOffsets); }

    public long offset(int tensor) { return offsets[tensor]; }

    public boolean inArena(int tensor) { return offsets[tensor] >= 0; }

    /** Offset of node {@code node}'s {@code index}-th scratch buffer; throws if the plan has none. */
    public long scratchOffset(int node, int index) {
        if (node >= scratchOffsets.length || index >= scratchOffsets[node].length) {
            throw new IllegalArgumentException("the plan by " + planner + " has no scratch buffer " + index + " for node " + node);
        }
        return scratchOffsets[node][index];
    }

    @Override public boolean equals(Object o) {
        return o instanceof ArenaPlan p && arenaBytes == p.arenaBytes && Arrays.equals(offsets, p.offsets) && planner.equals(p.planner)
                && Arrays.deepEquals(scratchOffsets, p.scratchOffsets);
    }

    @Override public int hashCode() { return Arrays.hashCode(offsets) * 31 + Long.hashCode(arenaBytes); }

    @Override public String toString() {
        return "ArenaPlan(" + planner + ", " + arenaBytes + " B, offsets " + Arrays.toString(offsets) + ")";
    }
}
