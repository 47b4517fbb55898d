package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Op;
import org.tinyfit.io.ModelReader;

/**
 * A model tinyfit trained scores in {@code eval}, with no flags, exactly the test accuracy {@code train}
 * printed: the normalization train fitted is inside the model (for tabular rows, recorded in it and
 * applied by eval), so eval takes the data as stored.
 */
class TrainThenEvalTest {
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @Test void anImageModelScoresInEvalWhatTrainPrinted(@TempDir Path tmp) throws IOException {
        assumeTrue(Files.isDirectory(FASHION), FASHION + " is not there; skipping");
        Path data = tmp.resolve("fmnist");
        Files.createDirectories(data);
        slice(FASHION.resolve("train-images-idx3-ubyte.gz"), data.resolve("train-images-idx3-ubyte.gz"), 600);
        slice(FASHION.resolve("train-labels-idx1-ubyte.gz"), data.resolve("train-labels-idx1-ubyte.gz"), 600);
        slice(FASHION.resolve("t10k-images-idx3-ubyte.gz"), data.resolve("t10k-images-idx3-ubyte.gz"), 300);
        slice(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), data.resolve("t10k-labels-idx1-ubyte.gz"), 300);
        String spec = "{\"input\":[28,28,1],\"layers\":[{\"conv\":4,\"stride\":2,\"act\":\"relu\"},{\"maxpool\":2},{\"flatten\":true},{\"dense\":10}],\"softmax\":true}";
        Graph g = trainThenEval(tmp.resolve("img"), data.toString(), spec, "--limit", "500", "--val", "100", "--epochs", "2");
        assertTrue(g.metadata().getOrDefault("tflite.metadata.tinyfit.normalization", "").contains("folded into CONV_2D"), g.metadata().toString());
    }

    @Test void aSequenceModelScoresInEvalWhatTrainPrinted(@TempDir Path tmp) throws IOException {
        Path csv = TrainCommandTest.SHARED_DATA.resolve("ecg5000-train.csv");
        assumeTrue(Files.isRegularFile(csv), csv + " is not there; skipping");
        String spec = "{\"input\":[140,1,1],\"layers\":[{\"conv\":4,\"stride\":2,\"act\":\"relu\"},{\"flatten\":true},{\"dense\":5}],\"softmax\":true}";
        Graph g = trainThenEval(tmp.resolve("ecg"), csv + "#shape=140x1,test=5:4", spec, "--val", "40", "--epochs", "2");
        assertTrue(g.node(0).op() instanceof Op.Mul && g.node(1).op() instanceof Op.Add,
                "a SAME-padded first conv with a shift gets the normalization as first layers: " + g.nodes());
    }

    @Test void aTabularModelScoresInEvalWhatTrainPrinted(@TempDir Path tmp) throws IOException {
        Path csv = TrainCommandTest.SHARED_DATA.resolve("credit-default.csv");
        assumeTrue(Files.isRegularFile(csv), csv + " is not there; skipping");
        String spec = "{\"input\":[23],\"layers\":[{\"dense\":16,\"act\":\"relu\"},{\"dense\":2}],\"softmax\":true}";
        Graph g = trainThenEval(tmp.resolve("credit"), csv + "#test=5:4", spec, "--limit", "3000", "--val", "500", "--epochs", "2");
        assertTrue(g.metadata().containsKey("tflite.metadata.tinyfit.input_scaling"), "rows are standardized outside the model: " + g.metadata());
        assertTrue(!g.metadata().containsKey("tflite.metadata.tinyfit.normalization"), "and not also inside it: " + g.metadata());
    }

    /** Trains, then evals the model on the same data spec; the counts of correct samples are equal. Returns the model. */
    private static Graph trainThenEval(Path out, String data, String spec, String... more) throws IOException {
        String[] base = {"train", "--data", data, "--model", spec, "--batch", "32", "--lr", "0.01", "--no-progress", "--threads", "2", "--out", out.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new);
        CliTest.Run t = CliTest.run(args);
        assertEquals(0, t.code(), t.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        int correct = summary.get("testCorrect").asInt(), samples = summary.get("testSamples").asInt();
        assertTrue(t.out().contains("(" + correct + " of " + samples + " correct"), t.out());
        Path model = out.resolve("model.tflite");
        CliTest.Run e = CliTest.run("eval", model.toString(), "--data", data, "--threads", "2", "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode ev = new ObjectMapper().readTree(e.out());
        assertEquals(samples, ev.get("samples").asInt());
        assertEquals(correct, ev.get("correct").asInt(), "eval counts what train counted: " + t.out() + e.out());
        assertEquals(summary.get("testAccuracy").asDouble(), ev.get("accuracy").asDouble(), 1e-12);
        return ModelReader.read(model);
    }

    /** The first {@code n} items of an IDX file (gzipped), as a gzipped IDX file. */
    static void slice(Path from, Path to, int n) throws IOException {
        byte[] all;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(from))) {
            all = in.readAllBytes();
        }
        int rank = all[3], item = 1;
        ByteBuffer b = ByteBuffer.wrap(all);
        for (int d = 1; d < rank; d++) item *= b.getInt(4 + 4 * d);
        int header = 4 + 4 * rank;
        b.putInt(4, n);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(to))) {
            o.write(all, 0, header + n * item);
        }
    }
}
