package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.device.Core;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.device.KernelCycles;
import org.tinyfit.device.LatencyModel;
import org.tinyfit.device.Source;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class LatencyTest {
    static Device board(Core core) {
        LatencyModel lat = new LatencyModel("test", new KernelCycles(2, 3, 4, 1), new KernelCycles(5, 6, 7, 2), new KernelCycles(10, 11, 12, 3),
                100, "test figures", List.of());
        return new Device("no-such-board", "Test", "T1", core, 100_000_000, 1 << 20, 1 << 20, 4 << 20, new Source("T1", "", ""), lat, "", null);
    }

    static Graph fc(DType activations) {
        GraphBuilder b = new GraphBuilder("fc");
        int x = b.input("x", activations, 1, 10);
        int w = b.constant("w", DType.I8, Shape.of(5, 10), new byte[50]);
        return b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w)).build();
    }

    @Test
    void defaultRuntimeFollowsTheCore() {
        assertEquals(Runtimes.TFLM_CMSIS_NN, Runtimes.defaultFor(Core.CORTEX_M4F));
        assertEquals(Runtimes.TFLM_CMSIS_NN, Runtimes.defaultFor(Core.CORTEX_M7));
        assertEquals(Runtimes.TFLM_REF, Runtimes.defaultFor(Core.CORTEX_M0_PLUS));
        assertEquals(Runtimes.TFLM_ESP_NN, Runtimes.defaultFor(Core.XTENSA_LX7));
        for (Core c : Core.values()) assertNotNull(Latency.builtinFit().cyclesPerUnit(Runtimes.defaultFor(c)), c + "'s default runtime has a fit");
    }

    @Test
    void floatOpsAreChargedByTheBoardsTableWhateverTheRuntime() {
        Prediction p = Latency.predict(fc(DType.F32), board(Core.CORTEX_M4F), null);
        assertEquals((50 * 12 + 100) / 100.0 / 1000, p.millis(), 1e-12);
    }

    @Test
    void int8OpsAreChargedByTheFitAtTheBoardsClock() {
        Graph g = fc(DType.I8);
        Device d = board(Core.CORTEX_M4F);
        double expectedCycles = OpFeatures.dot(OpFeatures.of(g), Latency.builtinFit().cyclesPerUnit(Runtimes.TFLM_CMSIS_NN));
        assertEquals(expectedCycles / 100_000_000 * 1000, Latency.predict(g, d, null).millis(), 1e-9);
        Device m7 = board(Core.CORTEX_M7);
        assertEquals(Latency.builtinFit().coreFactor("Cortex-M7"), Latency.predict(g, m7, null).millis() / Latency.predict(g, d, null).millis(), 1e-9);
    }

    @Test
    void boardWithPublishedMeasurementsReproducesThemClosely() {
        Device l4 = DeviceCatalog.builtin().find("nucleo-l4r5zi");
        for (Measurement m : Measurements.builtin()) {
            if (!m.board().equals("nucleo-l4r5zi") || !m.runtime().equals(Runtimes.TFLM_CMSIS_NN)) continue;
            double predicted = Latency.predict(Workloads.byName(m.workload()), l4, null).millis();
            assertEquals(m.measuredMillis(), predicted, 0.35 * m.measuredMillis(), m.workload());
        }
    }
}
