package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.io.ModelReader;

/**
 * {@code train --qat} prints the int8 test accuracy of the model it writes, and {@code eval} on that
 * file, with the same data spec and no flags, counts exactly the same correct samples.
 */
class QatThenEvalTest {
    @Test void moreQuantizationAwareEpochsThanEpochsIsOneLine(@TempDir Path tmp) {
        Path csv = TrainCommandTest.SHARED_DATA.resolve("credit-default.csv");
        assumeTrue(Files.isRegularFile(csv), csv + " is not there; skipping");
        CliTest.Run t = CliTest.run("train", "--data", csv + "#test=5:4", "--epochs", "2", "--qat", "--qat-epochs", "3", "--out", tmp.resolve("o").toString());
        assertEquals(1, t.code(), t.err());
        assertEquals("tinyfit: --qat-epochs 3: give 1 to --epochs (2)", t.err().strip());
    }

    @Test void evalCountsWhatQuantizationAwareTrainingPrinted(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isDirectory(TrainThenEvalTest.FASHION), TrainThenEvalTest.FASHION + " is not there; skipping");
        Path data = tmp.resolve("fmnist");
        Files.createDirectories(data);
        TrainThenEvalTest.slice(TrainThenEvalTest.FASHION.resolve("train-images-idx3-ubyte.gz"), data.resolve("train-images-idx3-ubyte.gz"), 600);
        TrainThenEvalTest.slice(TrainThenEvalTest.FASHION.resolve("train-labels-idx1-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"), 600);
        TrainThenEvalTest.slice(TrainThenEvalTest.FASHION.resolve("t10k-images-idx3-ubyte.gz"), data.resolve("t10k-images-idx3-ubyte.gz"), 300);
        TrainThenEvalTest.slice(TrainThenEvalTest.FASHION.resolve("t10k-labels-idx1-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz"), 300);
        String spec = "{\"input\":[28,28,1],\"layers\":[{\"conv\":6,\"stride\":2,\"act\":\"relu\",\"bn\":true},{\"maxpool\":2},"
                + "{\"conv\":8,\"act\":\"relu\"},{\"flatten\":true},{\"dense\":10}],\"softmax\":true}";
        Path out = tmp.resolve("qat");
        CliTest.Run t = CliTest.run("train", "--data", data.toString(), "--model", spec, "--batch", "32", "--lr", "0.01", "--epochs", "2",
                "--qat", "--qat-epochs", "1", "--val", "100", "--no-progress", "--threads", "2", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("quantization-aware training: epoch 2 runs"), t.out());
        Matcher m = Pattern.compile("int8 test accuracy [0-9.]+% \\((\\d+) of (\\d+) correct\\)").matcher(t.out());
        assertTrue(m.find(), t.out());
        int correct = Integer.parseInt(m.group(1)), samples = Integer.parseInt(m.group(2));
        assertEquals(300, samples);
        assertTrue(correct > 150, "the int8 model learned: " + t.out());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(correct, summary.get("int8").get("testCorrect").asInt());

        Path model = out.resolve("model_int8.tflite");
        Graph g = ModelReader.read(model);
        for (Tensor x : new Tensor[] {g.tensor(g.inputs()[0]), g.tensor(g.outputs()[0])}) assertEquals(DType.I8, x.dtype(), x.describe());
        CliTest.Run e = CliTest.run("eval", model.toString(), "--data", data.toString(), "--threads", "1", "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode ev = new ObjectMapper().readTree(e.out());
        assertEquals(samples, ev.get("samples").asInt());
        assertEquals(correct, ev.get("correct").asInt(), "eval counts what train --qat printed: " + t.out() + e.out());
    }
}
