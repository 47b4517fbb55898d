package org.tinyfit.latency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How well the latency model predicts a measurement it was not fitted to. Leave-one-board-out: every
 * measurement of a board (of any software) is removed, the model refitted, and the board's TFLite
 * Micro rows predicted. Leave-one-model-out: every measurement of a workload is removed, and its TFLite
 * Micro rows predicted from each board's other workloads.
 */
public final class Validation {
    /** One held-out measurement and its prediction; {@code error} is predicted / measured - 1. */
    public record Row(Measurement measured, double predictedMillis, boolean extrapolated) {
        public double error() { return predictedMillis / measured.measuredMillis() - 1; }
    }

    private Validation() {}

    public static List<Row> leaveOneBoardOut(List<Measurement> all) {
        Set<String> boards = new LinkedHashSet<>();
        for (Measurement m : all) if (m.tflm()) boards.add(m.board());
        List<Row> out = new ArrayList<>();
        for (String b : boards) out.addAll(heldOut(all, m -> m.board().equals(b)));
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
    static List<Row> heldOut(List<Measurement> all, Predicate<Measurement> out) {
        LatencyFit fit = LatencyFit.of(all.stream().filter(out.negate()).toList());
        List<Row> rows = new ArrayList<>();
        for (Measurement m : all) {
            if (!out.test(m) || !m.tflm()) continue;
            Prediction p = fit.predict(LatencyFit.workloadFeatures(m.workload()), m.board(), m.core(), m.clockHz(), m.runtime());
            if (p == null) continue;
            rows.add(new Row(m, p.millis(), p.extrapolated() || !fit.coreMeasured(m.core())));
        }
        return rows;
    }

    /** Rows that no runtime fit could predict are missing: {@code heldOut} skips a runtime measured on the left-out board only. */
    public static List<Measurement> unpredicted(List<Measurement> all, List<Row> rows) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : all) if (m.tflm() && rows.stream().noneMatch(r -> r.measured() == m)) out.add(m);
        return out;
    }

    public static double medianAbsError(List<Row> rows) {
        double[] e = rows.stream().mapToDouble(r -> Math.abs(r.error())).sorted().toArray();
        if (e.length == 0) return Double.NaN;
        return e.length % 2 == 1 ? e[e.length / 2] : (e[e.length / 2 - 1] + e[e.length / 2]) / 2;
    }

    public static double maxAbsError(List<Row> rows) {
        return rows.stream().mapToDouble(r -> Math.abs(r.error())).max().orElse(Double.NaN);
    }

    /** A Markdown table of held-out rows with their summary. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder("| board | core | MHz | runtime | workload | measured ms | predicted ms | error |\n|---|---|---:|---|---|---:|---:|---:|\n");
        for (Row r : rows) {
            Measurement m = r.measured();
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %.2f | %.2f | %+.0f%%%s |%n", m.boardName(), m.core(), m.clockHz() / 1_000_000,
                    m.runtime(), m.workload(), m.measuredMillis(), r.predictedMillis(), 100 * r.error(), r.extrapolated() ? " (extrapolated)" : ""));
        }
        b.append(String.format(Locale.ROOT, "%nmedian |error| %.1f%%, max |error| %.1f%% over %d rows%n", 100 * medianAbsError(rows), 100 * maxAbsError(rows), rows.size()));
        return b.toString();
    }

    static double[] errors(List<Row> rows) { return rows.stream().mapToDouble(Row::error).toArray(); }

    static String describe(double[] e) { return Arrays.toString(e); }
}
