package org.tinyfit.latency;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;

/**
 * How well the latency model predicts a measurement it was not fitted to. Leave-one-board-out: every
 * measurement of a board (of any software) is removed, the model refitted, and the board's TFLite
 * Micro rows predicted. Leave-one-model-out: every measurement of a workload is removed, and its TFLite
 * Micro rows predicted from each board's other workloads. A held-out row whose software version was
 * emulated ({@link EmulatedInstructions}) is predicted from its instructions and the cycles per
 * instruction of the rows left in ({@link LatencyFit#fromInstructions}); every other row from the per-op
 * model.
 */
public final class Validation {
    /**
     * One held-out measurement and its prediction; {@code error} is predicted / measured - 1.
     * {@code coreMeasured} is false when the row's core was never measured beside a Cortex-M4 in the
     * fit, so its cycles were taken as a Cortex-M4's. {@code fromInstructions} is true when the prediction
     * came from the emulated instructions of the row's software version.
     */
    public record Row(Measurement measured, double predictedMillis, boolean coreMeasured, boolean fromInstructions) {
        public double error() { return predictedMillis / measured.measuredMillis() - 1; }
    }

    private Validation() {}

    public static List<Row> leaveOneBoardOut(List<Measurement> all) { return leaveOneBoardOut(all, Measurement::tflm); }

    /** Leave-one-board-out over the rows {@code which} selects (every row of the board is still held out). */
    public static List<Row> leaveOneBoardOut(List<Measurement> all, Predicate<Measurement> which) { return leaveOneBoardOut(all, which, true); }

    /**
     * Leave-one-board-out with the per-op model alone, never from emulated instructions: what a board
     * whose software version was not emulated (every catalog board without measurements) rests on.
     */
    public static List<Row> leaveOneBoardOutPerOp(List<Measurement> all) { return leaveOneBoardOut(all, Measurement::tflm, false); }

    static List<Row> leaveOneBoardOut(List<Measurement> all, Predicate<Measurement> which, boolean instructions) {
        Set<String> boards = new LinkedHashSet<>();
        for (Measurement m : all) if (which.test(m)) boards.add(m.board());
        List<Row> out = new ArrayList<>();
        for (String b : boards) out.addAll(heldOut(all, m -> m.board().equals(b), which, instructions));
        return out;
    }

    public static List<Row> leaveOneModelOut(List<Measurement> all) {
        Set<String> workloads = new LinkedHashSet<>();
        for (Measurement m : all) if (m.tflm()) workloads.add(m.workload());
        List<Row> out = new ArrayList<>();
        for (String w : workloads) out.addAll(heldOut(all, m -> m.workload().equals(w)));
        return out;
    }

    /** Fits without the rows {@code out} selects and predicts the TFLite Micro ones among them. */
    static List<Row> heldOut(List<Measurement> all, Predicate<Measurement> out) { return heldOut(all, out, Measurement::tflm, true); }

    /**
     * Fits without the rows {@code out} selects and predicts those of them {@code which} selects: from
     * emulated instructions where the row's software has them and {@code instructions} is set, else from
     * the per-op model.
     */
    static List<Row> heldOut(List<Measurement> all, Predicate<Measurement> out, Predicate<Measurement> which, boolean instructions) {
        LatencyFit fit = LatencyFit.of(all.stream().filter(out.negate()).toList());
        List<Row> rows = new ArrayList<>();
        for (Measurement m : all) {
            if (!out.test(m) || !which.test(m)) continue;
            Double fromInstructions = instructions ? fit.fromInstructions(m.board(), m.core(), m.clockHz(), m.runtime(), m.workload()) : null;
            if (fromInstructions != null) {
                rows.add(new Row(m, fromInstructions, fit.coreMeasured(m.core()), true));
                continue;
            }
            Prediction p = fit.predict(LatencyFit.workloadFeatures(m.workload()), m.board(), m.core(), m.clockHz(), m.runtime());
            if (p == null) continue;
            rows.add(new Row(m, p.millis(), fit.coreMeasured(m.core()), false));
        }
        return rows;
    }

