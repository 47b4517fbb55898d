package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.tflite.TfliteWriter;

/** The messages a user meets on common mistakes: one line, exit 1, saying what is wrong and where. */
class UserMessagesTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
    static final String SPEECH = MODELS.resolve("micro_speech_quantized.tflite").toString();

    @TempDir Path tmp;

    private static String oneLineError(CliTest.Run r) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("null"), r.err());
        return r.err().strip();
    }

    private String[] train(Path data, String spec, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--model", spec, "--epochs", "1", "--batch", "16",
                "--val", "0", "--no-progress", "--threads", "1", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test void resumingAFinishedRunSaysItIsFinished() throws IOException {
        Path out = tmp.resolve("run");
        String[] args = train(TrainCommandTest.csv(tmp), TrainCommandTest.SPEC, out);
        assertEquals(0, CliTest.run(args).code());
        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("the checkpoint is of a finished run (1 epoch); writing its model and summary again"), again.out());
        assertFalse(again.out().contains("resuming"), again.out());
    }

    @Test void aDirectoryAsInputIsCalledADirectory() {
        assertEquals("tinyfit: --input " + tmp + " is a directory; give a file (.npy, raw bytes or an image)", oneLineError(CliTest.run("run", SPEECH, "--input", tmp.toString())));
    }

    @Test void aDirectoryAsTheModelIsNamedByEveryCommand() {
        String want = "tinyfit: " + tmp + " is a directory; give a model file (.tflite or .onnx)";
        assertEquals(want, oneLineError(CliTest.run("optimize", tmp.toString(), "-o", tmp.resolve("o.tflite").toString())));
        assertEquals(want, oneLineError(CliTest.run("analyze", tmp.toString(), "--device", "nucleo-f446re")));
        assertEquals(want, oneLineError(CliTest.run("convert", tmp.toString(), "-o", tmp.resolve("o.tflite").toString())));
        assertEquals(want, oneLineError(CliTest.run("run", tmp.toString(), "--input", tmp.toString())));
    }

    @Test void aTruncatedModelSaysWhatToDo() throws IOException {
        Path cut = Files.write(tmp.resolve("cut.tflite"), java.util.Arrays.copyOf(Files.readAllBytes(MODELS.resolve("person_detect.tflite")), 100));
        String err = oneLineError(CliTest.run("analyze", cut.toString(), "--device", "nucleo-f446re"));
        assertTrue(err.startsWith("tinyfit: cut.tflite: model: field operator_codes points to byte "), err);
        assertTrue(err.endsWith(", outside the file (100 bytes); the file is cut short or damaged: copy or download it again"), err);
    }

    @Test void aCsvWithoutAHeaderIsRefusedRatherThanLosingItsFirstSample() throws IOException {
        Path csv = Files.writeString(tmp.resolve("rows.csv"), "1,0.5,1.5,2,3\n0,-1,2,3,4\n1,3,4,5,6\n");
        assertEquals("tinyfit: " + csv + " line 1: 1,0.5,1.5,... is a row of numbers, not a header; add a header row first (e.g. label,f1,f2,...), or the first sample is lost",
                oneLineError(CliTest.run(train(csv, TrainCommandTest.SPEC, tmp.resolve("o")))));
    }

    @Test void aStrayLabelIsNamedByItsLine() throws IOException {
        Path csv = Files.writeString(tmp.resolve("stray.csv"), "label,a,b,c,d\n0,1,2,3,4\n1,3,4,5,6\n\n7,5,6,7,8\n1,0,0,0,0\n");
        assertEquals("tinyfit: stray.csv line 5: label 7, but the model has 2 outputs (classes 0..1); fix the label, or make the last dense layer 8 wide",
                oneLineError(CliTest.run(train(csv, TrainCommandTest.SPEC, tmp.resolve("o")))));
        Path model = MODELS.resolve("micro_speech_quantized.tflite");
        StringBuilder b = new StringBuilder("label");
        for (int i = 0; i < 1960; i++) b.append(",f").append(i);
        b.append("\n0").append(",0".repeat(1960)).append("\n9").append(",0".repeat(1960)).append('\n');
        Path speech = Files.writeString(tmp.resolve("speech.csv"), b);
        assertEquals("tinyfit: " + speech + ": speech.csv line 3 has label 9, but the model scores only 4 classes (0..3)",
                oneLineError(CliTest.run("eval", model.toString(), "--data", speech.toString())));
    }

    @Test void badSpecJsonSaysWhereInUserTerms() throws IOException {
        String err = oneLineError(CliTest.run(train(TrainCommandTest.csv(tmp), "{\"input\":[4],\"layers\":[{\"dense\":2},]}", tmp.resolve("o"))));
        assertEquals("tinyfit: model spec is not valid JSON at line 1, column 36: unexpected ']' where a value should be (a comma too many before it?)", err);
    }

    @Test void runShowsNoTopClassForAModelThatGivesBackItsInputShape() throws IOException {
        GraphBuilder gb = new GraphBuilder("autoencoder");
        int x = gb.input("x", DType.F32, 1, 4);
        ByteBuffer w = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 16; i++) w.putFloat(i % 5 == 0 ? 1f : 0f);
        int fc = gb.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, gb.constant("w", DType.F32, Shape.of(4, 4), w.array()), -1);
        Path model = Files.write(tmp.resolve("ae.tflite"), TfliteWriter.write(gb.output(fc).build()));
        Path in = Files.write(tmp.resolve("in.bin"), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(0).putFloat(0).putFloat(0).putFloat(7).array());
        CliTest.Run r = CliTest.run("run", model.toString(), "--input", in.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("output 0 (fc)"), r.out());
        assertFalse(r.out().contains("top:"), r.out());
    }

    @Test void runJsonPrintsIntegerTensorsAsIntegers() throws IOException {
        CliTest.Run r = CliTest.run("run", SPEECH, "--input", MODELS.resolve("golden/micro_speech_quantized.seed0.in").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode stored = new ObjectMapper().readTree(r.out()).get("outputs").get(0).get("stored");
        for (JsonNode v : stored) assertTrue(v.isIntegralNumber(), r.out());
        assertTrue(new ObjectMapper().readTree(r.out()).get("outputs").get(0).get("real").get(0).isFloatingPointNumber(), r.out());
    }

    @Test void countsOfOneAreSingular() {
        Path in = MODELS.resolve("golden/micro_speech_quantized.seed0.in");
        assertEquals("tinyfit: micro_speech_quantized.tflite has 1 output; got 2 --output files",
                oneLineError(CliTest.run("run", SPEECH, "--input", in.toString(), "-o", tmp.resolve("a").toString(), "-o", tmp.resolve("b").toString())));
    }
}
