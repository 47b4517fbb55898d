package org.tinyfit.report;

import java.util.List;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;

/** The report's parts for one model on one board: what `analyze` and `optimize` know, drawn. */
public final class ModelReport {
    private ModelReport() {}

    /** The plans the report draws: TFLite Micro's for the stored order, and tinyfit's smallest for the min-peak order. */
    public record Plans(Schedule stored, ArenaPlan tflm, Schedule optimized, ArenaPlan best) {
        public static Plans of(Graph g) {
            Schedule stored = Schedule.stored(g);
            ArenaPlan tflm = new TflmGreedyPlanner().plan(g, stored);
            Schedule minPeak = MinPeakScheduler.minimize(g).schedule();
            ArenaPlan greedy = new TflmGreedyPlanner().plan(g, minPeak);
            ArenaPlan minimum = new MinimumArenaPlanner().plan(g, minPeak);
            ArenaPlan best = minimum.arenaBytes() < greedy.arenaBytes() ? minimum : greedy;
            if (best.arenaBytes() >= tflm.arenaBytes()) return new Plans(stored, tflm, stored, tflm);
            return new Plans(stored, tflm, minPeak, best);
        }
    }

    /**
     * A report of {@code g} on {@code device}: the verdict, the layers, resources against the
     * board, the memory timeline of the stored and the optimized order, and both arena layouts.
     * {@code modelFileBytes} is the model file's size (-1 if it has none yet).
     */
    public static Report of(Graph g, Device device, long modelFileBytes) {
        Report r = new Report("tinyfit: " + g.name() + " on " + device.name());
        add(r, g, device, modelFileBytes, Plans.of(g));
        return r;
    }

    /** Adds the model's sections to {@code r}. */
    public static void add(Report r, Graph g, Device device, long modelFileBytes, Plans plans) {
        add(r, g, device, device.sramBytes(), device.flashBytes(), modelFileBytes, plans);
    }

    /** Adds the model's sections to {@code r}, judged against the given SRAM and flash limits on {@code device}. */
    public static void add(Report r, Graph g, Device device, long sramLimitBytes, long flashLimitBytes, long modelFileBytes, Plans plans) {
        Cost c = Cost.of(g, device, plans.stored(), plans.tflm(), modelFileBytes);
        r.fact("board", device.name()).fact("verdict", c.verdict().deployable() ? "FITS" : c.verdict().label() + (c.verdict().cannotRun().isEmpty() ? " (" + c.verdict().binding() + ")" : ""))
                .fact("MACs", Html.count(c.macs())).fact("parameters", Html.count(c.parameters()))
                .fact("arena (TFLite Micro)", Html.bytes(plans.tflm().arenaBytes()))
                .fact("arena (tinyfit)", Html.bytes(plans.best().arenaBytes()));
        r.resources(c, device, sramLimitBytes, flashLimitBytes, null);
        r.memoryTimeline(g, plans.optimized().equals(plans.stored())
                ? List.of(new Report.NamedSchedule("stored order", plans.stored()))
                : List.of(new Report.NamedSchedule("stored order", plans.stored()), new Report.NamedSchedule("optimized order", plans.optimized())),
                sramLimitBytes);
        r.arenaLayout("arena-tflm", "Arena: TFLite Micro's plan", g, plans.stored(), plans.tflm());
        if (plans.best().arenaBytes() < plans.tflm().arenaBytes()) {
            r.arenaLayout("arena-tinyfit", "Arena: tinyfit's plan", g, plans.optimized(), plans.best());
        } else {
            r.text("arena-tinyfit", "Arena: tinyfit's plan", "Reordering and tinyfit's planners find no arena smaller than TFLite Micro's "
                    + "for this model (partial execution may still: see tinyfit optimize).");
        }
        r.layers(c);
    }
}
