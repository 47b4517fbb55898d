package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;

/**
 * Live bytes at every time of a schedule (times as in {@link LiveRanges}: time 0 is the graph inputs
 * arriving, time {@code s + 1} is step {@code s}). {@code lowerBoundBytes} is the largest live total:
 * no arena plan for this schedule can be smaller. Sizes are aligned as {@code alignmentBytes} says.
 */
public record MemoryProfile(List<Step> steps, int peakTime, long lowerBoundBytes, int alignmentBytes) {

    /**
     * One time: {@code step} of the schedule (-1 while the inputs arrive, -2 for never-used tensors),
     * its {@code node} (-1 if none), the aligned bytes live, the tensors live, and the scratch bytes
     * among them.
     */
    public record Step(int time, int step, int node, long liveBytes, int[] liveTensors, long scratchBytes) {
        public Step { liveTensors = liveTensors.clone(); }

        @Override public int[] liveTensors() { return liveTensors.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Step s && time == s.time && step == s.step && node == s.node && liveBytes == s.liveBytes
                    && scratchBytes == s.scratchBytes && java.util.Arrays.equals(liveTensors, s.liveTensors);
        }

        @Override public int hashCode() { return time * 31 + Long.hashCode(liveBytes); }
    }

    public MemoryProfile { steps = List.copyOf(steps); }

    /** The profile with TFLite Micro's 16-byte alignment. */
    public static MemoryProfile of(Graph g, Schedule schedule) { return of(g, schedule, LiveRanges.of(g, schedule)); }

    public static MemoryProfile of(Graph g, Schedule schedule, LiveRanges ranges) {
        List<Step> steps = new ArrayList<>();
        long peak = 0;
        int peakTime = 0;
        for (int time = ranges.firstTime(); time <= ranges.lastTime(); time++) {
            long live = 0;
            long scratch = 0;
            List<Integer> tensors = new ArrayList<>();
            for (ArenaBuffer b : ranges.buffers()) {
                if (!b.liveAt(time)) continue;
                live += b.alignedBytes();
                if (b.isScratch()) scratch += b.alignedBytes();
                else tensors.add(b.tensor());
            }
            int step = time - 1;
            int node = step >= 0 ? schedule.node(step) : -1;
            steps.add(new Step(time, Math.max(step, -2), node, live, tensors.stream().mapToInt(Integer::intValue).toArray(), scratch));
            if (live > peak) { peak = live; peakTime = time; }
        }
        return new MemoryProfile(steps, peakTime, peak, ranges.alignmentBytes());
    }

    /** The step at the peak (-1 if the peak is while the inputs arrive). */
    public int peakStep() { return peakTime - 1; }

    public Step at(int time) {
        for (Step s : steps) if (s.time() == time) return s;
        throw new IllegalArgumentException("the profile has no time " + time);
    }
}
