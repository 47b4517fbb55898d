package org.tinyfit.memory;

/**
 * One block a plan must place in the arena: an activation tensor ({@code tensor >= 0}) or a
 * kernel's scratch buffer ({@code tensor == -1}, owned by {@code node}, the {@code scratchIndex}-th
 * it requests). {@code bytes} is what the data needs, {@code alignedBytes} what the arena reserves
 * (rounded up to the alignment). It is live from {@code firstTime} to {@code lastTime} inclusive,
 * in the times of {@link LiveRanges}.
 */
public record ArenaBuffer(int tensor, int node, int scratchIndex, long bytes, long alignedBytes, int firstTime, int lastTime) {

    public boolean isScratch() { return tensor < 0; }

    /** True if both are live at some common time. */
    public boolean overlapsInTime(ArenaBuffer o) {
        return firstTime <= o.lastTime && o.firstTime <= lastTime;
    }

    public boolean liveAt(int time) { return firstTime <= time && time <= lastTime; }

    public String label() {
        return isScratch() ? "scratch " + scratchIndex + " of node " + node : "tensor " + tensor;
    }
}
