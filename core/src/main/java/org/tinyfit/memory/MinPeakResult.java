package org.tinyfit.memory;

/**
 * What {@link MinPeakScheduler} found.
 *
 * @param schedule the order to run (the stored order when nothing beats it)
 * @param model how live bytes were counted
 * @param peakBytes the live activation bytes at the worst step of {@code schedule}
 * @param storedPeakBytes the same for the order stored in the model
 * @param lowerBoundBytes a bound no order can beat (the largest node's inputs plus outputs)
 * @param exact true when {@code peakBytes} is the minimum over all orders; false when the search hit
 *     its size limit and fell back to a beam search
 * @param keptStoredOrder true when no order was strictly better than the stored one
 * @param statesExplored sets of executed nodes the search kept (after pruning)
 * @param beamWidth 0 for the exact search; otherwise the number of states kept per step
 * @param elapsedMicros wall time of the search
 */
public record MinPeakResult(Schedule schedule, LiveModel model, long peakBytes, long storedPeakBytes, long lowerBoundBytes,
        boolean exact, boolean keptStoredOrder, long statesExplored, int beamWidth, long elapsedMicros) {

    /** "exact", or "beam search (width 1000), not proven minimal". */
    public String method() {
        return exact ? "exact" : "beam search (width " + beamWidth + "), not proven minimal";
    }

    public long savedBytes() { return storedPeakBytes - peakBytes; }
}
