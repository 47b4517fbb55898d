package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.InPlacePlanCheck;
import org.tinyfit.memory.InPlacePlanner;
import org.tinyfit.memory.ArenaPlanner;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MemoryProfile;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.PartialExecution;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.OptimizedFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Reorders a model's operators so that TFLite Micro needs a smaller arena, and shows what more tinyfit could save. */
@Command(name = "optimize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Finds the operator order with the smallest peak of live activation memory",
            "and writes the model with its operators in that order. Nothing else in the",
            "file changes (tensors, buffers, options, metadata), so TFLite Micro runs it",
            "as before, with an arena that is never larger; if no order helps, the",
            "stored order is written and the output says so.",
            "",
            "The order search is exact (dynamic programming over the sets of executed",
            "operators, Liberis & Lane 2019) up to a limit on the states it holds;",
            "beyond it, it is a beam search and the output says 'not proven minimal'.",
            "Chain-shaped models (most MCU models) have one order; branchy ones",
            "(inception, residual blocks, two towers) gain.",
            "",
            "When a plan of its own beats TFLite Micro's greedy planner, it also writes",
            "that plan into the file as TFLite Micro's offline plan (OfflineMemoryAllocation",
            "metadata), so TFLite Micro uses the smaller arena itself; --no-offline-plan",
            "writes only the order.",
            "",
            "It prints, in bytes:",
            "  stored order     TFLite Micro's greedy arena for the order in the file",
            "  optimized order  the same planner on the order written (what TFLM needs)",
            "  best plan        the smallest arena a tinyfit planner finds for it",
            "  lower bound      the most bytes alive at once: no plan can be smaller",
            "  partial exec.    with in-place element-wise/depthwise ops, and the",
            "                   layers at the peak split along channels (Pex) or run",
            "                   in row bands (MCUNetV2): what tinyfit's own runtime",
            "                   and C code need; TFLite Micro does not run in place,",
            "                   so this is not written to the file. Its arena is",
            "                   planned (aliasing in-place outputs) and proven: the",
            "                   split model runs in it and matches the original",
            "",
            "Example: tinyfit optimize person_detect.tflite -o person_detect.opt.tflite"},
        footer = {"", "See docs/optimize.md for what each figure means and how it is computed."})
