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
 * @param bestPlanArenaBytes the smallest arena any of the given planners found for the min-peak order
 * @param bestPlanPlanner the planner that found it
 * @param lowerBoundBytes the live-bytes lower bound of the min-peak order: no plan can do better
 * @param partialExecution the channel splits, applied to the graph in its in-place min-peak order
 * @param partialExecutionPeakBytes live bytes at the worst step with in-place execution and the
 *     splits, in the best order found for the split graph (tinyfit's runtime and C code; TFLM does
 *     not run in place)
 * @param splitOrderSearch the in-place order search on the split graph
 * @param orderMicros time of the order search and the planners
 * @param partialExecutionMicros time of the in-place order search, the splitting and the order
 *     search on the split graph
 */
public record MemoryOptimization(int operators, long storedArenaBytes, Schedule chosenOrder, boolean orderChanged,
        long optimizedArenaBytes, MinPeakResult orderSearch, long bestPlanArenaBytes, String bestPlanPlanner,
        long lowerBoundBytes, PartialExecution.Result partialExecution, long partialExecutionPeakBytes,
        MinPeakResult splitOrderSearch, long orderMicros, long partialExecutionMicros) {

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
        long best = minPeakArena;
        String bestName = tflm.name();
        for (ArenaPlanner p : planners) {
            long a = p.plan(g, minPeak).arenaBytes();
            if (a < best) {
                best = a;
                bestName = p.name();
            }
        }
        long bound = LiveRanges.of(g, minPeak).lowerBoundBytes();
        long t1 = System.nanoTime();
        MinPeakResult inPlace = new MinPeakScheduler(MinPeakScheduler.DEFAULT_STATE_LIMIT, LiveModel.IN_PLACE).solve(g);
        PartialExecution.Result pe = PartialExecution.apply(g.reordered(inPlace.schedule().order()));
        MinPeakResult split = new MinPeakScheduler(SPLIT_GRAPH_STATE_LIMIT, LiveModel.IN_PLACE).solve(pe.graph());
        long t2 = System.nanoTime();
        return new MemoryOptimization(g.nodes().size(), storedArena, chosen, useMinPeak, useMinPeak ? minPeakArena : storedArena,
                search, best, bestName, bound, pe, split.peakBytes(), split, (t1 - t0) / 1000, (t2 - t1) / 1000);
    }
}
