package org.tinyfit.memory;

import java.util.Arrays;

/**
 * Where each activation tensor lives in the one arena: {@code offsets[t]} is the byte offset of
 * tensor {@code t}, or -1 for a tensor that is not in the arena (constants live in flash).
 * {@code arenaBytes} is the size of the arena the plan needs. {@code planner} names who made it.
 */
public record ArenaPlan(long[] offsets, long arenaBytes, String planner) {
    public static final long NOT_IN_ARENA = -1;

    public ArenaPlan { offsets = offsets.clone(); }

    @Override public long[] offsets() { return offsets.clone(); }

    public long offset(int tensor) { return offsets[tensor]; }

    public boolean inArena(int tensor) { return offsets[tensor] >= 0; }

    @Override public boolean equals(Object o) {
        return o instanceof ArenaPlan p && arenaBytes == p.arenaBytes && Arrays.equals(offsets, p.offsets) && planner.equals(p.planner);
    }

    @Override public int hashCode() { return Arrays.hashCode(offsets) * 31 + Long.hashCode(arenaBytes); }
}
