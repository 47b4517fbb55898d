package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;

/**
 * TFLite Micro's GreedyMemoryPlanner (memory_planner/greedy_memory_planner.cc), as
 * MicroAllocator::CommitStaticMemoryPlan feeds it: the buffers of {@link LiveRanges} (tensors by id,
 * then scratch buffers in request order), sizes rounded up to 16 bytes, sorted by size descending
 * with a stable sort over the list reversed (so of two buffers of equal size the one added later is
 * placed first), each placed first-fit. The arena is the end of the highest buffer: what TFLite Micro
 * reports as the non-persistent head.
 *
 * <p>{@link #planWithOffline} is the same planner for a model that carries an offline plan
 * ("OfflineMemoryAllocation" metadata): the tensors it places keep their offsets and are entered
 * first, in buffer order, and only the others (online tensors and every scratch buffer) are sorted
 * and placed first-fit around them (GreedyMemoryPlanner::CalculateOffsetsIfNeeded).
 *
 * <p>Not modelled: subgraphs of control-flow operators (tinyfit's graph has none), and offline
 * offsets for variable tensors (TFLite Micro would then move them from the tail into the head).
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

    /** Names the plan TFLite Micro makes from an offline plan plus its own greedy placement of the rest. */
    public static final String OFFLINE_NAME = "tflm-offline";

    /**
     * The plan TFLite Micro makes when the model's offline plan puts tensor {@code t} at
     * {@code tensorOffsets[t]} ({@code -1}: planned online). Offsets for tensors that are not in the
     * arena (constants, variables, empty tensors) are ignored, as TFLite Micro ignores them for
     * constants and empty tensors; the caller rejects offsets for variables.
     */
    public ArenaPlan planWithOffline(LiveRanges ranges, long[] tensorOffsets) {
        List<ArenaBuffer> buffers = ranges.buffers();
        long[] fixed = new long[buffers.size()];
        java.util.Arrays.fill(fixed, -1);
        List<Integer> first = new ArrayList<>();
        List<ArenaBuffer> online = new ArrayList<>();
        List<Integer> onlineIds = new ArrayList<>();
        for (int i = 0; i < buffers.size(); i++) {
            ArenaBuffer b = buffers.get(i);
            if (!b.isScratch() && b.tensor() < tensorOffsets.length && tensorOffsets[b.tensor()] >= 0) {
                fixed[i] = tensorOffsets[b.tensor()];
                first.add(i);
            } else {
                online.add(b);
                onlineIds.add(i);
            }
        }
        int[] rest = order(online);
        int[] all = new int[buffers.size()];
        int k = 0;
        for (int i : first) all[k++] = i;
        for (int r : rest) all[k++] = onlineIds.get(r);
        return ArenaPlan.of(ranges, FirstFit.place(buffers, all, fixed), OFFLINE_NAME);
    }

    /**
     * TFLite Micro's plan for {@code g} run in {@code schedule} when its file's offline plan gives
     * {@code tensorOffsets[t]} for tensor {@code t} ({@code -1}: online; entries beyond the graph's
     * tensors belong to other subgraphs and are ignored). Throws a {@link GraphException} when TFLite
     * Micro would not run the model safely with it: an offset for a variable tensor (not modelled), or
     * two tensors live at the same time on overlapping bytes.
     */
    public ArenaPlan planWithOffline(Graph g, Schedule schedule, int[] tensorOffsets) {
        int n = g.tensors().size();
        if (tensorOffsets.length < n) {
            throw new GraphException("the offline plan has " + tensorOffsets.length + " offsets, fewer than the " + n + " tensors of subgraph 0");
        }
        long[] at = new long[n];
        for (int t = 0; t < n; t++) {
            at[t] = tensorOffsets[t];
            if (at[t] >= 0 && g.tensor(t).variable()) {
                throw new GraphException("the offline plan places variable tensor " + t + " (" + g.tensor(t).name()
                        + ") in the arena's head; tinyfit models variables in the persistent tail only");
            }
        }
        ArenaPlan plan = planWithOffline(LiveRanges.of(g, schedule), at);
        try {
            PlanCheck.verify(g, schedule, plan);
        } catch (PlanCheck.PlanException e) {
            throw new GraphException("the offline plan (OfflineMemoryAllocation) is unsafe: " + e.getMessage()
                    + "; TFLite Micro would let one overwrite the other");
        }
        return plan;
    }

    /** The order TFLite Micro places buffers in: size descending; equal sizes, the later-added first. */
    static int[] order(List<ArenaBuffer> buffers) {
        List<Integer> ids = new ArrayList<>();
        for (int i = buffers.size() - 1; i >= 0; i--) ids.add(i);
        ids.sort((a, b) -> Long.compare(buffers.get(b).alignedBytes(), buffers.get(a).alignedBytes()));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
