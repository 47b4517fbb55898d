package org.tinyfit.report;

import java.util.List;
import java.util.Locale;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Graph;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;

/**
 * The report's parts for one model on a board: what {@code analyze} and {@code optimize} know,
 * drawn. The demo's report, {@code analyze --report} and {@code optimize --report} all add the same
 * sections ({@link #add}): resources against the board, the memory timeline of the stored and the
 * optimized order with the board's SRAM, both arena layouts, the per-layer table.
 */
public final class ModelReport {
    private ModelReport() {}

    /**
     * The plans the report draws: TFLite Micro's for the stored order, and tinyfit's smallest for the
     * min-peak order (or, when that is no smaller, the stored order and TFLite Micro's plan again).
     */
    public record Plans(Schedule stored, ArenaPlan tflm, Schedule optimized, ArenaPlan best) {
        /** TFLite Micro's greedy plan for the stored order; the smaller of its greedy and the minimum-arena plan for the min-peak order. */
        public static Plans of(Graph g) {
            return of(g, (int[]) null);
        }

        /** As {@link #of(Graph)}, TFLite Micro's plan for the stored order taken from the model's offline plan when it has one. */
        public static Plans of(Graph g, int[] offlinePlan) {
            Schedule stored = Schedule.stored(g);
            TflmGreedyPlanner greedy = new TflmGreedyPlanner();
            ArenaPlan tflm = offlinePlan == null ? greedy.plan(g, stored) : greedy.planWithOffline(g, stored, offlinePlan);
            Schedule minPeak = MinPeakScheduler.minimize(g).schedule();
            ArenaPlan onMinPeak = greedy.plan(g, minPeak);
            ArenaPlan minimum = new MinimumArenaPlanner().plan(g, minPeak);
            return pick(stored, tflm, minPeak, minimum.arenaBytes() < onMinPeak.arenaBytes() ? minimum : onMinPeak);
        }

        /** What {@code optimize} found: TFLite Micro's plan for the stored order and the best plan for the min-peak order. */
        public static Plans of(Graph g, MemoryOptimization m) {
            Schedule stored = Schedule.stored(g);
            return pick(stored, new TflmGreedyPlanner().plan(g, stored), m.orderSearch().schedule(), m.bestPlan());
        }

        private static Plans pick(Schedule stored, ArenaPlan tflm, Schedule optimized, ArenaPlan best) {
            return best.arenaBytes() < tflm.arenaBytes() ? new Plans(stored, tflm, optimized, best) : new Plans(stored, tflm, stored, tflm);
        }

        /** Whether tinyfit's plan is smaller than TFLite Micro's. */
        public boolean improved() { return best.arenaBytes() < tflm.arenaBytes(); }
    }

    /**
     * A report of {@code g} on {@code device} as TFLite Micro would run it today (stored order, its
     * greedy planner). {@code modelFileBytes} is the model file's size (-1 if it has none yet).
     */
    public static Report of(Graph g, Device device, long modelFileBytes) {
        Plans plans = Plans.of(g);
        Report r = new Report("tinyfit: " + g.name() + " on " + device.name());
        add(r, g, device, device.sramBytes(), device.flashBytes(), Cost.of(g, device, plans.stored(), plans.tflm(), modelFileBytes), plans);
        return r;
    }

    /**
     * What {@code tinyfit analyze --report} writes: {@code costs.get(i)} is the model {@code file} as
     * TFLite Micro runs it on {@code boards.get(i)} (its offline plan, if the file has one, in
     * {@code offlinePlan}). The first board sets the SRAM line and the layers' latency; every further
     * board adds its own resources section.
     */
    public static Report analyzed(String file, Graph g, List<Device> boards, List<Cost> costs, int[] offlinePlan) {
        Device first = boards.get(0);
        Report r = new Report("tinyfit analyze: " + file + " on " + String.join(", ", boards.stream().map(Device::name).toList()));
        add(r, g, first, first.sramBytes(), first.flashBytes(), costs.get(0), Plans.of(g, offlinePlan), boards.subList(1, boards.size()),
                costs.subList(1, costs.size()));
        return r.fact("latency", latency(costs.get(0)));
    }

