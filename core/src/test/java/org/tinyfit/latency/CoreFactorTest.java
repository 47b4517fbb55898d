package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core factor: measured when the same software ran on the core and on a Cortex-M4, else the instruction set's, else 1. */
class CoreFactorTest {
    static List<Measurement> rows(String core, double cyclesPerM4Cycle) {
        double[] truth = {3.1, 7.0, 2.2, 5.5, 2.6, 25, 9, 2500};
        List<Measurement> out = new ArrayList<>();
        for (String w : List.of("mlperf-tiny-kws", "mlperf-tiny-vww", "mlperf-tiny-ic", "mlperf-tiny-ad")) {
            double cycles = OpFeatures.dot(LatencyFit.workloadFeatures(w), truth);
            out.add(new Measurement("m4", "m4", "Cortex-M4F", 100_000_000, Runtimes.TFLM_CMSIS_NN, "engine 1", w, cycles / 1e5, "synthetic"));
            if (core != null) {
                out.add(new Measurement("other", "other", core, 100_000_000, Runtimes.TFLM_CMSIS_NN, "engine 1", w, cyclesPerM4Cycle * cycles / 1e5, "synthetic"));
            }
        }
        return out;
    }

    @Test
    void aHeliumCoreNeverMeasuredBesideACortexM4TakesTheVectorWidthRatioForCmsisNnOnly() {
        LatencyFit fit = LatencyFit.of(rows(null, 0));
        assertFalse(fit.coreMeasured("Cortex-M85"));
        assertEquals(0.25, fit.coreFactor("Cortex-M85", Runtimes.TFLM_CMSIS_NN), 1e-12);
        assertEquals(0.25, fit.coreFactor("Cortex-M55", Runtimes.TFLM_CMSIS_NN), 1e-12);
        assertEquals(1.0, fit.coreFactor("Cortex-M85", Runtimes.TFLM_REF), 1e-12, "the reference kernels are plain C: no vector loops");
        assertEquals(1.0, fit.coreFactor("RXv2", Runtimes.TFLM_CMSIS_NN), 1e-12, "nothing known: cycle for cycle a Cortex-M4");
        double m4 = fit.predict(LatencyFit.workloadFeatures("mlperf-tiny-kws"), "unseen", "Cortex-M4", 100_000_000, Runtimes.TFLM_CMSIS_NN).millis();
        double m85 = fit.predict(LatencyFit.workloadFeatures("mlperf-tiny-kws"), "unseen", "Cortex-M85", 100_000_000, Runtimes.TFLM_CMSIS_NN).millis();
        assertEquals(0.25, m85 / m4, 1e-9);
        assertTrue(fit.basis("unseen", "Cortex-M85", Runtimes.TFLM_CMSIS_NN).contains("from the instruction set"));
    }

    @Test
    void aMeasuredFactorWinsOverTheInstructionSets() {
        LatencyFit fit = LatencyFit.of(rows("Cortex-M85", 0.15));
        assertTrue(fit.coreMeasured("Cortex-M85"));
        assertEquals(0.15, fit.coreFactor("Cortex-M85", Runtimes.TFLM_CMSIS_NN), 1e-9);
    }

    @Test
    void coresMeasuredOnlyBesideEachOtherTakeTheirMeasuredRatioPerRuntime() {
        double[] truth = {1.1, 2.3, 1.0, 3.6, 2.8, 13, 6, 3000};
        List<Measurement> rows = new ArrayList<>(rows(null, 0));
        for (String w : List.of("mlperf-tiny-kws", "mlperf-tiny-vww", "mlperf-tiny-ic", "mlperf-tiny-ad")) {
            double cycles = OpFeatures.dot(LatencyFit.workloadFeatures(w), truth);
            rows.add(new Measurement("a", "a", "Core A", 60_000_000, "vendor-nn", "vendor 1", w, cycles / 6e4, "synthetic"));
            rows.add(new Measurement("b", "b", "Core B", 60_000_000, "vendor-nn", "vendor 1", w, 0.8 * cycles / 6e4, "synthetic"));
        }
        double ad = OpFeatures.dot(LatencyFit.workloadFeatures("mlperf-tiny-ad"), truth);
        rows.add(new Measurement("v", "v", "Core V", 60_000_000, "vendor-nn", "vendor 1", "mlperf-tiny-ad", 0.25 * ad / 6e4, "synthetic"));
        LatencyFit fit = LatencyFit.of(rows);
        assertFalse(fit.coreMeasured("Core B"), "never beside a Cortex-M4");
        assertEquals(0.8, fit.coreFactor("Core B", "vendor-nn"), 1e-9);
        assertEquals(0.25, fit.coreFactor("Core V", "vendor-nn"), 1e-9, "one shared workload is enough");
        assertEquals(1.0, fit.coreFactor("Core A", "vendor-nn"), 1e-12, "the anchor, with the most rows, is taken as a Cortex-M4");
        assertEquals(1.0, fit.coreFactor("Core V", Runtimes.TFLM_CMSIS_NN), 1e-12, "measured under one runtime only");
        for (String w : List.of("mlperf-tiny-kws", "mlperf-tiny-ic")) {
            double a = fit.predict(LatencyFit.workloadFeatures(w), "a", "Core A", 60_000_000, "vendor-nn").millis();
            double b = fit.predict(LatencyFit.workloadFeatures(w), "unseen", "Core B", 60_000_000, "vendor-nn").millis();
            assertEquals(0.8, b / a, 0.02, w + ": an unseen board with core B is predicted from both cores' rows");
        }
        assertTrue(fit.basis("unseen", "Core V", "vendor-nn").contains("x0.25 the cycles of Core A"));
    }
}
