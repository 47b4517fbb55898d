package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.io.ModelReader;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** tinyfit's one model entry point reads .onnx files, so every command takes them. */
class OnnxModelReaderTest {
    @TempDir Path tmp;

    @Test
    void anOnnxFileReadsAsTheOnnxReaderReadsIt() throws IOException {
        Path p = tmp.resolve("cnn.onnx");
        Files.write(p, OnnxModels.smallCnn(3).toByteArray());
        Graph a = ModelReader.read(p), b = OnnxReader.read(p);
        assertEquals(b.nodes(), a.nodes());
        assertEquals(b.metadata(), a.metadata());
    }

    @Test
    void anOnnxFileNamedOtherwiseIsKnownByItsContent() throws IOException {
        Path p = tmp.resolve("cnn.model");
        byte[] bytes = OnnxModels.smallCnn(3).toByteArray();
        Files.write(p, bytes);
        assertSame(ModelReader.ONNX, ModelReader.formatOf(bytes, "cnn.model"));
        assertEquals(OnnxReader.read(bytes, "x").nodes(), ModelReader.read(p).nodes());
    }

    @Test
    void aDamagedOnnxFileGetsTheOnnxReadersMessage() throws IOException {
        Path junk = tmp.resolve("junk.onnx");
        Files.write(junk, new byte[] {8, 7, 0, 0, 1, 2, 3, 4, 5, 6});
        GraphException viaEntry = assertThrows(GraphException.class, () -> ModelReader.read(junk));
        GraphException direct = assertThrows(GraphException.class, () -> OnnxReader.read(junk));
        assertEquals(direct.getMessage(), viaEntry.getMessage());
    }

    @Test
    void anImportedCnnWritesAsATfliteThatComputesTheSame() {
        Graph g = OnnxReader.read(OnnxModels.smallCnn(4).toByteArray(), "cnn.onnx");
        Graph back = TfliteReader.read(TfliteWriter.write(g), "cnn.tflite");
        float[] x = OnnxModels.random(new java.util.SplittableRandom(9), 3 * 12 * 10, 1);
        float[] want = NchwReference.smallCnn(OnnxModels.smallCnn(4), x);
        // the .tflite holds the NHWC graph: feed it the image in NHWC
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) d[i] = x[i];
        double[] nhwc = OnnxReader.permute(d, new int[] {1, 3, 12, 10}, OnnxReader.permutation(g, g.inputs()[0]));
        float[] f = new float[nhwc.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) nhwc[i];
        org.tinyfit.memory.Schedule s = org.tinyfit.memory.Schedule.stored(back);
        byte[] out = new org.tinyfit.runtime.Interpreter(back, s, new org.tinyfit.memory.TflmGreedyPlanner().plan(back, s))
                .run(new byte[][] {org.tinyfit.graph.TensorBytes.ofFloats(f)})[0];
        float[] got = org.tinyfit.graph.TensorBytes.floats(org.tinyfit.graph.TensorBytes.le(out), want.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "output " + i);
    }
}
