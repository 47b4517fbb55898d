package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteReader;

/**
 * keyword_scrambled_8bit, layer by layer: every node these kernels run (QUANTIZE int16 to int8,
 * the integer SVDFs, QUANTIZE int16 to int32), fed the inputs TFLite Micro saw, must produce
 * TFLite Micro's outputs and updated SVDF state byte for byte.
 */
class KeywordScrambledLayerTest {

    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared"), "models");

    /** The {@code .tensors} golden file: tensor index to its bytes after the run. */
    static Map<Integer, byte[]> goldenTensors(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, byte[]> m = new HashMap<>();
        while (b.remaining() >= 8) {
            int index = b.getInt();
            byte[] bytes = new byte[b.getInt()];
            b.get(bytes);
            m.put(index, bytes);
        }
        return m;
    }

    /** A variable tensor's value before the first run: TFLite Micro fills int8 state with its zero point, others with 0. */
    static byte[] initialState(Tensor t) {
        byte[] b = new byte[(int) t.bytes()];
        if (t.dtype() == org.tinyfit.graph.DType.I8 && t.quant() != null) java.util.Arrays.fill(b, (byte) t.quant().zeroPoint());
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void everyInt16AndSvdfNodeReproducesTfliteMicrosTensors(int seed) throws IOException {
        Graph g = TfliteReader.read(MODELS.resolve("keyword_scrambled_8bit.tflite"));
        Map<Integer, byte[]> golden = goldenTensors(MODELS.resolve("golden/keyword_scrambled_8bit.seed" + seed + ".tensors"));
        int checked = 0;
        for (Node n : g.nodes()) {
            if (!Int16Kernels.handles(n, g)) continue;
            Map<Integer, ByteBuffer> buffers = new HashMap<>();
            for (int in : n.inputs()) {
                if (in < 0) continue;
                Tensor t = g.tensor(in);
                byte[] bytes = t.isConstant() ? t.data().clone() : t.variable() ? initialState(t) : golden.get(in).clone();
                buffers.put(in, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
            }
            for (int out : n.outputs()) buffers.put(out, ByteBuffer.allocate((int) g.tensor(out).bytes()).order(ByteOrder.LITTLE_ENDIAN));
            Int16Kernels.prepare(n, g).invoke(buffers::get);
            for (int out : n.outputs()) {
                assertArrayEquals(golden.get(out), buffers.get(out).array(), n.label() + " output tensor " + out + " (seed " + seed + ")");
            }
            for (int in : n.inputs()) {
                if (in >= 0 && g.tensor(in).variable()) {
                    assertArrayEquals(golden.get(in), buffers.get(in).array(), n.label() + " state tensor " + in + " (seed " + seed + ")");
                }
            }
            checked++;
        }
        assertTrue(checked >= 9, "expected 2 QUANTIZE and 7 SVDF nodes, checked " + checked);
    }
}
