package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;

class QuantizeCommandTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
    static final String HELLO = MODELS.resolve("hello_world_float.tflite").toString();

    @TempDir Path tmp;

    /** A float32 .npy of {@code shape} holding {@code values}. */
    static byte[] npy(float[] values, int... shape) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) dims.append(d).append(", ");
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.toString().strip() + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    private Path sineInputs(int n) throws IOException {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * Math.PI * i / (n - 1));
        Path p = tmp.resolve("x.npy");
        Files.write(p, npy(x, n, 1));
        return p;
    }

    @Test
    void quantizesAFloatModelFromANpyOfInputs() throws IOException {
        Path out = tmp.resolve("hello_int8.tflite");
        CliTest.Run r = CliTest.run("quantize", HELLO, "--calibrate", sineInputs(64).toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("hello_world_float.tflite -> " + out + ": int8, minmax calibration over 64 samples, per-channel weights, int8 input and output;"), r.out());
        Graph q = TfliteReader.read(out);
        assertEquals(DType.I8, q.tensor(q.inputs()[0]).dtype());
        assertEquals(DType.I8, q.tensor(q.outputs()[0]).dtype());
        assertEquals("tinyfit quantize " + HELLO + " --calibrate " + tmp.resolve("x.npy") + " -o " + out, q.metadata().get("tflite.metadata.tinyfit.command"));
        Graph f = TfliteReader.read(Path.of(HELLO));
        for (int i = 0; i < f.nodes().size(); i++) {
            assertEquals(f.tensor(f.node(i).input(1)).bytes(), 4 * q.tensor(q.node(i).input(1)).bytes(), "int8 weights take a quarter of float's bytes");
        }
    }

    @Test
    void quantizesFromACsvDatasetWithMseAndPrintsJson() throws IOException {
        StringBuilder csv = new StringBuilder("label,x\n");
        for (int i = 0; i < 40; i++) csv.append(i % 2).append(',').append(String.format(java.util.Locale.ROOT, "%.4f", 6.28 * i / 39)).append('\n');
        Path data = tmp.resolve("sine.csv");
        Files.writeString(data, csv);
        Path out = tmp.resolve("q.tflite");
        CliTest.Run r = CliTest.run("quantize", HELLO, "--calibrate", data.toString(), "-o", out.toString(), "--calibration", "mse", "--samples", "10", "--per-tensor", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"calibration\" : \"mse\"") && r.out().contains("\"samples\" : 10") && r.out().contains("\"perChannel\" : false"), r.out());
        assertEquals(1, TfliteReader.read(out).tensor(TfliteReader.read(out).nodes().get(0).input(1)).quant().channels());
    }

    private CliTest.Run refused(String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        return r;
    }

    @Test
    void anInt8ModelIsRefusedInOneLine() throws IOException {
        CliTest.Run r = refused("quantize", MODELS.resolve("hello_world_int8.tflite").toString(), "--calibrate", sineInputs(8).toString(), "-o", tmp.resolve("o.tflite").toString());
        assertEquals("tinyfit: the model is already quantized: tensor 0 (serving_default_dense_input:0) is i8; post-training quantization takes a float32 model", r.err().strip());
    }

    @Test
    void calibrationDataOfTheWrongShapeNamesBothShapes() throws IOException {
        Path bad = tmp.resolve("bad.npy");
        Files.write(bad, npy(new float[15], 5, 3));
        CliTest.Run r = refused("quantize", HELLO, "--calibrate", bad.toString(), "-o", tmp.resolve("o.tflite").toString());
        assertEquals("tinyfit: " + bad + ": samples of shape [3] (3 values), but the model's input serving_default_dense_input:0 has shape [1, 1] (1 value)", r.err().strip());
    }

    @Test
    void nanAndInfiniteCalibrationValuesAreRefused() throws IOException {
        float[] v = new float[6];
        v[4] = Float.NaN;
        Path nan = tmp.resolve("nan.npy");
        Files.write(nan, npy(v, 6, 1));
        assertEquals("tinyfit: " + nan + ": sample 4, value 0 is NaN; calibration data must be finite",
                refused("quantize", HELLO, "--calibrate", nan.toString(), "-o", tmp.resolve("o.tflite").toString()).err().strip());
        v[4] = Float.POSITIVE_INFINITY;
        Path inf = tmp.resolve("inf.npy");
        Files.write(inf, npy(v, 6, 1));
        assertEquals("tinyfit: " + inf + ": sample 4, value 0 is Infinity; calibration data must be finite",
                refused("quantize", HELLO, "--calibrate", inf.toString(), "-o", tmp.resolve("o.tflite").toString()).err().strip());
    }

    @Test
    void anEmptyCalibrationSetIsRefused() throws IOException {
        Path empty = tmp.resolve("empty.npy");
        Files.write(empty, npy(new float[0], 0, 1));
        assertEquals("tinyfit: " + empty + ": the calibration set is empty (shape [0, 1])",
                refused("quantize", HELLO, "--calibrate", empty.toString(), "-o", tmp.resolve("o.tflite").toString()).err().strip());
        assertEquals("tinyfit: --samples 0: calibration needs at least one sample",
                refused("quantize", HELLO, "--calibrate", empty.toString(), "-o", tmp.resolve("o.tflite").toString(), "--samples", "0").err().strip());
    }

    @Test
    void anUnknownCalibrationMethodIsRefused() throws IOException {
        assertEquals("tinyfit: calibration method 'kl' is unknown; use minmax, percentile or mse",
                refused("quantize", HELLO, "--calibrate", sineInputs(8).toString(), "-o", tmp.resolve("o.tflite").toString(), "--calibration", "kl").err().strip());
        assertTrue(Arrays.asList(tmp.toFile().list()).stream().noneMatch(n -> n.equals("o.tflite")), "nothing is written on an error");
    }
}
