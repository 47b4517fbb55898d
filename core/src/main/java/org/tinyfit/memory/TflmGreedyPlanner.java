package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;

/**
 * TFLite Micro's GreedyMemoryPlanner (memory_planner/greedy_memory_planner.cc), as
 * MicroAllocator::CommitStaticMemoryPlan feeds it: the buffers of {@link LiveRanges} (tensors by id,
 * then scratch buffers in request order), sizes rounded up to 16 bytes, sorted by size descending
 * with a stable sort over the list reversed (so of two buffers of equal size the one added later is
 * placed first), each placed first-fit. The arena is the end of the highest buffer: what TFLite Micro
 * reports as the non-persistent head.
 *
 * <p>Not modelled: offline-planned offsets ("OfflineMemoryAllocation" metadata) and subgraphs of
 * control-flow operators; tinyfit's graph has neither.
 */
public final class TflmGreedyPlanner implements ArenaPlanner {
    public static final String NAME = "tflm-greedy";

    @Override public String name() { return NAME; }

    @Override public ArenaPlan plan(Graph g, Schedule schedule) {
        return plan(LiveRanges.of(g, schedule, LiveRanges.TFLM_ALIGNMENT_BYTES));
    }

    public ArenaPlan plan(LiveRanges ranges) {
        return ArenaPlan.of(ranges, FirstFit.place(ranges.buffers(), order(ranges.buffers())), NAME);
    }

    /** The order TFLite Micro places buffers in: size descending; equal sizes, the later-added first. */
    static int[] order(List<ArenaBuffer> buffers) {
        List<Integer> ids = new ArrayList<>();
        for (int i = buffers.size() - 1; i >= 0; i--) ids.add(i);
        ids.sort((a, b) -> Long.compare(buffers.get(b).alignedBytes(), buffers.get(a).alignedBytes()));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
