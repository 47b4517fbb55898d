package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;

class RunEvalCommandTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
    static final String SPEECH = MODELS.resolve("micro_speech_quantized.tflite").toString();
    static final Path SPEECH_IN = MODELS.resolve("golden/micro_speech_quantized.seed0.in");

    @TempDir Path tmp;

    @Test
    void runWithRawBytesWritesTflmsOutputAsNpy() throws IOException {
        Path out = tmp.resolve("out.npy");
        CliTest.Run r = CliTest.run("run", SPEECH, "--input", SPEECH_IN.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("arena 5968 bytes"), r.out());
        assertTrue(r.out().contains("top: class"), r.out());
        byte[] npy = Files.readAllBytes(out);
        byte[] want = Files.readAllBytes(MODELS.resolve("golden/micro_speech_quantized.seed0.out"));
        assertArrayEquals(want, Arrays.copyOfRange(npy, npy.length - want.length, npy.length));
        assertEquals(0, (npy.length - want.length) % 64, "npy header padded to 64 bytes");
    }

    @Test
    void runReadsAnIntegerNpyOfTheInputShape() throws IOException {
        Graph g = TfliteReader.read(Path.of(SPEECH));
        Path npy = tmp.resolve("in.npy");
        Files.write(npy, NpyWriter.write(g.tensor(g.inputs()[0]), Files.readAllBytes(SPEECH_IN)));
        Path out = tmp.resolve("out.bin");
        CliTest.Run r = CliTest.run("run", SPEECH, "--input", npy.toString(), "--output", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"arenaBytes\" : 5968"), r.out());
        assertArrayEquals(Files.readAllBytes(MODELS.resolve("golden/micro_speech_quantized.seed0.out")), Files.readAllBytes(out));
    }

    @Test
    void runRejectsAnInputOfTheWrongSizeInOneLine() throws IOException {
        Path bad = tmp.resolve("bad.bin");
        Files.write(bad, new byte[10]);
        CliTest.Run r = CliTest.run("run", SPEECH, "--input", bad.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("10 bytes") && r.err().contains("needs 1960"), r.err());
    }

    @Test
    void runRejectsAMalformedNpyInOneLine() throws IOException {
        Path bad = tmp.resolve("bad.npy");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        CliTest.Run r = CliTest.run("run", SPEECH, "--input", bad.toString());
        assertEquals(1, r.code(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not a .npy file"), r.err());
    }

    @Test
    void runRejectsAnNpyOfTheWrongShape() throws IOException {
        Graph g = TfliteReader.read(MODELS.resolve("hello_world_float.tflite"));
        Path npy = tmp.resolve("in.npy");
        Files.write(npy, NpyWriter.write(g.tensor(g.inputs()[0]).withShape(org.tinyfit.graph.Shape.of(2)), new byte[8]));
        CliTest.Run r = CliTest.run("run", MODELS.resolve("hello_world_float.tflite").toString(), "--input", npy.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("array of shape [2]") && r.err().contains("[1,1]"), r.err());
    }

    @Test
    void runTakesAnImageResizedToTheInput() throws IOException {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 90);
        Path png = tmp.resolve("img.png");
        ImageIO.write(img, "png", png.toFile());
        CliTest.Run r = CliTest.run("run", MODELS.resolve("person_detect.tflite").toString(), "--input", png.toString(), "--image-range=-1,1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("output 0") && r.out().contains("i8[1,2]"), r.out());
    }

    @Test
    void aMalformedImageRangeIsAOneLineError() {
        CliTest.Run r = CliTest.run("run", SPEECH, "--input", SPEECH_IN.toString(), "--image-range=0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--image-range takes two numbers"), r.err());
    }

    @Test
    void runNeedsOneInputPerModelInput() {
        CliTest.Run r = CliTest.run("run", MODELS.resolve("simple_add_model.tflite").toString(), "--input", SPEECH_IN.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has 2 inputs"), r.err());
    }

    @Test
    void evalCountsCorrectTopClasses() throws IOException {
        byte[] in = Files.readAllBytes(SPEECH_IN);
        int tflmClass = argmax(Files.readAllBytes(MODELS.resolve("golden/micro_speech_quantized.seed0.out")));
        Graph g = TfliteReader.read(Path.of(SPEECH));
        var q = g.tensor(g.inputs()[0]).quant();
        StringBuilder csv = new StringBuilder("label");
        for (int i = 0; i < in.length; i++) csv.append(",f").append(i);
        csv.append('\n');
        for (int row = 0; row < 4; row++) {
            // rows 0 and 1 carry TFLM's class, rows 2 and 3 another one
            csv.append(row < 2 ? tflmClass : (tflmClass + 1) % 4);
            for (byte b : in) csv.append(',').append(q.scale() * (b - q.zeroPoint()));
            csv.append('\n');
        }
        Path data = tmp.resolve("speech.csv");
        Files.writeString(data, csv);
        CliTest.Run r = CliTest.run("eval", SPEECH, "--data", data.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("accuracy 50.00% (2 of 4 correct), balanced accuracy 50.00%"), r.out());
        int other = (tflmClass + 1) % 4;
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(String.valueOf(tflmClass), "2", "4", "100.00%", "50.00%"), Arrays.asList(lines.get(3 + tflmClass).trim().split(" +")), r.out());
        assertEquals(List.of(String.valueOf(other), "2", "0", "0.00%", "-"), Arrays.asList(lines.get(3 + other).trim().split(" +")), r.out());
        assertTrue(r.out().contains("confusion matrix (rows: true class, columns: predicted class)"), r.out());

        CliTest.Run j = CliTest.run("eval", SPEECH, "--data", data.toString(), "--json");
        assertEquals(0, j.code(), j.err());
        JsonNode root = new ObjectMapper().readTree(j.out());
        long[][] want = new long[4][4];
        want[tflmClass][tflmClass] = 2;
        want[other][tflmClass] = 2;
        for (int t = 0; t < 4; t++) for (int p = 0; p < 4; p++) assertEquals(want[t][p], root.get("confusion").get(t).get(p).asLong(), j.out());
        assertEquals(0.0, root.get("classes").get(other).get("recall").asDouble());
        assertTrue(root.get("classes").get(other).get("precision").isNull(), "never predicted: no precision");
        assertEquals(0.5, root.get("balancedAccuracy").asDouble());
    }

    @Test
    void evalRejectsSamplesOfTheWrongSize() throws IOException {
        Path data = tmp.resolve("small.csv");
        Files.writeString(data, "label,a,b\n0,1,2\n1,3,4\n");
        CliTest.Run r = CliTest.run("eval", SPEECH, "--data", data.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("needs 1960 values"), r.err());
    }

    @Test
    void evalRejectsARegressionModel() throws IOException {
        Path data = tmp.resolve("x.csv");
        Files.writeString(data, "label,x\n0,1\n1,2\n");
        CliTest.Run r = CliTest.run("eval", MODELS.resolve("hello_world_float.tflite").toString(), "--data", data.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("classification"), r.err());
    }

    private static int argmax(byte[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
