package org.tinyfit.cost;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tinyfit.device.Calibration;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;

/** Every latency model reproduces the published measurements it cites. */
class CalibrationTest {
    static final double TOLERANCE = 0.15;

    @Test
    void calibrationWorkloadsHaveTheirPublishedMacCounts() {
        assertEquals(7_489_664, cost(Workloads.byName("mlperf-tiny-vww"), any()).macs());
        assertEquals(7_157_888, cost(Workloads.byName("tflm-person-detection"), any()).macs());
        assertEquals(2_656_768, cost(Workloads.byName("mlperf-tiny-kws"), any()).macs());
    }

    @Test
    void everyCalibratedLatencyModelReproducesItsMeasurementsWithin15Percent() {
        int checked = 0;
        for (Device d : DeviceCatalog.builtin().devices()) {
            for (Calibration c : d.latency().calibrations()) {
                Device atClock = d.atClock(c.clockHz());
                double modelMillis = cost(Workloads.byName(c.workload()), atClock).latencyMillis();
                double error = (modelMillis - c.measuredMillis()) / c.measuredMillis();
                assertTrue(Math.abs(error) <= TOLERANCE, String.format("%s on %s: model %.1f ms, measured %.1f ms (%+.0f%%)",
                        c.workload(), d.id(), modelMillis, c.measuredMillis(), 100 * error));
                checked++;
            }
        }
        assertTrue(checked >= 10, "only " + checked + " calibrations checked");
    }

    /**
     * Held-out measurements: published for the same board and software as the Cortex-M4F fit, but
     * not used to fit it (mlcommons/tiny_results_v1.0, closed/OctoML/results/microtvm_cmsis_nn/NUCLEO_L4R5ZI):
     * image classification (ResNet-8) median 2.567 inferences/s, anomaly detection (FC autoencoder)
     * median 116.207 inferences/s, at 120 MHz. The model is expected within 30% of them (docs/devices.md
     * reports the actual errors).
     */
    @Test
    void cortexM4FModelPredictsHeldOutMeasurementsWithin30Percent() {
        Device l4 = DeviceCatalog.builtin().find("nucleo-l4r5zi");
        double[][] heldOut = {{1000 / 2.567}, {1000 / 116.207}};
        String[] workloads = {"mlperf-tiny-ic", "mlperf-tiny-ad"};
        for (int i = 0; i < workloads.length; i++) {
            double model = cost(Workloads.byName(workloads[i]), l4).latencyMillis();
            double measured = heldOut[i][0];
            assertEquals(measured, model, 0.30 * measured, String.format("%s: model %.1f ms, measured %.1f ms", workloads[i], model, measured));
        }
    }

    @Test
    void heldOutWorkloadsHaveTheirPublishedMacCounts() {
        assertEquals(12_501_632, cost(Workloads.byName("mlperf-tiny-ic"), any()).macs());
        assertEquals(264_192, cost(Workloads.byName("mlperf-tiny-ad"), any()).macs());
    }

    @Test
    void energyPerInferenceMatchesThePublishedEnergyWhereThereIsAPowerFigure() {
        Device l4 = DeviceCatalog.builtin().find("nucleo-l4r5zi");
        assertNotNull(l4.power());
        Cost c = cost(Workloads.byName("mlperf-tiny-vww"), l4);
        double published = 15_531.354; // uJ per inference, the source the power figure cites
        assertEquals(published, c.energyMicrojoules(), published * TOLERANCE);
        assertEquals(c.latencyMicros() * l4.power().activeMilliwatts() / 1000, c.energyMicrojoules(), 1e-6);
    }

    @Test
    void noPowerFigureMeansNoEnergy() {
        Device f7 = DeviceCatalog.builtin().find("stm32f746g-disco");
        assertNull(f7.power());
        assertNull(cost(Workloads.byName("mlperf-tiny-kws"), f7).energyMicrojoules());
    }

    static Device any() { return DeviceCatalog.builtin().find("nucleo-l4r5zi"); }

    static Cost cost(Graph g, Device d) {
        return Cost.of(g, d, Schedule.stored(g), new ArenaPlan(new long[g.tensors().size()], 0, "none"));
    }
}
