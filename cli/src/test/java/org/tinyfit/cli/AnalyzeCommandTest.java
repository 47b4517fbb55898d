package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

class AnalyzeCommandTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");

    /** The README's "planned" column: model name -> bytes. */
    static Map<String, Long> plannedFromReadme() throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher row = Pattern.compile("(?m)^\\| (\\w+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\|").matcher(Files.readString(MODELS.resolve("README.md")));
        while (row.find()) m.put(row.group(1), Long.parseLong(row.group(2)));
        return m;
    }

    static List<String> models() throws Exception {
        try (var s = Files.list(MODELS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tflite")).sorted().toList();
        }
    }

    static JsonNode analyzeJson(String... args) throws Exception {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    /** MACs from the shapes, written apart from the cost model: per output element, the taps that feed it. */
    static long independentMacs(Graph g) {
        long total = 0;
        for (Node n : g.nodes()) {
            Shape out = g.tensor(n.output(0)).shape();
            switch (n.op()) {
                case Op.Conv2D c -> total += (long) out.elements() * g.tensor(n.input(1)).shape().elements() / out.dim(3);
                case Op.DepthwiseConv2D d -> total += (long) out.elements() * g.tensor(n.input(1)).shape().dim(1) * g.tensor(n.input(1)).shape().dim(2);
                case Op.FullyConnected f -> total += (long) g.tensor(n.input(1)).shape().elements() * (g.tensor(n.input(0)).shape().elements() / g.tensor(n.input(1)).shape().dim(1));
                case Op.Svdf s -> total += (long) g.tensor(n.input(1)).shape().elements() + g.tensor(n.input(2)).shape().elements();
                default -> { }
            }
        }
        return total;
    }

    @ParameterizedTest
    @MethodSource("models")
    void analyzeJsonReportsTheArenaTfliteMicroPlansAndTheModelsMacs(String name) throws Exception {
        Map<String, Long> planned = plannedFromReadme();
        String key = name.replace(".tflite", "");
        assertTrue(planned.containsKey(key), "the README has no row for " + key + ": " + planned);
        JsonNode cost = analyzeJson("analyze", MODELS.resolve(name).toString(), "--device", "nucleo-h743zi", "--json").get("cost");
        assertEquals(planned.get(key).longValue(), cost.get("arenaBytes").asLong(), name + " arena");
        assertTrue(cost.get("lowerBoundBytes").asLong() <= cost.get("arenaBytes").asLong());
        Graph g = TfliteReader.read(MODELS.resolve(name));
        assertEquals(independentMacs(g), cost.get("macs").asLong(), name + " MACs");
        assertEquals(Files.size(MODELS.resolve(name)), cost.get("modelBytes").asLong());
        assertEquals(g.nodes().size(), cost.get("nodes").size());
    }

    @Test
    void macsAndParametersOfTheSharedModelsMatchTheirArchitectures() throws Exception {
        // person_detect: MobileNet v1 0.25 on 96x96x1 (hand count: 6,992,000 + 165,888 for the first layer on 1 channel);
        // micro_speech: 8 filters 10x8 stride 2 -> 25x20x8, then 4000 -> 4; hello_world: 1 -> 16 -> 16 -> 1;
        // keyword_scrambled: the SVDF and FC shapes of the file (see docs/analyze.md).
        Map<String, long[]> expected = Map.of(
                "person_detect.tflite", new long[] {7_157_888, 210_706},
                "micro_speech_quantized.tflite", new long[] {25L * 20 * 8 * 80 + 4000 * 4, 8 * 80 + 8 + 4 * 4000 + 4},
                "hello_world_float.tflite", new long[] {16 + 256 + 16, 32 + 272 + 17},
                "hello_world_int8.tflite", new long[] {16 + 256 + 16, 32 + 272 + 17},
                "keyword_scrambled_8bit.tflite", new long[] {21_056, 21_474},
                "simple_add_model.tflite", new long[] {0, 0});
        for (var e : expected.entrySet()) {
            JsonNode cost = analyzeJson("analyze", MODELS.resolve(e.getKey()).toString(), "-d", "stm32f746g-disco", "--json").get("cost");
            assertEquals(e.getValue()[0], cost.get("macs").asLong(), e.getKey() + " MACs");
            assertEquals(e.getValue()[1], cost.get("parameters").asLong(), e.getKey() + " parameters");
        }
    }

    @Test
    void persistentEstimateForA32BitCoreIsBelowWhatA64BitHostMeasured() throws Exception {
        Matcher row = Pattern.compile("(?m)^\\| (\\w+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\|").matcher(Files.readString(MODELS.resolve("README.md")));
        int n = 0;
        while (row.find()) {
            JsonNode cost = analyzeJson("analyze", MODELS.resolve(row.group(1) + ".tflite").toString(), "-d", "nucleo-h743zi", "--json").get("cost");
            long persistent = cost.get("persistentBytes").asLong();
            assertTrue(persistent > 0 && persistent < Long.parseLong(row.group(3)), row.group(1) + ": estimate " + persistent + ", 64-bit measured " + row.group(3));
            n++;
        }
        assertEquals(6, n);
    }

    @Test
    void textReportHasTheTableTotalsAndVerdict() {
        CliTest.Run r = CliTest.run("analyze", MODELS.resolve("person_detect.tflite").toString(), "--device", "STM32F746G-DISCO");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DEPTHWISE_CONV_2D"), r.out());
        assertTrue(r.out().contains("7,157,888 MACs"), r.out());
        assertTrue(r.out().contains("55,296 B arena"), r.out());
        assertTrue(r.out().contains("verdict:  FITS"), r.out());
    }

    @Test
    void tooSmallABoardGetsDoesNotFitNamingSramAndTheShortfall() throws Exception {
        JsonNode root = analyzeJson("analyze", MODELS.resolve("person_detect.tflite").toString(), "-d", "arduino-zero", "--json");
        JsonNode v = root.get("cost").get("verdict");
        assertFalse(v.get("fits").asBoolean());
        long peak = root.get("cost").get("peakSramBytes").asLong();
        long flash = root.get("cost").get("flashBytes").asLong();
        // 81 KB of SRAM on 32 KB is a larger share over than 327 KB of flash on 256 KB.
        assertEquals("SRAM", v.get("binding").asText());
        assertEquals(32 * 1024 - peak, v.get("marginBytes").asLong());
        assertTrue(flash > 256 * 1024);
        assertTrue(root.get("verdict").asText().startsWith("DOES NOT FIT: SRAM is over by"), root.get("verdict").asText());
        assertTrue(root.get("verdict").asText().contains("flash is over by"), root.get("verdict").asText());
    }

    @Test
    void unknownDeviceIsOneLineListingCloseNames() {
        CliTest.Run r = CliTest.run("analyze", MODELS.resolve("hello_world_int8.tflite").toString(), "--device", "stm32f476");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("closest:"), r.err());
    }

    @Test
    void missingModelIsOneLine() {
        CliTest.Run r = CliTest.run("analyze", "no/such/model.tflite", "--device", "nrf5340-dk");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
    }

    @Test
    void hybridModelIsReportedAsOneTfliteMicroCannotRun(@TempDir Path dir) throws Exception {
        GraphBuilder b = new GraphBuilder("hybrid");
        int x = b.input("x", DType.F32, 1, 16);
        int w = b.constant("w", DType.I8, Shape.of(4, 16), Quantization.perTensor(0.05f, 0), new byte[64]);
        int bias = b.constant("b", DType.F32, Shape.of(4), new byte[16]);
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "y", DType.F32, null, x, w, bias)).build();
        Path f = dir.resolve("hybrid.tflite");
        Files.write(f, TfliteWriter.write(g));
        JsonNode cost = analyzeJson("analyze", f.toString(), "-d", "nrf5340-dk", "--json").get("cost");
        assertTrue(cost.get("hybrid").asBoolean());
        assertEquals("HYBRID", cost.get("findings").get(0).get("code").asText());
        CliTest.Run text = CliTest.run("analyze", f.toString(), "-d", "nrf5340-dk");
        assertTrue(text.out().contains("TFLite Micro cannot run hybrid models"), text.out());
    }

    @Test
    void deviceFromADevicesFileCanBeAnalyzedAgainst(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.json");
        Files.writeString(f, org.tinyfit.device.DeviceCatalogTestAccess.oneDevice());
        JsonNode root = analyzeJson("analyze", MODELS.resolve("micro_speech_quantized.tflite").toString(), "-d", "my-board", "--devices-file", f.toString(), "--json");
        assertEquals("my-board", root.get("device").get("id").asText());
        assertTrue(root.get("cost").get("verdict").get("fits").asBoolean());
    }

    @Test
    void constantsAreNeverCountedAsActivations() throws Exception {
        Graph g = TfliteReader.read(MODELS.resolve("micro_speech_quantized.tflite"));
        long constants = g.tensors().stream().filter(Tensor::isConstant).mapToLong(Tensor::bytes).sum();
        JsonNode cost = analyzeJson("analyze", MODELS.resolve("micro_speech_quantized.tflite").toString(), "-d", "nrf5340-dk", "--json").get("cost");
        assertEquals(constants, cost.get("constantBytes").asLong());
        long weights = 0;
        for (JsonNode n : cost.get("nodes")) weights += n.get("weightBytes").asLong();
        assertEquals(constants, weights, "each constant of this model is read by one node");
    }
}
