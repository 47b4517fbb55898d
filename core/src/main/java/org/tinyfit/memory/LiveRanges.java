package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/**
 * When each arena buffer is live under a schedule: the one definition every planner, the profile and
 * the checker share. It follows TFLite Micro's lifetime rules (micro_allocation_info.cc,
 * MarkAllocationLifetimes), with time counted as TFLite Micro counts allocation scopes:
 * <ul>
 * <li>time 0 is when the graph inputs arrive; step {@code s} of the schedule runs at time {@code s + 1};
 *     the last step runs at time {@link #lastTime()};</li>
 * <li>a graph input is live from time 0 to its last read (time 0 only if no node reads it);</li>
 * <li>a node's output is live from its producing step to its last read; a graph output stays live to
 *     the last time;</li>
 * <li>a scratch buffer ({@link ScratchRequirement}) is live only at its node's step;</li>
 * <li>an activation that nothing writes or reads (and is no graph input or output) gets time -1 only,
 *     as in TFLite Micro.</li>
 * </ul>
 * Arena buffers are the activations: not constants, not variables (TFLite Micro keeps those in the
 * persistent tail), not empty. Scratch buffers follow the tensors, ordered by step, then by request.
 * Sizes are rounded up to {@code alignmentBytes} (TFLite Micro: 16).
 */
public record LiveRanges(List<ArenaBuffer> buffers, int stepCount, int alignmentBytes, int[] tensorBuffer) {
    /** TFLite Micro's arena alignment (micro_arena_constants.h, MicroArenaBufferAlignment). */
    public static final int TFLM_ALIGNMENT_BYTES = 16;

    public LiveRanges {
        buffers = List.copyOf(buffers);
        tensorBuffer = tensorBuffer.clone();
    }

    @Override public int[] tensorBuffer() { return tensorBuffer.clone(); }

    public static LiveRanges of(Graph g, Schedule schedule) { return of(g, schedule, TFLM_ALIGNMENT_BYTES); }

    public static LiveRanges of(Graph g, Schedule schedule, int alignmentBytes) {
        if (alignmentBytes < 1) throw new IllegalArgumentException("alignment must be at least 1 byte, got " + alignmentBytes);
        schedule.check(g);
        int nt = g.tensors().size();
        int[] first = new int[nt];
        int[] last = new int[nt];
        Arrays.fill(first, -1);
        Arrays.fill(last, -1);
        for (int t : g.inputs()) {
            if (first[t] < 0) first[t] = 0;
            last[t] = Math.max(last[t], 0);
        }
        List<ArenaBuffer> scratch = new ArrayList<>();
        for (int step = 0; step < schedule.size(); step++) {
            int time = step + 1;
            Node node = g.node(schedule.node(step));
            for (int t : node.outputs()) if (first[t] < 0) first[t] = time;
            for (int t : node.inputs()) if (t >= 0) last[t] = time;
            for (int t : node.outputs()) last[t] = time;
            for (ScratchRequirement r : ScratchRequirement.of(g, node)) {
                scratch.add(new ArenaBuffer(-1, node.id(), r.index(), r.bytes(), alignUp(r.bytes(), alignmentBytes), time, time));
            }
        }
        int end = schedule.size();
        for (int t : g.outputs()) {
            if (first[t] < 0) first[t] = end;
            last[t] = end;
        }
        List<ArenaBuffer> buffers = new ArrayList<>();
        int[] tensorBuffer = new int[nt];
        Arrays.fill(tensorBuffer, -1);
        for (int t = 0; t < nt; t++) {
            Tensor tensor = g.tensor(t);
            if (!needsArena(tensor)) continue;
            tensorBuffer[t] = buffers.size();
            buffers.add(new ArenaBuffer(t, g.producer(t), -1, tensor.bytes(), alignUp(tensor.bytes(), alignmentBytes), first[t], last[t]));
        }
        buffers.addAll(scratch);
        return new LiveRanges(buffers, schedule.size(), alignmentBytes, tensorBuffer);
    }

    /** Whether a tensor lives in the arena: an activation with bytes, not a constant and not a variable. */
    public static boolean needsArena(Tensor t) {
        return !t.isConstant() && !t.variable() && t.bytes() > 0;
    }

    public static long alignUp(long bytes, int alignment) {
        return (bytes + alignment - 1) / alignment * alignment;
    }

    /** The time at which step {@code s} runs. */
    public static int timeOfStep(int step) { return step + 1; }

    /** The last time: when the last step runs and graph outputs are final. */
    public int lastTime() { return stepCount; }

    /** The earliest time any buffer is live (-1 if some activation is never touched, else 0). */
    public int firstTime() {
        int min = 0;
        for (ArenaBuffer b : buffers) min = Math.min(min, b.firstTime());
        return min;
    }

    public boolean inArena(int tensor) { return tensorBuffer[tensor] >= 0; }

    /** The buffer of an arena tensor; throws for a tensor that is not in the arena. */
    public ArenaBuffer ofTensor(int tensor) {
        int i = tensorBuffer[tensor];
        if (i < 0) throw new IllegalArgumentException("tensor " + tensor + " is not in the arena (a constant, a variable or empty)");
        return buffers.get(i);
    }

    public int firstTime(int tensor) { return ofTensor(tensor).firstTime(); }

    public int lastTime(int tensor) { return ofTensor(tensor).lastTime(); }

    /** Aligned bytes of all buffers live at {@code time}. */
    public long liveBytesAt(int time) {
        long sum = 0;
        for (ArenaBuffer b : buffers) if (b.liveAt(time)) sum += b.alignedBytes();
        return sum;
    }

    /** The live-bytes lower bound: no plan of these buffers can use a smaller arena. */
    public long lowerBoundBytes() {
        long max = 0;
        for (int time = firstTime(); time <= lastTime(); time++) max = Math.max(max, liveBytesAt(time));
        return max;
    }

    @Override public boolean equals(Object o) {
        return o instanceof LiveRanges r && buffers.equals(r.buffers) && stepCount == r.stepCount && alignmentBytes == r.alignmentBytes;
    }

    @Override public int hashCode() { return buffers.hashCode(); }
}
