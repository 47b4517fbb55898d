package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The validation of the latency model: held-out errors computed from the published measurements, a
 * check that holding out really holds out, and the report in docs/devices.md being the one the model
 * gives today. Print the report: {@code mvn -o -B -q -pl core -am test -Dtest=LatencyValidationTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; it is also written to core/target/latency-validation.md.
 */
class LatencyValidationTest {
    static final Path DOCS = Path.of("..", "docs", "devices.md");

    @Test
    void docsCarryTheValidationReportTheModelGivesToday() throws Exception {
        String report = Validation.report(Measurements.builtin());
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "latency-validation.md"), report);
        String docs = Files.readString(DOCS);
        assertTrue(docs.contains(report), "docs/devices.md does not carry the current validation report; paste core/target/latency-validation.md into its 'Validation' section");
    }

    @Test
    void everyTfliteMicroRowWhoseRuntimeIsMeasuredElsewhereIsPredictedWhenItsBoardIsLeftOut() {
        List<Measurement> all = Measurements.builtin();
        List<Validation.Row> lobo = Validation.leaveOneBoardOut(all);
        for (Measurement m : Validation.unpredicted(all, lobo)) {
            assertTrue(all.stream().noneMatch(o -> !o.board().equals(m.board()) && o.runtime().equals(m.runtime())),
                    m.boardName() + " " + m.runtime() + " has other boards but was not predicted");
        }
        assertTrue(lobo.stream().anyMatch(r -> r.measured().board().equals(Validation.REFERENCE_BOARD) && r.measured().runtime().equals(Runtimes.TFLM_CMSIS_NN)));
        for (Validation.Row r : lobo) assertTrue(r.predictedMillis() > 0 && Double.isFinite(r.predictedMillis()), r.toString());
    }

    @Test
    void leaveOneBoardOutNeverSeesTheBoardItPredicts() {
        String board = "ek-ra6m4";
        List<Measurement> tripled = assertHeldOutIgnores(m -> m.board().equals(board), 3);
        double inSample = kwsOnRa6m4(LatencyFit.of(Measurements.builtin()));
        assertTrue(kwsOnRa6m4(LatencyFit.of(tripled)) > 2 * inSample, "the fitted model follows the board's own measurements when it may see them");
    }

    @Test
    void anExtrapolatedFigureCarriesTheHeldOutErrorsOfRowsOnItsBasis() {
        assertNull(Validation.heldOutError("nucleo-l4r5zi", "Cortex-M4F", Runtimes.TFLM_CMSIS_NN), "its own rows are in the fit");
        List<Validation.Row> lobo = Validation.leaveOneBoardOut(Measurements.builtin());
        List<Validation.Row> m4Like = lobo.stream().filter(r -> r.measured().runtime().equals(Runtimes.TFLM_CMSIS_NN) && r.coreMeasured()).toList();
        assertEquals(Validation.cortexMCmsisNnRows(lobo), m4Like.size(), "the measured-core CMSIS-NN rows are the ones a Cortex-M board rests on");
        String m4 = Validation.heldOutError("a-new-board", "Cortex-M4F", Runtimes.TFLM_CMSIS_NN);
        assertTrue(m4.startsWith(Validation.range(m4Like)) && m4.contains(m4Like.size() + " published rows"), m4);
        String m85 = Validation.heldOutError("a-new-board", "Cortex-M85", Runtimes.TFLM_CMSIS_NN);
        List<Validation.Row> helium = lobo.stream().filter(r -> r.measured().runtime().equals(Runtimes.TFLM_CMSIS_NN) && !r.coreMeasured()
                && LatencyFit.instructionSetFactor(r.measured().core(), Runtimes.TFLM_CMSIS_NN) != null).toList();
        assertFalse(helium.isEmpty());
        assertTrue(helium.stream().allMatch(r -> r.measured().board().equals("ek-ra8d1")));
        assertTrue(m85.startsWith(Validation.range(helium)), "a Helium core rests on the EK-RA8D1's rows: " + m85);
        assertNull(Validation.heldOutError("a-new-board", "Cortex-M4F", Runtimes.TINYFIT_C), "never measured: no held-out row");
    }

    @Test
    void leaveOneModelOutNeverSeesTheWorkloadItPredicts() {
        assertHeldOutIgnores(m -> m.workload().equals("mlperf-tiny-ic"), 0.5);
    }

    /** Scales the held-out rows by {@code factor}: their predictions must not move. Returns the scaled rows. */
    static List<Measurement> assertHeldOutIgnores(Predicate<Measurement> out, double factor) {
        List<Measurement> all = Measurements.builtin();
        List<Measurement> changed = scaled(all, out, factor);
        assertEquals(predictions(Validation.heldOut(all, out)), predictions(Validation.heldOut(changed, out)));
        return changed;
    }

    static double kwsOnRa6m4(LatencyFit fit) {
        return fit.predict(LatencyFit.workloadFeatures("mlperf-tiny-kws"), "ek-ra6m4", "Cortex-M33", 200_000_000, Runtimes.TFLM_CMSIS_NN).millis();
    }

    @Test
    void fitReproducesMeasurementsMadeByAKnownModel() {
        double[] truth = {3.1, 7.0, 2.2, 5.5, 2.6, 25, 9, 2500};
        List<Measurement> rows = new ArrayList<>();
        String[][] boards = {{"a", "Cortex-M4F", "80"}, {"b", "Cortex-M4", "168"}};
        for (String[] b : boards) {
            long hz = Long.parseLong(b[2]) * 1_000_000;
            for (String w : Workloads.NAMES) {
                double ms = OpFeatures.dot(LatencyFit.workloadFeatures(w), truth) / hz * 1e3;
                rows.add(new Measurement(b[0], b[0], b[1], hz, Runtimes.TFLM_CMSIS_NN, "synthetic", w, ms, "made by a known model"));
            }
        }
        LatencyFit fit = LatencyFit.of(rows);
        for (Measurement m : rows) {
            double predicted = fit.predict(LatencyFit.workloadFeatures(m.workload()), "unseen", m.core(), m.clockHz(), m.runtime()).millis();
            assertEquals(m.measuredMillis(), predicted, 0.05 * m.measuredMillis(), m.workload() + " on " + m.board());
        }
    }

    static List<Double> predictions(List<Validation.Row> rows) { return rows.stream().map(Validation.Row::predictedMillis).toList(); }

    static List<Measurement> scaled(List<Measurement> all, Predicate<Measurement> which, double factor) {
        return all.stream().map(m -> which.test(m) ? new Measurement(m.board(), m.boardName(), m.core(), m.clockHz(), m.runtime(), m.software(),
                m.workload(), m.measuredMillis() * factor, m.source()) : m).toList();
    }
}
