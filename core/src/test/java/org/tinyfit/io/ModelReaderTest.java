package org.tinyfit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.tflite.TfliteReader;

class ModelReaderTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared"), "models");

    @TempDir Path tmp;

    static Path model(String name) {
        Path p = MODELS.resolve(name + ".tflite");
        Assumptions.assumeTrue(Files.exists(p), p + " is not present");
        return p;
    }

    @Test
    void aTfliteFileReadsAsTheTfliteReaderReadsIt() {
        Path p = model("micro_speech_quantized");
        Graph a = ModelReader.read(p), b = TfliteReader.read(p);
        assertEquals(b.nodes().size(), a.nodes().size());
        assertEquals(b.tensors().size(), a.tensors().size());
        assertEquals(b.metadata(), a.metadata());
    }

    @Test
    void aTfliteFileNamedOtherwiseIsKnownByItsContent() throws IOException {
        Path renamed = tmp.resolve("speech.bin");
        Files.copy(model("micro_speech_quantized"), renamed);
        byte[] bytes = Files.readAllBytes(renamed);
        assertSame(ModelReader.TFLITE, ModelReader.formatOf(bytes, "speech.bin"));
        assertEquals(TfliteReader.read(bytes, "x").nodes().size(), ModelReader.read(renamed).nodes().size());
    }

    @Test
    void aTfliteFileNamedOnnxIsToldToBeRenamed() throws IOException {
        Path renamed = tmp.resolve("speech.onnx");
        Files.copy(model("micro_speech_quantized"), renamed);
        GraphException e = assertThrows(GraphException.class, () -> ModelReader.read(renamed));
        assertEquals("speech.onnx: not ONNX but a TFLite model (its bytes carry TFLite's identifier TFL3); rename it .tflite", e.getMessage());
    }

    @Test
    void theNameDecidesBeforeTheContent() {
        assertSame(ModelReader.TFLITE, ModelReader.formatOf(new byte[3], "MODEL.TFLITE"));
    }

    @Test
    void anUnknownFormatIsOneLineNamingTheFileAndTheFormatsKnown() throws IOException {
        Path junk = tmp.resolve("model.bin");
        Files.write(junk, new byte[] {7, 7, 0, 0, 1, 2, 3, 4, 5, 6});
        GraphException e = assertThrows(GraphException.class, () -> ModelReader.read(junk));
        assertEquals("model.bin: not a model format tinyfit reads; it reads TFLite (.tflite), ONNX (.onnx)", e.getMessage());
    }

    @Test
    void aMissingFileNamesIt() {
        GraphException e = assertThrows(GraphException.class, () -> ModelReader.read(tmp.resolve("nope.tflite")));
        assertTrue(e.getMessage().startsWith("nope.tflite: no such file"), e.getMessage());
    }

    @Test
    void aMissingFileOfAnUnknownNameNamesIt() {
        GraphException e = assertThrows(GraphException.class, () -> ModelReader.read(tmp.resolve("nope.bin")));
        assertTrue(e.getMessage().startsWith("nope.bin: no such file"), e.getMessage());
    }

    @Test
    void aDamagedTfliteFileGetsTheTfliteReadersMessage() throws IOException {
        Path junk = tmp.resolve("junk.tflite");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        GraphException viaEntry = assertThrows(GraphException.class, () -> ModelReader.read(junk));
        GraphException direct = assertThrows(GraphException.class, () -> TfliteReader.read(junk));
        assertEquals(direct.getMessage(), viaEntry.getMessage());
    }
}
