package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<Validation.Row> lobo = Validation.leaveOneBoardOutPerOp(Measurements.builtin());
        assertTrue(lobo.stream().noneMatch(Validation.Row::fromInstructions), "an extrapolated figure rests on the per-op model");
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
    void aRowOfAnEmulatedSoftwareVersionIsPredictedFromTheOtherBoardsCyclesPerInstruction() {
        List<Measurement> all = Measurements.builtin();
        EmulatedInstructions e = EmulatedInstructions.builtin();
        String rt = Runtimes.TFLM_CMSIS_NN;
        LatencyFit without = LatencyFit.of(all.stream().filter(m -> !m.board().equals(Validation.REFERENCE_BOARD)).toList());
        double logs = 0;
        int n = 0;
        for (Measurement m : all) {
            if (!m.board().equals("ek-ra6m4") || !m.runtime().equals(rt)) continue;
            logs += Math.log(m.cycles() / (without.coreFactor(m.core()) * e.instructions(m.board(), rt, m.workload())));
            n++;
        }
        assertEquals(4, n);
        assertEquals(Math.exp(logs / n), without.cyclesPerInstruction(rt), 1e-9, "the other board's cycles over its own software's instructions");
        List<Validation.Row> ref = Validation.leaveOneBoardOut(all).stream().filter(r -> r.measured().board().equals(Validation.REFERENCE_BOARD)
                && r.measured().runtime().equals(rt)).toList();
        assertEquals(4, ref.size());
        for (Validation.Row r : ref) {
            assertTrue(r.fromInstructions(), r.toString());
            double expected = without.cyclesPerInstruction(rt) * e.instructions(Validation.REFERENCE_BOARD, rt, r.measured().workload()) / r.measured().clockHz() * 1e3;
            assertEquals(expected, r.predictedMillis(), 1e-9 * expected, r.measured().workload());
        }
        assertHeldOutIgnores(m -> m.board().equals(Validation.REFERENCE_BOARD), 3);
    }

    @Test
    void cyclesPerInstructionCarryAcrossSoftwareVersions() {
        Map<String, Long> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        for (String w : Workloads.NAMES) {
            a.put(w, 1_000_000L + 100_000L * w.length());
            b.put(w, 3_000_000L - 50_000L * w.length());
        }
        EmulatedInstructions e = new EmulatedInstructions(List.of(
                new EmulatedInstructions.Version("a", "version a", "", List.of(EmulatedInstructions.row("board-a", Runtimes.TFLM_CMSIS_NN)), a),
                new EmulatedInstructions.Version("b", "version b", "", List.of(EmulatedInstructions.row("board-b", Runtimes.TFLM_CMSIS_NN)), b)));
        List<Measurement> rows = new ArrayList<>();
        for (String w : Workloads.NAMES) rows.add(new Measurement("board-a", "A", "Cortex-M4F", 100_000_000, Runtimes.TFLM_CMSIS_NN, "version a", w,
                1.5 * a.get(w) / 100_000_000 * 1e3, "1.5 cycles per instruction"));
        LatencyFit fit = LatencyFit.of(rows, e);
        assertEquals(1.5, fit.cyclesPerInstruction(Runtimes.TFLM_CMSIS_NN), 1e-12);
        for (String w : Workloads.NAMES) {
            assertEquals(1.5 * b.get(w) / 50_000_000 * 1e3, fit.fromInstructions("board-b", "Cortex-M4", 50_000_000, Runtimes.TFLM_CMSIS_NN, w), 1e-9, w);
        }
        assertNull(fit.fromInstructions("board-c", "Cortex-M4", 50_000_000, Runtimes.TFLM_CMSIS_NN, "mlperf-tiny-kws"), "software not emulated");
        assertNull(fit.fromInstructions("board-b", "Cortex-M4", 50_000_000, Runtimes.TFLM_REF, "mlperf-tiny-kws"), "no cycles per instruction for the runtime");
    }

    @Test
    void softwareCountedOnHeliumIsPredictedWithTheCoresInstructionRateAndNeverEntersTheCyclesPerInstruction() {
        Map<String, Long> m4 = new LinkedHashMap<>(), helium = new LinkedHashMap<>();
        for (String w : Workloads.NAMES) {
            m4.put(w, 1_000_000L + 100_000L * w.length());
            helium.put(w, 300_000L + 10_000L * w.length());
        }
        String rt = Runtimes.TFLM_CMSIS_NN;
        EmulatedInstructions e = new EmulatedInstructions(List.of(
                new EmulatedInstructions.Version("a", "version a", "", List.of(EmulatedInstructions.row("board-a", rt)), m4),
                new EmulatedInstructions.Version("h", "version h", "", List.of(EmulatedInstructions.row("board-h", rt), EmulatedInstructions.row("board-m4", rt)), helium, "Cortex-M55"),
                new EmulatedInstructions.Version("b", "version b", "", List.of(EmulatedInstructions.row("board-b", rt)), m4)));
        List<Measurement> rows = new ArrayList<>();
        for (String w : Workloads.NAMES) {
            rows.add(new Measurement("board-a", "A", "Cortex-M4F", 100_000_000, rt, "version a", w, 1.5 * m4.get(w) / 100_000_000 * 1e3, "1.5 cycles per instruction"));
            rows.add(new Measurement("board-h", "H", "Cortex-M85", 400_000_000, rt, "version h", w, 7.0 * helium.get(w) / 400_000_000 * 1e3, "7 cycles per instruction"));
        }
        LatencyFit fit = LatencyFit.of(rows, e);
        assertEquals(1.5, fit.cyclesPerInstruction(rt), 1e-12, "the Helium board's rows stay out of the cycles per instruction");
        double rate = 3.54 / 6.28;
        assertEquals(rate, LatencyFit.instructionRateFactor("Cortex-M85"), 1e-12);
        for (String w : Workloads.NAMES) {
            assertEquals(rate * 1.5 * helium.get(w) / 400_000_000 * 1e3, fit.fromInstructions("board-h", "Cortex-M85", 400_000_000, rt, w), 1e-9, w);
        }
        assertNull(fit.fromInstructions("board-b", "Cortex-M85", 400_000_000, rt, "mlperf-tiny-kws"), "Cortex-M4 counts on an unmeasured core: no factor");
        assertNull(fit.fromInstructions("board-m4", "Cortex-M4", 100_000_000, rt, "mlperf-tiny-kws"), "Helium counts on a core without Helium");
        assertNull(LatencyFit.instructionRateFactor("Cortex-M7"), "only cores whose counts are their own instruction set");
    }

    @Test
    void theEkRa8d1IsPredictedFromItsHeliumCountsAndTheCortexM4BoardsCyclesPerInstruction() {
        List<Measurement> all = Measurements.builtin();
        String rt = Runtimes.TFLM_CMSIS_NN, board = "ek-ra8d1";
        EmulatedInstructions e = EmulatedInstructions.builtin();
        assertEquals("Cortex-M55", e.versionOf(board, rt).emulatedCore());
        LatencyFit without = LatencyFit.of(all.stream().filter(m -> !m.board().equals(board)).toList());
        assertEquals(without.cyclesPerInstruction(rt), LatencyFit.of(all).cyclesPerInstruction(rt), 1e-12, "its rows never enter the cycles per instruction");
        List<Validation.Row> held = Validation.leaveOneBoardOut(all).stream().filter(r -> r.measured().board().equals(board)).toList();
        assertEquals(4, held.size());
        for (Validation.Row r : held) {
            assertTrue(r.fromInstructions() && !r.coreMeasured(), r.toString());
            double expected = LatencyFit.instructionRateFactor("Cortex-M85") * without.cyclesPerInstruction(rt)
                    * e.instructions(board, rt, r.measured().workload()) / r.measured().clockHz() * 1e3;
            assertEquals(expected, r.predictedMillis(), 1e-9 * expected, r.measured().workload());
        }
        assertHeldOutIgnores(m -> m.board().equals(board), 3);
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
