package org.tinyfit.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tinyfit.graph.Graph;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MemoryProfile;
import org.tinyfit.memory.PartialExecution;
import org.tinyfit.memory.Schedule;
import org.tinyfit.runtime.ArenaProof;

/** Renders the result of {@code tinyfit optimize}: the table, the memory profiles, and the JSON. */
final class OptimizeReport {
    private OptimizeReport() {}

    /** Live bytes at every time of a schedule: time 0 is the inputs arriving, then one entry per step. */
    static List<Map<String, Object>> profileJson(Graph g, Schedule schedule) {
        List<Map<String, Object>> steps = new ArrayList<>();
        for (MemoryProfile.Step st : MemoryProfile.of(g, schedule).steps()) {
            if (st.step() < -1) continue;
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("step", st.step());
            one.put("node", st.node());
            one.put("op", st.node() >= 0 ? g.node(st.node()).op().kind() : "INPUTS");
            one.put("liveBytes", st.liveBytes());
            one.put("scratchBytes", st.scratchBytes());
            one.put("liveTensors", st.liveTensors());
            steps.add(one);
        }
        return steps;
    }

    static void profile(PrintWriter out, Graph g, Schedule schedule, String title) {
        MemoryProfile p = MemoryProfile.of(g, schedule);
        out.printf("%nmemory profile, %s (live activation bytes while each step runs; peak %,d B):%n", title, p.lowerBoundBytes());
        out.printf("  %4s %4s  %-18s %10s%n", "step", "node", "op", "live B");
        for (MemoryProfile.Step st : p.steps()) {
            if (st.step() < -1) continue;
            String op = st.node() >= 0 ? g.node(st.node()).op().kind() : "(inputs)";
            int bar = p.lowerBoundBytes() == 0 ? 0 : (int) Math.round(30.0 * st.liveBytes() / p.lowerBoundBytes());
            out.println(String.format(Locale.ROOT, "  %4s %4s  %-18s %,10d  %s%s", st.step() < 0 ? "-" : String.valueOf(st.step()),
                    st.node() < 0 ? "-" : String.valueOf(st.node()), op, st.liveBytes(), "#".repeat(bar),
                    st.time() == p.peakTime() ? "  <- peak" : "").stripTrailing());
        }
    }

    /** What --json prints: every figure, the split, and the memory profiles of the stored and written orders. */
    static Map<String, Object> json(Path model, Path output, OptimizedModel o) {
        MemoryOptimization m = o.memory();
        ArenaProof proof = o.proof();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("output", output.toString());
        j.put("operators", m.operators());
        j.put("storedOrderArenaBytes", m.storedArenaBytes());
        j.put("optimizedOrderArenaBytes", m.optimizedArenaBytes());
        j.put("bestPlanArenaBytes", m.bestPlanArenaBytes());
        j.put("bestPlanPlanner", m.bestPlanPlanner());
        j.put("lowerBoundBytes", m.lowerBoundBytes());
        j.put("partialExecutionPeakBytes", m.partialExecutionPeakBytes());
        j.put("partialExecutionArenaBytes", proof.arenaBytes());
        j.put("partialExecutionPlanner", proof.planner());
        j.put("partialExecutionVerified", proof.verified());
        j.put("partialExecutionCheck", proof.check());
        ArenaProof streamed = o.streamedProof();
        j.put("rowPipelines", m.streams() ? m.streamed().pipelines().size() : 0);
        j.put("rowPipelineArenaBytes", streamed.arenaBytes());
        j.put("rowPipelineVerified", streamed.verified());
        j.put("orderChanged", o.orderChanged());
        j.put("order", o.writtenOrder().order());
        j.put("offlinePlanWritten", o.offlinePlanWritten());
        j.put("writtenArenaBytes", o.writtenArenaBytes());
        Map<String, Object> search = new LinkedHashMap<>();
        search.put("method", m.orderSearch().method());
        search.put("exact", m.orderSearch().exact());
        search.put("statesExplored", m.orderSearch().statesExplored());
        search.put("minPeakLiveBytes", m.orderSearch().peakBytes());
        search.put("storedPeakLiveBytes", m.orderSearch().storedPeakBytes());
        search.put("searchMicros", m.orderSearch().elapsedMicros());
        search.put("totalMicros", m.orderMicros());
        j.put("orderSearch", search);
        Map<String, Object> pe = new LinkedHashMap<>();
        List<Map<String, Object>> splits = new ArrayList<>();
        for (PartialExecution.Split s : m.partialExecution().splits()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("along", s.along().name().toLowerCase(Locale.ROOT));
            one.put("firstOutput", s.headName());
            one.put("operators", s.chainLength());
            one.put("parts", s.parts());
            one.put("peakBytesBefore", s.peakBytesBefore());
            one.put("peakBytesAfter", s.peakBytesAfter());
            splits.add(one);
        }
        pe.put("splits", splits);
        pe.put("operatorsAfterSplitting", m.partialExecution().graph().nodes().size());
        pe.put("extraMacs", extraMacs(o, m));
        pe.put("orderMethod", m.splitOrderSearch().method());
        pe.put("orderStatesExplored", m.splitOrderSearch().statesExplored());
        pe.put("orderSearchMicros", m.splitOrderSearch().elapsedMicros());
        pe.put("micros", m.partialExecutionMicros());
        j.put("partialExecution", pe);
        Map<String, Object> profiles = new LinkedHashMap<>();
        profiles.put("stored", profileJson(o.graph(), Schedule.stored(o.graph())));
        profiles.put("written", profileJson(o.graph(), o.writtenOrder()));
        j.put("memoryProfile", profiles);
        return j;
    }

