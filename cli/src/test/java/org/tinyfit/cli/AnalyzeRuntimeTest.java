package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze --runtime NAME}: the latency of the software the user will run. */
class AnalyzeRuntimeTest {
    static final String MODEL = AnalyzeCommandTest.MODELS.resolve("person_detect.tflite").toString();

    @Test
    void defaultIsCmsisNnOnACortexM4AndReferenceKernelsAreSlowerAndExtrapolated() throws Exception {
        JsonNode cmsis = AnalyzeCommandTest.analyzeJson("analyze", MODEL, "-d", "nucleo-l4r5zi", "--json").get("cost");
        JsonNode ref = AnalyzeCommandTest.analyzeJson("analyze", MODEL, "-d", "nucleo-l4r5zi", "--runtime", "tflm-ref", "--json").get("cost");
        assertEquals("tflm-cmsis-nn", cmsis.get("runtime").asText());
        assertFalse(cmsis.get("latencyExtrapolated").asBoolean(), cmsis.get("latencyBasis").asText());
        assertEquals("tflm-ref", ref.get("runtime").asText());
        assertTrue(ref.get("latencyExtrapolated").asBoolean());
        assertTrue(ref.get("latencyMicros").asDouble() > 3 * cmsis.get("latencyMicros").asDouble());
    }

    @Test
    void extrapolatedBoardSaysSoInTheText() {
        CliTest.Run r = CliTest.run("analyze", MODEL, "-d", "nucleo-f446re");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("with tflm-cmsis-nn (extrapolated"), r.out());
        assertTrue(r.out().contains("no published tflm-cmsis-nn measurement on this board"), r.out());
    }

    /** A user's own person-detection time on their board is what analyze then reports for TFLM's person_detect.tflite. */
    @Test
    void calibrationInADevicesFileIsWhatAnalyzeReports(@TempDir Path dir) throws Exception {
        Path devices = dir.resolve("devices.json");
        Files.writeString(devices, """
                {"devices": [{
                  "id": "my-board", "core": "Cortex-M4F", "clockHz": 100000000, "sramBytes": 262144, "flashBytes": 1048576,
                  "source": {"title": "my datasheet"},
                  "latency": {
                    "int8": {"conv": 4.5, "depthwise": 5.85, "fullyConnected": 4.5, "perElement": 4},
                    "int16": {"conv": 6.75, "depthwise": 8.8, "fullyConnected": 6.75, "perElement": 5},
                    "float32": {"conv": 8, "depthwise": 8, "fullyConnected": 8, "perElement": 6},
                    "calibrations": [{"workload": "tflm-person-detection", "measuredMillis": 321.0, "clockHz": 100000000,
                                      "runtime": "tflm-cmsis-nn", "source": "my bench"}]}
                }]}""");
        JsonNode cost = AnalyzeCommandTest.analyzeJson("analyze", MODEL, "-d", "my-board", "--devices-file", devices.toString(), "--json").get("cost");
        assertEquals("tflm-cmsis-nn", cost.get("runtime").asText());
        assertFalse(cost.get("latencyExtrapolated").asBoolean(), cost.get("latencyBasis").asText());
        assertEquals(321.0, cost.get("latencyMicros").asDouble() / 1000, 321.0 * 0.02);
    }

    /** tinyfit-c analyzes the exported C project: its in-place arena and its predicted image, not TFLite Micro's arena, tail and code. */
    @Test
    void tinyfitCIsTheGeneratedProjectsFlashAndSram() throws Exception {
        JsonNode tflm = AnalyzeCommandTest.analyzeJson("analyze", MODEL, "-d", "nucleo-l4r5zi", "--json").get("cost");
        JsonNode c = AnalyzeCommandTest.analyzeJson("analyze", MODEL, "-d", "nucleo-l4r5zi", "--runtime", "tinyfit-c", "--json").get("cost");
        org.tinyfit.codegen.CProject.Project p = org.tinyfit.codegen.CProject.generate(
                org.tinyfit.tflite.TfliteReader.read(Path.of(MODEL)), org.tinyfit.codegen.CProject.Options.DEFAULT);
        org.tinyfit.codegen.CFootprint.Footprint f = org.tinyfit.codegen.CFootprint.predict(p);
        assertEquals("tinyfit-c", c.get("runtime").asText());
        assertEquals(p.arenaBytes(), c.get("arenaBytes").asLong(), "the in-place plan export uses");
        assertTrue(p.arenaBytes() < tflm.get("arenaBytes").asLong(), "smaller than TFLite Micro's arena");
        assertEquals(f.flashBytes(), c.get("flashBytes").asLong());
        assertEquals(f.ramBytes(), c.get("peakSramBytes").asLong());
        assertTrue(c.get("peakSramBytes").asLong() < tflm.get("peakSramBytes").asLong(), "no interpreter tail: " + c + " vs " + tflm);
        CliTest.Run text = CliTest.run("analyze", MODEL, "-d", "nucleo-l4r5zi", "--runtime", "tinyfit-c");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains(String.format("%,d B arena (in-place", p.arenaBytes())), text.out());
    }

    @Test
    void tinyfitCOnAFloatModelIsAOneLineUserError() {
        CliTest.Run r = CliTest.run("analyze", AnalyzeCommandTest.MODELS.resolve("hello_world_float.tflite").toString(), "-d", "nucleo-l4r5zi", "--runtime", "tinyfit-c");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("tinyfit: cannot generate C for hello_world_float (int8 models only)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void unknownRuntimeIsAOneLineUserError() {
        CliTest.Run r = CliTest.run("analyze", MODEL, "-d", "nucleo-l4r5zi", "--runtime", "tflm-turbo");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("tinyfit: no runtime \"tflm-turbo\"; use one of tflm-cmsis-nn"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
