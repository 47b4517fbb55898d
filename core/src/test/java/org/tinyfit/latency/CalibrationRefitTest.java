package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.device.DeviceException;

/** A user's own measurement, given as a {@code calibrations} entry in a devices file, refits the model for their board. */
class CalibrationRefitTest {
    static Device board(Path dir, String calibrations) throws Exception {
        Path f = dir.resolve("devices.json");
        Files.writeString(f, """
                {"devices": [{
                  "id": "my-board", "name": "My Board", "core": "Cortex-M4F", "clockHz": 80000000,
                  "sramBytes": 262144, "flashBytes": 1048576, "source": {"title": "my datasheet"},
                  "latency": {"runtime": "TFLite Micro",
                    "int8": {"conv": 4.5, "depthwise": 5.85, "fullyConnected": 4.5, "perElement": 4},
                    "int16": {"conv": 6.75, "depthwise": 8.8, "fullyConnected": 6.75, "perElement": 5},
                    "float32": {"conv": 8, "depthwise": 8, "fullyConnected": 8, "perElement": 6},
                    "calibrations": [%s]}
                }]}""".formatted(calibrations));
        return DeviceCatalog.withFile(f).find("my-board");
    }

    static String calibration(String workload, double ms, String runtime) {
        return "{\"workload\": \"" + workload + "\", \"measuredMillis\": " + ms + ", \"clockHz\": 80000000, \"framework\": \"my build\", \"source\": \"my bench\""
                + (runtime == null ? "" : ", \"runtime\": \"" + runtime + "\"") + "}";
    }

    @Test
    void boardWithItsOwnMeasurementIsNoLongerExtrapolatedAndScalesItsOtherWorkloads(@TempDir Path dir) throws Exception {
        Device plain = board(dir, "");
        Prediction kwsBefore = Latency.predict(Workloads.byName("mlperf-tiny-kws"), plain, null);
        Prediction vwwBefore = Latency.predict(Workloads.byName("mlperf-tiny-vww"), plain, null);
        assertTrue(kwsBefore.extrapolated());
        assertEquals(Runtimes.TFLM_CMSIS_NN, kwsBefore.runtime());

        double measured = 2.5 * kwsBefore.millis();
        Device mine = board(dir, calibration("mlperf-tiny-kws", measured, Runtimes.TFLM_CMSIS_NN));
        Prediction kws = Latency.predict(Workloads.byName("mlperf-tiny-kws"), mine, null);
        Prediction vww = Latency.predict(Workloads.byName("mlperf-tiny-vww"), mine, null);
        assertFalse(kws.extrapolated(), kws.basis());
        assertTrue(kws.basis().contains("this board's own 1 published measurement"), kws.basis());
        assertEquals(measured, kws.millis(), 1e-6 * measured);
        assertEquals(2.5, vww.millis() / vwwBefore.millis(), 0.1, "the other workloads follow the board's factor");
        assertTrue(Latency.predict(Workloads.byName("mlperf-tiny-kws"), mine, Runtimes.TFLM_REF).extrapolated(), "a measurement of one runtime says nothing of another");
    }

    /** A timed build of the generated C scales the board's tinyfit-c figures, and only those, and ends the extrapolation. */
    @Test
    void aMeasurementOfTheGeneratedCScalesItsFigures(@TempDir Path dir) throws Exception {
        Device plain = board(dir, "");
        Prediction kwsBefore = Latency.predict(Workloads.byName("mlperf-tiny-kws"), plain, Runtimes.TINYFIT_C);
        Prediction vwwBefore = Latency.predict(Workloads.byName("mlperf-tiny-vww"), plain, Runtimes.TINYFIT_C);
        double cmsisBefore = Latency.predict(Workloads.byName("mlperf-tiny-kws"), plain, Runtimes.TFLM_CMSIS_NN).millis();
        double measured = 1.3 * kwsBefore.millis();
        Device mine = board(dir, calibration("mlperf-tiny-kws", measured, Runtimes.TINYFIT_C));
        Prediction kws = Latency.predict(Workloads.byName("mlperf-tiny-kws"), mine, Runtimes.TINYFIT_C);
        assertEquals(measured, kws.millis(), 1e-6 * measured);
        assertFalse(kws.extrapolated(), kws.basis());
        assertTrue(kws.basis().contains("this board's own 1 published measurement"), kws.basis());
        assertEquals(1.3, Latency.predict(Workloads.byName("mlperf-tiny-vww"), mine, Runtimes.TINYFIT_C).millis() / vwwBefore.millis(), 1e-9);
        assertEquals(cmsisBefore, Latency.predict(Workloads.byName("mlperf-tiny-kws"), mine, Runtimes.TFLM_CMSIS_NN).millis(), 1e-9 * cmsisBefore);
    }

