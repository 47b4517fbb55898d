package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

/** {@code run} takes an ONNX image model's input NCHW, as PyTorch gives it, and writes rank-4 outputs NCHW. */
class RunOnnxLayoutTest {
    @TempDir Path tmp;

    /** The {@link ConvertCommandTest#convRelu} model computed directly in NCHW: 3x3 conv, 2 -> 4 channels, pad 1, no bias, ReLU. */
    static float[] convReluNchw(float[] x) {
        float[] y = new float[4 * 5 * 5];
        for (int o = 0; o < 4; o++) {
            for (int r = 0; r < 5; r++) {
                for (int c = 0; c < 5; c++) {
                    double s = 0;
                    for (int i = 0; i < 2; i++) {
                        for (int kr = 0; kr < 3; kr++) {
                            for (int kc = 0; kc < 3; kc++) {
                                int rr = r + kr - 1, cc = c + kc - 1;
                                if (rr < 0 || rr >= 5 || cc < 0 || cc >= 5) continue;
                                int wi = ((o * 2 + i) * 3 + kr) * 3 + kc;
                                s += (wi % 7 - 3) * 0.1f * x[(i * 5 + rr) * 5 + cc];
                            }
                        }
                    }
                    y[(o * 5 + r) * 5 + c] = (float) Math.max(0, s);
                }
            }
        }
        return y;
    }

    static byte[] npy(float[] v, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return NpyWriter.write(Tensor.activation(0, "x", DType.F32, Shape.of(dims), null), b.array());
    }

    @Test
    void anNchwArrayGivesTheNchwComputationsOutputInNchw() throws Exception {
        Path model = tmp.resolve("net.onnx"), in = tmp.resolve("x.npy"), out = tmp.resolve("y.npy"), raw = tmp.resolve("y.bin");
        Files.write(model, ConvertCommandTest.convRelu());
        SplittableRandom rnd = new SplittableRandom(20);
        float[] x = new float[2 * 5 * 5];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        Files.write(in, npy(x, 1, 2, 5, 5));
        CliTest.Run r = CliTest.run("run", model.toString(), "--input", in.toString(), "--output", out.toString(), "--output", raw.toString());
        // the model has one output: a second --output is refused; run again with one
        assertEquals(1, r.code(), r.out());
        r = CliTest.run("run", model.toString(), "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("f32[1,4,5,5]"), r.out());
        byte[] file = Files.readAllBytes(out);
        String header = new String(file, 10, 60, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'shape': (1,4,5,5)"), header);
        float[] want = convReluNchw(x);
        ByteBuffer got = ByteBuffer.wrap(file, file.length - 4 * want.length, 4 * want.length).slice().order(ByteOrder.LITTLE_ENDIAN);
        int positive = 0;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got.getFloat(4 * i), 1e-5 * Math.max(1, Math.abs(want[i])), "NCHW output " + i);
            if (want[i] > 0) positive++;
        }
        assertTrue(positive > 10 && positive < want.length, "a ReLU output with both signs: " + positive);
    }

    @Test
    void rawBytesAreInTheModelsLayoutToo() throws Exception {
        Path model = tmp.resolve("net.onnx"), npyIn = tmp.resolve("x.npy"), rawIn = tmp.resolve("x.bin"), a = tmp.resolve("a.bin"), b = tmp.resolve("b.bin");
        Files.write(model, ConvertCommandTest.convRelu());
        float[] x = new float[2 * 5 * 5];
        for (int i = 0; i < x.length; i++) x[i] = (i * 37 % 11 - 5) * 0.2f;
        byte[] npy = npy(x, 1, 2, 5, 5);
        Files.write(npyIn, npy);
        Files.write(rawIn, java.util.Arrays.copyOfRange(npy, npy.length - 4 * x.length, npy.length));
        assertEquals(0, CliTest.run("run", model.toString(), "--input", npyIn.toString(), "--output", a.toString()).code());
        assertEquals(0, CliTest.run("run", model.toString(), "--input", rawIn.toString(), "--output", b.toString()).code());
        byte[] ya = Files.readAllBytes(a);
        assertEquals(java.util.Arrays.toString(ya), java.util.Arrays.toString(Files.readAllBytes(b)));
        assertEquals(convReluNchw(x)[7], ByteBuffer.wrap(ya).order(ByteOrder.LITTLE_ENDIAN).getFloat(4 * 7), 1e-6);
    }

    @Test
    void anNhwcArrayIsAOneLineErrorNamingBothShapes() throws Exception {
        Path model = tmp.resolve("net.onnx"), in = tmp.resolve("x.npy");
        Files.write(model, ConvertCommandTest.convRelu());
        Files.write(in, npy(new float[50], 1, 5, 5, 2));
        CliTest.Run r = CliTest.run("run", model.toString(), "--input", in.toString());
        assertEquals(1, r.code(), r.out());
        assertEquals("tinyfit: " + in + ": array of shape [1,5,5,2], but input x has shape [1,2,5,5] (NCHW, the model's own layout)", r.err().strip());
    }
}