    /**
     * What {@code tinyfit optimize --report} writes: the figures of {@code o}, and the written
     * {@code file} as TFLite Micro runs it on {@code device} (latency for {@code runtime}, null: the core's default).
     */
    public static Report optimized(String file, OptimizedModel o, Device device, String runtime) {
        Graph g = o.graph();
        MemoryOptimization m = o.memory();
        Schedule written = o.writtenOrder();
        ArenaPlan writtenPlan = o.offlinePlanWritten() ? m.bestPlan() : new TflmGreedyPlanner().plan(g, written);
        Cost c = Cost.of(g, device, written, writtenPlan, o.bytes().length, runtime);
        Report r = new Report("tinyfit optimize: " + file + " on " + device.name());
        r.text("optimize", "What optimize did", (o.orderChanged() ? "The operators are written in the min-peak order" : "The stored order is kept")
                + (o.offlinePlanWritten() ? ", with tinyfit's plan (" + m.bestPlanPlanner() + ") as the model's offline plan" : "")
                + String.format(Locale.ROOT, ": TFLite Micro needs %s of arena for the written file, %s for the file as it was (%.0f%% less). ",
                        Html.bytes(o.writtenArenaBytes()), Html.bytes(m.storedArenaBytes()),
                        m.storedArenaBytes() == 0 ? 0.0 : 100.0 * (m.storedArenaBytes() - o.writtenArenaBytes()) / m.storedArenaBytes())
                + "No plan of the min-peak order can be below its live-bytes lower bound, " + Html.bytes(m.lowerBoundBytes())
                + "; partial execution (in-place operators, split layers; tinyfit's runtime and C code, not TFLite Micro) peaks at "
                + Html.bytes(m.partialExecutionPeakBytes())
                + (m.streams() ? "; computing " + (m.streamed().pipelines().size() == 1 ? "one run" : m.streamed().pipelines().size() + " runs") + " of layers row by row from their input (row pipelines, tinyfit's Java runtime) lowers that to "
                        + Html.bytes(m.streamedPeakBytes()) : "") + ".");
        add(r, g, device, device.sramBytes(), device.flashBytes(), c, Plans.of(g, m));
        return r.fact("latency", latency(c)).fact("arena as written (TFLite Micro)", Html.bytes(o.writtenArenaBytes()))
                .fact("lower bound", Html.bytes(m.lowerBoundBytes())).fact("partial execution peak", Html.bytes(m.partialExecutionPeakBytes()))
                .fact("with row pipelines", m.streams() ? Html.bytes(m.streamedPeakBytes()) : "none lowers the peak");
    }

    /** Adds the model's sections to {@code r}, judged against the given SRAM and flash limits on {@code device}. */
    public static void add(Report r, Graph g, Device device, long sramLimitBytes, long flashLimitBytes, long modelFileBytes, Plans plans) {
        add(r, g, device, sramLimitBytes, flashLimitBytes, Cost.of(g, device, plans.stored(), plans.tflm(), modelFileBytes), plans);
    }

    private static String latency(Cost c) { return String.format(Locale.ROOT, "%.2f ms (estimated)", c.latencyMillis()); }

    private static void add(Report r, Graph g, Device device, long sramLimitBytes, long flashLimitBytes, Cost c, Plans plans) {
        add(r, g, device, sramLimitBytes, flashLimitBytes, c, plans, List.of(), List.of());
    }

    /** The sections, with one more resources section per board of {@code otherBoards} (its cost at the same index of {@code otherCosts}). */
    private static void add(Report r, Graph g, Device device, long sramLimitBytes, long flashLimitBytes, Cost c, Plans plans,
                            List<Device> otherBoards, List<Cost> otherCosts) {
        r.fact("board", device.name()).fact("verdict", c.verdict().deployable() ? "FITS" : c.verdict().label() + (c.verdict().cannotRun().isEmpty() ? " (" + c.verdict().binding() + ")" : ""))
                .fact("MACs", Html.count(c.macs())).fact("parameters", Html.count(c.parameters()))
                .fact("arena (TFLite Micro)", Html.bytes(plans.tflm().arenaBytes()))
                .fact("arena (tinyfit)", Html.bytes(plans.best().arenaBytes()));
        r.resources(c, device, sramLimitBytes, flashLimitBytes, null);
        for (int i = 0; i < otherBoards.size(); i++) {
            Device d = otherBoards.get(i);
            r.resources("resources-" + d.id(), otherCosts.get(i), d, d.sramBytes(), d.flashBytes(), null);
        }
        r.memoryTimeline(g, plans.optimized().equals(plans.stored())
                ? List.of(new Report.NamedSchedule("stored order", plans.stored()))
                : List.of(new Report.NamedSchedule("stored order", plans.stored()), new Report.NamedSchedule("optimized order", plans.optimized())),
                sramLimitBytes);
        r.arenaLayout("arena-tflm", "Arena: TFLite Micro's plan", g, plans.stored(), plans.tflm());
        if (plans.improved()) {
            r.arenaLayout("arena-tinyfit", "Arena: tinyfit's plan", g, plans.optimized(), plans.best());
        } else {
            r.text("arena-tinyfit", "Arena: tinyfit's plan", "Reordering and tinyfit's planners find no arena smaller than TFLite Micro's "
                    + "for this model (partial execution may still: see tinyfit optimize).");
        }
        r.layers(c);
    }
}
