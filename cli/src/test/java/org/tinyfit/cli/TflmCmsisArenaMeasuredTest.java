package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * How far tinyfit's arena figure (head + tail, computed for TFLite Micro's reference kernels on a 32-bit
 * Cortex-M) is from what TFLite Micro with CMSIS-NN kernels used on a Cortex-M4 (test resource
 * {@code tflm-cmsis-arena-measured.tsv}, which says how it was measured). CMSIS-NN's op data are the
 * reference ones plus a few fields, and its scratch-buffer requests add handles: it needs more, by
 * {@link #MAX_CMSIS_EXTRA_BYTES} at most on these models, the figure docs/analyze.md states.
 */
class TflmCmsisArenaMeasuredTest {
    /** The most CMSIS-NN's arena_used exceeded tinyfit's reference-kernel figure by, over the measured models. */
    static final long MAX_CMSIS_EXTRA_BYTES = 96;

    record Measured(String kind, String model, long arenaUsed, long fileBytes) {}

    static Stream<Measured> measured() throws IOException {
        try (InputStream in = TflmCmsisArenaMeasuredTest.class.getResourceAsStream("/tflm-cmsis-arena-measured.tsv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            return lines.stream().map(l -> l.split("\t"))
                    .map(f -> new Measured(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("measured")
    void cmsisNnNeedsAFewDozenBytesMoreThanTheReferenceFigure(Measured m) throws IOException {
        byte[] bytes = switch (m.kind()) {
            case "shared" -> Files.readAllBytes(TflmArenaMeasuredTest.MODELS.resolve(m.model() + ".tflite"));
            case "built" -> TfliteWriter.write(TflmArenaMeasuredTest.built(m.model()));
            default -> throw new IllegalArgumentException(m.kind());
        };
        assertEquals(m.fileBytes(), bytes.length, m.model() + ": not the file that was measured");
        Graph g = TfliteReader.read(bytes, m.model() + ".tflite");
        Cost c = Cost.storedOrder(g, DeviceCatalog.builtin().find("nucleo-l4r5zi"), bytes.length);
        assertTrue(c.persistentExact());
        long extra = m.arenaUsed() - c.peakSramBytes();
        assertTrue(extra > 0 && extra <= MAX_CMSIS_EXTRA_BYTES,
                m.model() + ": CMSIS-NN used " + m.arenaUsed() + " B, tinyfit's reference-kernel figure is " + c.peakSramBytes() + " B");
    }
}