    /** Rows that no runtime fit could predict are missing: {@code heldOut} skips a runtime measured on the left-out board only. */
    public static List<Measurement> unpredicted(List<Measurement> all, List<Row> rows) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : all) if (m.tflm() && rows.stream().noneMatch(r -> r.measured() == m)) out.add(m);
        return out;
    }

    public static double medianAbsError(List<Row> rows) { return medianAbs(rows.stream().mapToDouble(Row::error)); }

    public static double maxAbsError(List<Row> rows) { return maxAbs(rows.stream().mapToDouble(Row::error)); }

    /** The median of the absolute values of {@code errors}; NaN when there are none. */
    static double medianAbs(java.util.stream.DoubleStream errors) {
        double[] e = errors.map(Math::abs).sorted().toArray();
        if (e.length == 0) return Double.NaN;
        return e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
    }

    /** The largest absolute value of {@code errors}; NaN when there are none. */
    static double maxAbs(java.util.stream.DoubleStream errors) { return errors.map(Math::abs).max().orElse(Double.NaN); }

    /** The targets of the validation: median and maximum |error| leave-one-board-out, and the reference board's rows when it is left out. */
    public static final double TARGET_MEDIAN = 0.15, TARGET_MAX = 0.30, TARGET_REFERENCE_BOARD = 0.15;
    public static final String REFERENCE_BOARD = "nucleo-l4r5zi";

    /**
     * The whole validation report, in Markdown: both tables, their summaries over every TFLite Micro row
     * and over the Cortex-M rows with CMSIS-NN kernels, and whether the targets are met.
     */
    public static String report(List<Measurement> all) {
        List<Row> lobo = leaveOneBoardOut(all), lomo = leaveOneModelOut(all);
        StringBuilder b = new StringBuilder("Fitted on every measurement: cycles per unit on a Cortex-M4\n\n").append(LatencyFit.of(all).describe());
        b.append("\nLeave-one-board-out (every row of the board, of any software, removed before fitting):\n\n").append(table(lobo));
        List<Row> mlperf = lobo.stream().filter(r -> r.measured().workload().startsWith("mlperf-tiny-")).toList();
        b.append(summary("MLPerf Tiny rows", mlperf));
        b.append(summary("Cortex-M rows with CMSIS-NN kernels on cores measured beside a Cortex-M4", lobo.stream().filter(Validation::cortexMCmsisNn).toList()));
        List<Row> ref = lobo.stream().filter(r -> r.measured().board().equals(REFERENCE_BOARD)).toList();
        b.append(summary(REFERENCE_BOARD + " left out", ref));
        List<Row> perOp = leaveOneBoardOutPerOp(all);
        b.append(summary("the rows predicted from emulated instructions above, from the per-op model instead (what a board whose software was not emulated rests on)",
                perOp.stream().filter(r -> lobo.stream().anyMatch(l -> l.fromInstructions() && l.measured() == r.measured())).toList()));
        List<Row> same = leaveOneBoardOut(all, m -> !m.tflm());
        b.append("\nFor comparison, leave-one-board-out over the other engines, each one software version on every board (used for the core factors, ")
                .append("so a left-out board also leaves its core factor to the others):\n\n").append(table(same));
        b.append("\nLeave-one-model-out (every row of the workload removed before fitting):\n\n").append(table(lomo));
        b.append(summary("Cortex-M rows with CMSIS-NN kernels on cores measured beside a Cortex-M4", lomo.stream().filter(Validation::cortexMCmsisNn).toList()));
        boolean met = medianAbsError(mlperf) <= TARGET_MEDIAN && maxAbsError(mlperf) <= TARGET_MAX && !ref.isEmpty() && maxAbsError(ref) <= TARGET_REFERENCE_BOARD;
        b.append(String.format(Locale.ROOT, "%nTargets (leave-one-board-out over the MLPerf Tiny rows: median |error| <= %.0f%%, max <= %.0f%%; %s within %.0f%%): %s%n",
                100 * TARGET_MEDIAN, 100 * TARGET_MAX, REFERENCE_BOARD, 100 * TARGET_REFERENCE_BOARD, met ? "met" : "NOT met"));
        b.append("\nThe catalog's boards with their default runtime: what each figure rests on, and how far off the published rows ")
                .append("resting on the same kind of basis were when their board was left out (the per-op model: no catalog board's software was emulated):\n\n")
                .append(catalog(all, perOp));
        b.append('\n').append(generatedC(LatencyFit.of(all)));
        List<Measurement> missing = unpredicted(all, lobo);
        if (!missing.isEmpty()) {
            b.append("\nNot predictable when their board is left out (no other board has their runtime): ");
            b.append(String.join(", ", missing.stream().map(m -> m.boardName() + " " + m.runtime() + " " + m.workload()).distinct().toList())).append("\n");
        }
        return b.toString();
    }

    /** For each built-in board: its default runtime, the basis of its figure, and the held-out errors of rows with that basis. */
    static String catalog(List<Measurement> all, List<Row> lobo) {
        LatencyFit fit = LatencyFit.of(all);
        StringBuilder b = new StringBuilder("| board | core | MHz | runtime | figure rests on | held-out error of rows on that basis |\n|---|---|---:|---|---|---|\n");
        for (Device d : DeviceCatalog.builtin().devices()) {
            String core = d.core().display(), rt = Runtimes.defaultFor(d.core());
            int own = fit.boardMeasurements(d.id(), rt);
            String basis = own > 0 ? "its own " + own + " published measurement" + (own == 1 ? "" : "s")
                    : fit.coreMeasured(core) ? "extrapolated: other boards' " + rt + " rows, core measured beside a Cortex-M4"
                    : LatencyFit.instructionSetFactor(core, rt) != null ? "extrapolated: other boards' " + rt + " rows, core factor from the instruction set"
                    : "extrapolated: other boards' " + rt + " rows, core taken as equal to the one they ran on";
            List<Row> like = sameBasis(fit, lobo, d.id(), core, rt);
            String err = own > 0 ? "not held out (its own rows are in the fit)" : like.isEmpty() ? "no published row on that basis" : range(like) + " (" + like.size() + " rows)";
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", d.name(), core, d.clockHz() / 1_000_000, rt, basis, err));
        }
        return b.toString();
    }

    /**
     * The held-out rows whose prediction rested on the same basis as a board's figure for a runtime:
     * none when the board has its own measurements of it; else the runtime's rows on a core measured
     * beside a Cortex-M4, on a core with an instruction-set factor, or on a core taken as equal, as the
     * board's core is.
     */
    static List<Row> sameBasis(LatencyFit fit, List<Row> lobo, String board, String core, String runtime) {
        if (fit.boardMeasurements(board, runtime) > 0) return List.of();
        boolean measured = fit.coreMeasured(core), isa = LatencyFit.instructionSetFactor(core, runtime) != null;
        return lobo.stream().filter(r -> r.measured().runtime().equals(runtime) && r.coreMeasured() == measured
                && (measured || (LatencyFit.instructionSetFactor(r.measured().core(), runtime) != null) == isa)).toList();
    }

    static String range(List<Row> rows) {
        return String.format(Locale.ROOT, "median %.0f%%, %+.0f%% to %+.0f%%", 100 * medianAbsError(rows),
                100 * rows.stream().mapToDouble(Row::error).min().orElse(0), 100 * rows.stream().mapToDouble(Row::error).max().orElse(0));
    }

    private static volatile List<Row> builtinLobo;

    /**
     * For an extrapolated figure: how far off the published measurements resting on the same basis were
     * when their board was left out of the fit ("median 16%, -48% to +17% when their board was held
     * out"); null when the board has its own measurements of the runtime, or no published row rests on
     * that basis. Always from the built-in measurements.
     */
    public static String heldOutError(String board, String core, String runtime) {
        List<Row> lobo = builtinLobo;
        if (lobo == null) builtinLobo = lobo = leaveOneBoardOutPerOp(Measurements.builtin());
        List<Row> like = sameBasis(Latency.builtinFit(), lobo, board, core, runtime);
        return like.isEmpty() ? null : range(like) + " over " + like.size() + " published rows on that basis when their board was held out";
    }

    /** One graph of tinyfit's generated C in one build, its instructions predicted by the model fitted to the other counted graphs. */
    public record GeneratedCRow(GeneratedCInstructions.Counted counted, String build, double predicted) {
        public long instructions() { return counted.instructions(build); }

        public double error() { return predicted / instructions() - 1; }
    }

    /** Leave-one-graph-out over the counted graphs of the generated C in {@code build}: each predicted by the instructions per unit fitted to the others. */
    public static List<GeneratedCRow> generatedCLeaveOneOut(List<GeneratedCInstructions.Counted> graphs, String build) {
        List<GeneratedCRow> out = new java.util.ArrayList<>();
        for (GeneratedCInstructions.Counted held : graphs) {
            double[] t = LatencyFit.fitGeneratedC(graphs.stream().filter(g -> g != held).toList(), build);
            out.add(new GeneratedCRow(held, build, OpFeatures.dot(held.features(), t)));
        }
        return out;
    }

    /** Median absolute relative error of leave-one-graph-out rows. */
    public static double generatedCMedian(List<GeneratedCRow> rows) { return medianAbs(rows.stream().mapToDouble(GeneratedCRow::error)); }

    /** Graphs of at least this many instructions are summarized apart: the networks a latency limit is about. */
    static final long LARGE_GRAPH_INSTRUCTIONS = 1_000_000;

    /** The generated C's section of the report: each build's fitted instructions per unit, the leave-one-graph-out table of the Cortex-M4 build, every build's summary. */
    static String generatedC(LatencyFit fit) {
        List<GeneratedCInstructions.Counted> graphs = fit.generatedC().graphs();
        StringBuilder b = new StringBuilder("tinyfit's generated C (`--runtime tinyfit-c`), fitted on ").append(graphs.size())
                .append(" graphs counted on QEMU (`tinyfit-c-instructions.json`; build: what `-mcpu` the project is built with): instructions per unit\n\n| build | ")
                .append(String.join(" | ", OpFeatures.GENERATED_C_NAMES)).append(" |\n|---|").append("---:|".repeat(OpFeatures.GENERATED_C_NAMES.size())).append('\n');
        for (String build : GeneratedCInstructions.BUILDS) {
            b.append("| ").append(build).append(' ');
            for (double v : fit.generatedCInstructionsPerUnit(build)) b.append(String.format(Locale.ROOT, v >= 100 ? "| %.0f " : "| %.2f ", v));
            b.append("|\n");
        }
        Map<String, List<GeneratedCRow>> heldOut = new java.util.LinkedHashMap<>();
        for (String build : GeneratedCInstructions.BUILDS) heldOut.put(build, generatedCLeaveOneOut(graphs, build));
        String first = GeneratedCInstructions.BUILDS.get(0);
        b.append("\nLeave-one-graph-out, ").append(first).append(" build (each graph's instructions predicted by the model fitted to the others):\n\n")
                .append("| graph | made by | counted instructions | predicted | error |\n|---|---|---:|---:|---:|\n");
        for (GeneratedCRow r : heldOut.get(first)) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,.0f | %+.0f%% |%n", r.counted().name(), r.counted().source(), r.instructions(), r.predicted(), 100 * r.error()));
        }
        b.append('\n');
        heldOut.forEach((build, rows) -> {
            List<GeneratedCRow> large = rows.stream().filter(r -> r.instructions() >= LARGE_GRAPH_INSTRUCTIONS).toList();
            b.append(String.format(Locale.ROOT, "- %s build, leave-one-graph-out: median |error| %.1f%%, max |error| %.1f%% over %d graphs; over the %d of 1 M instructions or more: median %.1f%%, max %.1f%%%n",
                    build, 100 * generatedCMedian(rows), 100 * maxAbs(rows.stream().mapToDouble(GeneratedCRow::error)), rows.size(),
                    large.size(), 100 * generatedCMedian(large), 100 * maxAbs(large.stream().mapToDouble(GeneratedCRow::error))));
        });
        Double cpi = fit.cyclesPerInstruction(Runtimes.TFLM_CMSIS_NN);
        if (cpi != null) b.append(String.format(Locale.ROOT, "- cycles: instructions x %.3f Cortex-M4 cycles per instruction (TFLite Micro + CMSIS-NN's, above) x the core factor; "
                + "tinyfit's C has never been timed on a board, so no measurement checks that product%n", cpi));
        return b.toString();
    }

    static int cortexMCmsisNnRows(List<Row> rows) { return (int) rows.stream().filter(Validation::cortexMCmsisNn).count(); }

    static boolean cortexMCmsisNn(Row r) {
        return r.measured().runtime().equals(Runtimes.TFLM_CMSIS_NN) && r.measured().core().startsWith("Cortex-M") && r.coreMeasured();
    }

    private static String summary(String what, List<Row> rows) {
        return String.format(Locale.ROOT, "- %s: median |error| %.1f%%, max |error| %.1f%% over %d rows%n", what, 100 * medianAbsError(rows), 100 * maxAbsError(rows), rows.size());
    }

    private static String note(Row r) {
        if (r.fromInstructions()) return r.coreMeasured() ? " (emulated instructions)" : " (emulated Helium instructions, core's instruction rate from CoreMark/MHz)";
        if (r.coreMeasured()) return "";
        return LatencyFit.instructionSetFactor(r.measured().core(), r.measured().runtime()) != null ? " (core factor from the instruction set)" : " (core factor assumed)";
    }

    /** A Markdown table of held-out rows with their summary. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder("| board | core | MHz | runtime | workload | measured ms | predicted ms | error |\n|---|---|---:|---|---|---:|---:|---:|\n");
        for (Row r : rows) {
            Measurement m = r.measured();
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %.2f | %.2f | %+.0f%%%s |%n", m.boardName(), m.core(), m.clockHz() / 1_000_000,
                    m.runtime(), m.workload(), m.measuredMillis(), r.predictedMillis(), 100 * r.error(), note(r)));
        }
        b.append('\n').append(summary("all rows", rows));
        return b.toString();
    }
}
