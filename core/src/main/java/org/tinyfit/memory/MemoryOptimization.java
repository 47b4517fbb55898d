package org.tinyfit.memory;

import java.util.List;
import org.tinyfit.graph.Graph;

/**
 * Everything tinyfit can do for a model's activation memory, measured side by side.
 *
 * @param operators nodes in the model
 * @param storedArenaBytes TFLite Micro's greedy arena for the stored order (what TFLM needs today)
 * @param chosenOrder the order to write: the min-peak order if TFLM's greedy planner gives it a
 *     smaller arena than the stored order, otherwise the stored order
 * @param orderChanged whether {@code chosenOrder} differs from the stored order
 * @param optimizedArenaBytes TFLite Micro's greedy arena for {@code chosenOrder}; never above
 *     {@code storedArenaBytes}
 * @param orderSearch the min-peak search under TFLM's memory model
 * @param bestPlanArenaBytes the smallest arena TFLite Micro plans for the min-peak order, on its own
 *     or from an offline plan ("OfflineMemoryAllocation") holding the tensor offsets of one of the given
 *     planners: TFLite Micro keeps those offsets and fits the kernels' scratch buffers around them
 *     ({@link TflmGreedyPlanner#planWithOffline}), so this is what it plans for the file, to the byte
 * @param bestPlanPlanner the planner whose tensor offsets give it
 * @param lowerBoundBytes the live-bytes lower bound of the min-peak order: no plan can do better
 * @param partialExecution the channel splits, applied to the graph in its in-place min-peak order
 * @param partialExecutionPeakBytes live bytes at the worst step with in-place execution and the
 *     splits, in the best order found for the split graph (tinyfit's runtime and C code; TFLM does
 *     not run in place)
 * @param splitOrderSearch the in-place order search on the split graph
 * @param bestPlan the plan of {@code bestPlanArenaBytes} as TFLite Micro makes it (tensors and scratch buffers)
 * @param offlinePlan the plan to write as the model's offline plan, in {@code offlineOrder}: {@code bestPlan}
 *     when it needs a smaller arena than {@code optimizedArenaBytes} and the model has one subgraph, else null
 *     (TFLite Micro's own plan for {@code chosenOrder} is as good)
 * @param offlineOrder the order to write with {@code offlinePlan} (the min-peak order), or null
 * @param orderMicros time of the order search and the planners
 * @param partialExecutionMicros time of the in-place order search, the splitting and the order
 *     search on the split graph
 * @param streamed the split graph in its order with the row pipelines that lower its in-place peak
 *     collapsed ({@link RowPipeline}; none where none does): what tinyfit's Java runtime can run in
 *     {@link #streamedPeakBytes()}; the generated C keeps the split graph's plan
 */
