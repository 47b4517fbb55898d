package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmTail;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * The tensor_arena tinyfit reports for a TFLite Micro host build equals, to the byte, what TFLite Micro
 * built from source allocated for the same file (test resource {@code tflm-arena-measured.tsv}, which
 * says how it was measured): head (planned), head + persistent tail ({@code arena_used_bytes()}), and the
 * smallest arena with which TFLite Micro allocated and ran the model, on every shared model (the 127
 * single-operator models of tflm-integration-seanet included) and on the
 * models {@link TflmCheckModels} writes.
 */
class TflmArenaMeasuredTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");

    record Measured(String kind, String model, long planned, long arenaUsed, long tail, long smallestArena, long fileBytes) {}

    static Stream<Measured> measured() throws IOException {
        try (InputStream in = TflmArenaMeasuredTest.class.getResourceAsStream("/tflm-arena-measured.tsv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            return lines.stream().map(l -> l.split("\t")).map(f -> new Measured(f[0], f[1], Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
        }
    }

    static byte[] file(Measured m) throws IOException {
        return switch (m.kind()) {
            case "shared" -> Files.readAllBytes(MODELS.resolve(m.model() + ".tflite"));
            case "built" -> TfliteWriter.write(built(m.model()));
            default -> throw new IllegalArgumentException(m.kind());
        };
    }

    static Graph built(String name) {
        if (name.startsWith("random_dag_")) return TflmCheckModels.randomDag(Long.parseLong(name.substring("random_dag_".length())));
        return switch (name) {
            case "demo_cnn" -> BoardsDemo.demoNetwork();
            case "inception_int8" -> TflmCheckModels.inception(false);
            case "inception_f32" -> TflmCheckModels.inception(true);
            case "residual_int8" -> TflmCheckModels.residual();
            case "residual_bfirst_int8" -> TflmCheckModels.residualBFirst(false);
            case "residual_bfirst_f32" -> TflmCheckModels.residualBFirst(true);
            case "two_heads_int8" -> TflmCheckModels.twoHeads();
            case "mobilenet_vww_int8" -> TflmCheckModels.mobilenetVww(3);
            case "mobilenet_vww1_int8" -> TflmCheckModels.mobilenetVww(1);
            case "mobilenet_vww_mean_int8" -> TflmCheckModels.mobilenetVww(3, true);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("measured")
    void tensorArenaEqualsTflmsToTheByte(Measured m) throws IOException {
        byte[] bytes = file(m);
        assertEquals(m.fileBytes(), bytes.length, m.model() + ": not the file that was measured");
        Graph g = TfliteReader.read(bytes, m.model() + ".tflite");
        Cost c = Cost.storedOrder(g, DeviceCatalog.builtin().find("stm32f746g-disco"), bytes.length);
        assertEquals(m.planned(), c.arenaBytes(), "head");
        assertEquals(m.arenaUsed(), c.hostArenaUsedBytes(), "head + tail");
        assertEquals(m.smallestArena(), c.hostTensorArenaBytes(), "the smallest arena that runs");
        assertEquals(m.tail(), c.hostPersistentBytes(), "tail");
        assertTrue(c.persistentExact());
        assertEquals(TflmTail.of(g, TflmAbi.CORTEX_M).bytes(), c.persistentBytes(), "a Cortex-M7 board gets the Cortex-M tail");
    }
}
