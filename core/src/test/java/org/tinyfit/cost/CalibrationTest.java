package org.tinyfit.cost;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.Graph;
import org.tinyfit.latency.Workloads;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;

/** The benchmark networks the latency model is fitted on, and the energy figure derived from latency. */
class CalibrationTest {
    @Test
    void workloadsHaveTheirPublishedMacCounts() {
        assertEquals(7_489_664, cost(Workloads.byName("mlperf-tiny-vww"), any()).macs());
        assertEquals(7_157_888, cost(Workloads.byName("tflm-person-detection"), any()).macs());
        assertEquals(2_656_768, cost(Workloads.byName("mlperf-tiny-kws"), any()).macs());
        assertEquals(12_501_632, cost(Workloads.byName("mlperf-tiny-ic"), any()).macs());
        assertEquals(264_192, cost(Workloads.byName("mlperf-tiny-ad"), any()).macs());
    }

    /**
     * The L4R5ZI's power figure is the MLPerf Tiny v1.0 OctoML energy run: 15,531.354 uJ per VWW
     * inference at 3.347 inferences/s; energy per inference is then this power times whatever latency
     * the model predicts.
     */
    @Test
    void energyPerInferenceIsLatencyTimesThePublishedPower() {
        Device l4 = DeviceCatalog.builtin().find("nucleo-l4r5zi");
        assertNotNull(l4.power());
        assertEquals(15_531.354, l4.power().activeMilliwatts() * 1000 / 3.347, 15_531.354 * 0.01, "the power figure reproduces its source");
        Cost c = cost(Workloads.byName("mlperf-tiny-vww"), l4);
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
