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
}