public record MemoryOptimization(int operators, long storedArenaBytes, Schedule chosenOrder, boolean orderChanged,
        long optimizedArenaBytes, MinPeakResult orderSearch, long bestPlanArenaBytes, String bestPlanPlanner,
        long lowerBoundBytes, PartialExecution.Result partialExecution, long partialExecutionPeakBytes,
        MinPeakResult splitOrderSearch, ArenaPlan bestPlan, ArenaPlan offlinePlan, Schedule offlineOrder,
        long orderMicros, long partialExecutionMicros, RowPipeline.Result streamed) {

    /** States the order search on a split graph may hold: split graphs are wide, and their stored order is already good. */
    public static final int SPLIT_GRAPH_STATE_LIMIT = 50_000;

    /**
     * Measures {@code g}. {@code planners} are tried on the min-peak order for the best plan; TFLite
     * Micro's greedy planner is always among them.
     */
    public static MemoryOptimization of(Graph g, List<ArenaPlanner> planners) {
        long t0 = System.nanoTime();
        TflmGreedyPlanner tflm = new TflmGreedyPlanner();
        Schedule stored = Schedule.stored(g);
        long storedArena = tflm.plan(g, stored).arenaBytes();
        MinPeakResult search = MinPeakScheduler.minimize(g);
        Schedule minPeak = search.schedule();
        long minPeakArena = search.keptStoredOrder() ? storedArena : tflm.plan(g, minPeak).arenaBytes();
        boolean useMinPeak = minPeakArena < storedArena;
        Schedule chosen = useMinPeak ? minPeak : stored;
        LiveRanges ranges = LiveRanges.of(g, minPeak);
        ArenaPlan bestPlan = tflm.plan(ranges);
        String bestName = tflm.name();
        boolean viaOffline = false;
        for (ArenaPlanner p : planners) {
            ArenaPlan realized = tflm.planWithOffline(ranges, p.plan(g, minPeak).offsets());
            if (realized.arenaBytes() < bestPlan.arenaBytes()) {
                bestPlan = realized;
                bestName = p.name();
                viaOffline = true;
            }
        }
        long best = bestPlan.arenaBytes();
        long chosenArena = useMinPeak ? minPeakArena : storedArena;
        boolean writePlan = viaOffline && best < chosenArena && singleSubgraph(g);
        if (writePlan) PlanCheck.verify(g, minPeak, bestPlan);
        long bound = ranges.lowerBoundBytes();
        long t1 = System.nanoTime();
        MinPeakResult inPlace = new MinPeakScheduler(MinPeakScheduler.DEFAULT_STATE_LIMIT, LiveModel.IN_PLACE).solve(g);
        PartialExecution.Result pe = PartialExecution.apply(g.reordered(inPlace.schedule().order()));
        MinPeakResult split = new MinPeakScheduler(SPLIT_GRAPH_STATE_LIMIT, LiveModel.IN_PLACE).solve(pe.graph());
        RowPipeline.Result streamed = RowPipeline.apply(pe.graph().reordered(split.schedule().order()));
        long t2 = System.nanoTime();
        return new MemoryOptimization(g.nodes().size(), storedArena, chosen, useMinPeak, chosenArena,
                search, best, bestName, bound, pe, split.peakBytes(), split, bestPlan, writePlan ? bestPlan : null,
                writePlan ? minPeak : null, (t1 - t0) / 1000, (t2 - t1) / 1000, streamed);
    }

    /** Whether row pipelines lower the in-place peak below {@link #partialExecutionPeakBytes()}. */
    public boolean streams() { return !streamed.pipelines().isEmpty() && streamed.peakBytesAfter() < partialExecutionPeakBytes; }

    /** The in-place live-bytes peak with the row pipelines of {@link #streamed()} (Java runtime). */
    public long streamedPeakBytes() { return streams() ? streamed.peakBytesAfter() : partialExecutionPeakBytes; }

    /** Whether an offline plan is written: it makes TFLite Micro's arena smaller than the best order alone. */
    public boolean hasOfflinePlan() { return offlinePlan != null; }

    /** TFLite Micro's planned arena for the file written with ({@code true}) or without the offline plan. */
    public long writtenArenaBytes(boolean withOfflinePlan) {
        return withOfflinePlan && hasOfflinePlan() ? bestPlanArenaBytes : optimizedArenaBytes;
    }

    /** The order written with ({@code true}) or without the offline plan. */
    public Schedule writtenOrder(boolean withOfflinePlan) {
        return withOfflinePlan && hasOfflinePlan() ? offlineOrder : chosenOrder;
    }

    /**
     * The offline plan's offset of every tensor of the graph ({@code -1}: planned by TFLite Micro,
     * or not in the arena); throws when there is no plan to write.
     */
    public int[] offlineTensorOffsets() {
        if (offlinePlan == null) throw new IllegalStateException("no offline plan: TFLite Micro's own plan is as small");
        long[] at = offlinePlan.offsets();
        int[] out = new int[at.length];
        for (int t = 0; t < at.length; t++) {
            if (at[t] > Integer.MAX_VALUE) throw new IllegalStateException("tensor " + t + " lies at " + at[t] + ", beyond an int32 offset");
            out[t] = (int) at[t];
        }
        return out;
    }

    /** Whether the graph came from a file with one subgraph (an offline plan covers the tensors of every subgraph). */
    private static boolean singleSubgraph(Graph g) {
        return Integer.parseInt(g.metadata().getOrDefault("tflite.subgraphs", "1")) == 1;
    }
}