final class OptimizeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite model.")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.tflite", required = true,
            description = "Where to write the reordered model (must differ from MODEL).")
    Path output;

    @Option(names = "--json", description = "Print the figures as JSON instead of a table (always with the memory profiles).")
    boolean json;

    @Option(names = "--no-offline-plan", description = {"Write only the operator order, not tinyfit's best plan as the model's",
        "OfflineMemoryAllocation metadata (TFLite Micro then plans the arena itself)."})
    boolean noOfflinePlan;

    @Option(names = "--profile", description = {"Also print the memory profile: live activation bytes at every step",
        "of the stored order and of the written order, with the tensors live at each."})
    boolean profile;

    @Override public Integer call() throws IOException {
        if (Files.exists(output) && Files.exists(model) && Files.isSameFile(model, output)) {
            throw new UserException("-o " + output + " is the input model; write the optimized model to another file");
        }
        byte[] original = Files.readAllBytes(model);
        Graph g = TfliteReader.read(original, model.getFileName() == null ? model.toString() : model.getFileName().toString());
        MemoryOptimization m = MemoryOptimization.of(g, planners());
        ProvenArena proof = ProvenArena.of(g, m);
        byte[] written = OptimizedFile.write(original, model.getFileName() == null ? model.toString() : model.getFileName().toString(), m, !noOfflinePlan);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserException("cannot write " + output + ": the directory " + parent + " does not exist");
        }
        Files.write(output, written);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = toJson(m, proof);
            Map<String, Object> profiles = new LinkedHashMap<>();
            profiles.put("stored", profileJson(g, Schedule.stored(g)));
            profiles.put("written", profileJson(g, m.writtenOrder(!noOfflinePlan)));
            j.put("memoryProfile", profiles);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(j));
        } else {
            printTable(out, m, proof);
            if (profile) {
                printProfile(out, g, Schedule.stored(g), "stored order");
                if (writtenChangesOrder(m)) printProfile(out, g, m.writtenOrder(!noOfflinePlan), "written order");
            }
        }
        return 0;
    }

    /** The planners tried for the best plan. */
    static List<ArenaPlanner> planners() {
        return List.of(new TflmGreedyPlanner(), new MinimumArenaPlanner());
    }

    /**
     * The arena of the split graph in its in-place order, planned by {@link InPlacePlanner} and checked
     * by {@link InPlacePlanCheck}, and whether it was proven by running: the split graph ran in
     * tinyfit's interpreter in exactly that arena and gave the same outputs, byte for byte, as the
     * original graph with TFLite Micro's plan, on one seeded random input.
     *
     * @param arenaBytes the planned arena
     * @param gapBytes how much the plan misses the in-place live-bytes peak by (0: it reaches it)
     * @param verified whether the run matched
     * @param check what the run showed, or why there was none
     */
    record ProvenArena(long arenaBytes, String planner, long gapBytes, boolean verified, String check) {
        static ProvenArena of(Graph g, MemoryOptimization m) {
            Graph split = m.partialExecution().graph();
            Schedule order = m.splitOrderSearch().schedule();
            InPlacePlanner.Result r = new InPlacePlanner().solve(split, order);
            ArenaPlan plan = r.plan();
            InPlacePlanCheck.verify(split, order, plan);
            try {
                Schedule stored = Schedule.stored(g);
                byte[][] in = seededInputs(g);
                byte[][] want = new Interpreter(g, stored, new TflmGreedyPlanner().plan(g, stored)).run(in);
                Interpreter run = new Interpreter(split, order, plan);
                byte[][] got = run.run(in);
                if (run.arena().bytes().length != plan.arenaBytes()) {
                    return new ProvenArena(plan.arenaBytes(), plan.planner(), r.gapBytes(), false,
                            "the interpreter's arena is " + run.arena().bytes().length + " bytes, not the planned " + plan.arenaBytes());
                }
                for (int k = 0; k < want.length; k++) {
                    if (!java.util.Arrays.equals(want[k], got[k])) {
                        return new ProvenArena(plan.arenaBytes(), plan.planner(), r.gapBytes(), false, "output " + k + " differs from the original model's");
                    }
                }
                return new ProvenArena(plan.arenaBytes(), plan.planner(), r.gapBytes(), true, "verified by running");
            } catch (GraphException e) {
                return new ProvenArena(plan.arenaBytes(), plan.planner(), r.gapBytes(), false, "not run: " + e.getMessage());
            }
        }

        /** One input per graph input: seeded Gaussian values for float tensors, seeded bytes otherwise. */
        private static byte[][] seededInputs(Graph g) {
            Random rnd = new Random(42);
            int[] ins = g.inputs();
            byte[][] out = new byte[ins.length][];
            for (int k = 0; k < ins.length; k++) {
                Tensor t = g.tensor(ins[k]);
                out[k] = new byte[(int) t.bytes()];
                if (t.dtype() == DType.F32) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out[k]).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    while (b.remaining() >= 4) b.putFloat((float) rnd.nextGaussian());
                } else {
                    rnd.nextBytes(out[k]);
                }
            }
            return out;
        }
    }

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

    private static void printProfile(PrintWriter out, Graph g, Schedule schedule, String title) {
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

    private Map<String, Object> toJson(MemoryOptimization m, ProvenArena proof) {
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
        j.put("orderChanged", writtenChangesOrder(m));
        j.put("order", m.writtenOrder(!noOfflinePlan).order());
        j.put("offlinePlanWritten", writesPlan(m));
        j.put("writtenArenaBytes", m.writtenArenaBytes(!noOfflinePlan));
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
        pe.put("orderMethod", m.splitOrderSearch().method());
        pe.put("orderStatesExplored", m.splitOrderSearch().statesExplored());
        pe.put("orderSearchMicros", m.splitOrderSearch().elapsedMicros());
        pe.put("micros", m.partialExecutionMicros());
        j.put("partialExecution", pe);
        return j;
    }

    private void printTable(PrintWriter out, MemoryOptimization m, ProvenArena proof) {
        long stored = m.storedArenaBytes();
        out.printf("%s: %d operators%n", model.getFileName(), m.operators());
        out.printf("  %-34s %12s  %s%n", "", "bytes", "vs stored order");
        row(out, "stored order, TFLM greedy arena", stored, stored, "");
        row(out, "optimized order, TFLM greedy arena", m.optimizedArenaBytes(), stored,
                String.format(Locale.ROOT, "order search %s, %d states, %s", m.orderSearch().method(), m.orderSearch().statesExplored(), millis(m.orderMicros())));
        row(out, "best plan (" + m.bestPlanPlanner() + ")", m.bestPlanArenaBytes(), stored,
                writesPlan(m) ? "for the min-peak order; written as TFLM's offline plan" : "for the min-peak order");
        row(out, "live-bytes lower bound", m.lowerBoundBytes(), stored, "no plan of the min-peak order is smaller");
        int splits = m.partialExecution().splits().size();
        row(out, "with partial execution, in place", proof.arenaBytes(), stored,
                String.format(Locale.ROOT, "%d split%s, %s; tinyfit runtime / C only", splits, splits == 1 ? "" : "s", millis(m.partialExecutionMicros())));
        out.printf("      planned by %s; %s%n", proof.planner(), proof.check());
        if (proof.gapBytes() > 0) {
            out.printf("      the plan misses the in-place live-bytes peak (%,d) by %,d bytes%n", m.partialExecutionPeakBytes(), proof.gapBytes());
        }
        for (PartialExecution.Split s : m.partialExecution().splits()) {
            out.printf("      %d ops from %s in %d %s: %,d -> %,d bytes%n", s.chainLength(), s.headName(), s.parts(),
                    s.along() == PartialExecution.Along.CHANNELS ? "channel groups" : "row bands", s.peakBytesBefore(), s.peakBytesAfter());
        }
        if (writesPlan(m)) {
            out.printf("wrote %s: %sthe best plan as TFLite Micro's offline plan, arena %,d -> %,d bytes%n", output,
                    writtenChangesOrder(m) ? "operators reordered, " : "", stored, m.writtenArenaBytes(true));
        } else if (writtenChangesOrder(m)) {
            out.printf("wrote %s: operators reordered, arena %,d -> %,d bytes%n", output, stored, m.optimizedArenaBytes());
        } else {
            out.printf("wrote %s: the stored order kept (no order gives TFLite Micro a smaller arena)%n", output);
        }
    }

    private boolean writesPlan(MemoryOptimization m) { return !noOfflinePlan && m.hasOfflinePlan(); }

    private boolean writtenChangesOrder(MemoryOptimization m) {
        int[] order = m.writtenOrder(!noOfflinePlan).order();
        for (int i = 0; i < order.length; i++) if (order[i] != i) return true;
        return false;
    }

    private static void row(PrintWriter out, String label, long bytes, long stored, String note) {
        String delta = bytes == stored || stored == 0 ? "=" : String.format(Locale.ROOT, "%+,d (%+.1f%%)", bytes - stored, 100.0 * (bytes - stored) / stored);
        out.println(String.format(Locale.ROOT, "  %-34s %,12d  %-18s %s", label, bytes, delta, note).stripTrailing());
    }

    private static String millis(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