    /** MACs the split graph does beyond the model's (rows of a band's halo computed twice); 0 for channel splits and in-place kernels. */
    static long extraMacs(OptimizedModel o, MemoryOptimization m) {
        return org.tinyfit.cost.Work.macs(m.partialExecution().graph()) - org.tinyfit.cost.Work.macs(o.graph());
    }

    /** The table of figures, the splits, and what was written. */
    static void table(PrintWriter out, Path model, Path output, OptimizedModel o) {
        MemoryOptimization m = o.memory();
        ArenaProof proof = o.proof();
        long stored = m.storedArenaBytes();
        out.printf("%s: %d operators%n", model.getFileName(), m.operators());
        out.printf("  %-34s %12s  %s%n", "", "bytes", "vs stored order");
        row(out, "stored order, TFLM greedy arena", stored, stored, "");
        row(out, "optimized order, TFLM greedy arena", m.optimizedArenaBytes(), stored,
                String.format(Locale.ROOT, "order search %s, %d states, %s", m.orderSearch().method(), m.orderSearch().statesExplored(), millis(m.orderMicros())));
        row(out, "best plan (" + m.bestPlanPlanner() + ")", m.bestPlanArenaBytes(), stored,
                o.offlinePlanWritten() ? "for the min-peak order; written as TFLM's offline plan" : "for the min-peak order");
        row(out, "live-bytes lower bound", m.lowerBoundBytes(), stored, "no plan of the min-peak order is smaller");
        int splits = m.partialExecution().splits().size();
        row(out, "with partial execution, in place", proof.arenaBytes(), stored,
                String.format(Locale.ROOT, "%d split%s, %s; tinyfit runtime / C only", splits, splits == 1 ? "" : "s", millis(m.partialExecutionMicros())));
        out.printf("      planned by %s; %s; %,d extra MACs%n", proof.planner(), proof.check(), extraMacs(o, m));
        if (proof.gapBytes() > 0) {
            out.printf("      the plan misses the in-place live-bytes peak (%,d) by %,d bytes%n", m.partialExecutionPeakBytes(), proof.gapBytes());
        }
        for (PartialExecution.Split s : m.partialExecution().splits()) {
            out.printf("      %d ops from %s in %d %s: %,d -> %,d bytes%n", s.chainLength(), s.headName(), s.parts(),
                    s.along() == PartialExecution.Along.CHANNELS ? "channel groups" : "row bands", s.peakBytesBefore(), s.peakBytesAfter());
        }
        if (m.streams()) {
            ArenaProof streamed = o.streamedProof();
            int n = m.streamed().pipelines().size();
            row(out, "with row pipelines, in place", streamed.arenaBytes(), stored,
                    String.format(Locale.ROOT, "%d pipeline%s streamed row by row; tinyfit runtime only", n, n == 1 ? "" : "s"));
            out.printf("      planned by %s; %s%n", streamed.planner(), streamed.check());
        }
        if (o.offlinePlanWritten()) {
            out.printf("wrote %s: %sthe best plan as TFLite Micro's offline plan, arena %,d -> %,d bytes%n", output,
                    o.orderChanged() ? "operators reordered, " : "", stored, o.writtenArenaBytes());
        } else if (o.orderChanged()) {
            out.printf("wrote %s: operators reordered, arena %,d -> %,d bytes%n", output, stored, o.writtenArenaBytes());
        } else {
            out.printf("wrote %s: the stored order kept (no order gives TFLite Micro a smaller arena)%n", output);
        }
    }

    private static void row(PrintWriter out, String label, long bytes, long stored, String note) {
        String delta = bytes == stored || stored == 0 ? "=" : String.format(Locale.ROOT, "%+,d (%+.1f%%)", bytes - stored, 100.0 * (bytes - stored) / stored);
        out.println(String.format(Locale.ROOT, "  %-34s %,12d  %-18s %s", label, bytes, delta, note).stripTrailing());
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
