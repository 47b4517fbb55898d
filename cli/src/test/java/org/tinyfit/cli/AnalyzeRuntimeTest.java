package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

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

    @Test
    void unknownRuntimeIsAOneLineUserError() {
        CliTest.Run r = CliTest.run("analyze", MODEL, "-d", "nucleo-l4r5zi", "--runtime", "tflm-turbo");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("tinyfit: no runtime \"tflm-turbo\"; use one of tflm-cmsis-nn"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