    @Property(tries = 20)
    void theBoardsOwnMeasurementIsReproducedWhateverItIs(@ForAll("workloads") String workload, @ForAll @DoubleRange(min = 0.5, max = 5000) double ms) throws Exception {
        Path dir = Files.createTempDirectory("calibration");
        try {
            Device mine = board(dir, calibration(workload, ms, null));
            assertEquals(ms, Latency.predict(Workloads.byName(workload), mine, null).millis(), 1e-6 * ms);
        } finally {
            Files.deleteIfExists(dir.resolve("devices.json"));
            Files.delete(dir);
        }
    }

    @Provide
    Arbitrary<String> workloads() { return Arbitraries.of(Workloads.NAMES); }

    @Test
    void calibrationOfAnUnknownWorkloadIsAOneLineErrorNamingTheField(@TempDir Path dir) {
        DeviceException e = assertThrows(DeviceException.class, () -> board(dir, calibration("my-network", 10, null)));
        assertTrue(e.getMessage().contains("latency.calibrations[0].workload") && e.getMessage().contains("mlperf-tiny-kws"), e.getMessage());
    }

    @Test
    void espNnOnACortexMIsAnErrorNamingTheRuntimesThatRunThere(@TempDir Path dir) throws Exception {
        DeviceException e = assertThrows(DeviceException.class, () -> Latency.predict(Workloads.dsCnn(), board(dir, ""), Runtimes.TFLM_ESP_NN));
        assertEquals("my-board has a Cortex-M4F: tflm-esp-nn runs on Espressif's chips only; use tflm-cmsis-nn or tflm-ref", e.getMessage());
        Device esp32 = DeviceCatalog.builtin().devices().stream().filter(d -> d.core().display().startsWith("Xtensa")).findFirst().orElseThrow();
        assertTrue(Latency.predict(Workloads.dsCnn(), esp32, Runtimes.TFLM_ESP_NN).millis() > 0);
    }

    @Test
    void unknownRuntimeIsAnErrorListingTheChoices(@TempDir Path dir) throws Exception {
        DeviceException e = assertThrows(DeviceException.class, () -> Latency.predict(Workloads.dsCnn(), board(dir, ""), "tflm-turbo"));
        assertTrue(e.getMessage().contains("tflm-cmsis-nn") && e.getMessage().contains("tinyfit-c"), e.getMessage());
    }

    @Test
    void referenceKernelsAreSlowerThanCmsisNnAndTinyfitCIsItsCountedInstructions(@TempDir Path dir) throws Exception {
        Device d = board(dir, "");
        for (String w : List.of("mlperf-tiny-kws", "mlperf-tiny-vww")) {
            double cmsis = Latency.predict(Workloads.byName(w), d, Runtimes.TFLM_CMSIS_NN).millis();
            double ref = Latency.predict(Workloads.byName(w), d, Runtimes.TFLM_REF).millis();
            assertTrue(ref > 3 * cmsis, w + ": reference " + ref + " ms, CMSIS-NN " + cmsis + " ms");
        }
        Prediction c = Latency.predict(Workloads.dsCnn(), d, Runtimes.TINYFIT_C);
        assertTrue(c.extrapolated());
        assertTrue(c.basis().startsWith("estimated, never timed on a board: tinyfit's generated C's instructions"), c.basis());
        LatencyFit fit = Latency.fitFor(d);
        double expected = fit.cyclesPerInstruction(Runtimes.TFLM_CMSIS_NN) * OpFeatures.dot(OpFeatures.generatedC(Workloads.dsCnn()), fit.generatedCInstructionsPerUnit("cortex-m4"))
                / d.clockHz() * 1e3;
        assertEquals(expected, c.millis(), expected * 1e-9, "instructions x TFLite Micro + CMSIS-NN's cycles per instruction on a Cortex-M4");
        // the generated C executes 0.60-0.68x TFLite Micro + CMSIS-NN's instructions on the shared models (BENCHMARKS.md): so it is predicted faster
        for (String w : List.of("mlperf-tiny-kws", "mlperf-tiny-vww", "mlperf-tiny-ic")) {
            double cmsis = Latency.predict(Workloads.byName(w), d, Runtimes.TFLM_CMSIS_NN).millis();
            double gen = Latency.predict(Workloads.byName(w), d, Runtimes.TINYFIT_C).millis();
            assertTrue(gen < cmsis, w + ": generated C " + gen + " ms, TFLite Micro + CMSIS-NN " + cmsis + " ms");
        }
    }
}
