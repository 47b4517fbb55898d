package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;

class TrainCommandTest {
    static final String SPEC = "{\"name\":\"mlp\",\"input\":[4],\"layers\":[{\"dense\":8,\"act\":\"relu\",\"bn\":true},{\"dropout\":0.1},{\"dense\":2}],\"softmax\":true}";

    /** Two classes: the sign of f0 + f1, in a CSV the data package reads. */
    static Path csv(Path dir) throws IOException {
        StringBuilder b = new StringBuilder("label,f0,f1,f2,f3\n");
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 240; i++) {
            double f0 = r.nextGaussian(), f1 = r.nextGaussian();
            b.append(f0 + f1 > 0 ? 1 : 0).append(',').append(f0).append(',').append(f1).append(',').append(r.nextGaussian()).append(',').append(r.nextGaussian()).append('\n');
        }
        Path p = dir.resolve("two.csv");
        Files.writeString(p, b);
        return p;
    }

    @Test void trainsACsvDatasetAndWritesATfliteModelThenResumesWhenRunAgain(@TempDir Path tmp) throws IOException {
        Path data = csv(tmp), out = tmp.resolve("run");
        String[] args = {"train", "--data", data.toString(), "--model", SPEC, "--epochs", "4", "--batch", "16", "--lr", "0.02",
            "--val", "40", "--shift", "0", "--no-flip", "--no-progress", "--threads", "2", "--out", out.toString()};
        CliTest.Run first = CliTest.run(args);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("epoch 4:"), first.out());
        Graph g = TfliteReader.read(out.resolve("model.tflite"));
        assertTrue(g.nodes().stream().allMatch(n -> n.op().kind().equals("FULLY_CONNECTED") || n.op().kind().equals("SOFTMAX")),
                "batch norm folded, dropout removed: " + g.nodes());
        assertTrue(g.metadata().getOrDefault("tflite.metadata.tinyfit.command", "").startsWith("tinyfit train --data"), g.metadata().toString());
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"valAccuracy\""), summary);
        CliTest.Run again = CliTest.run(args);
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("the checkpoint is of a finished run (4 epochs)"), again.out());
    }

    @Test void aBadModelSpecIsAOneLineError(@TempDir Path tmp) throws IOException {
        CliTest.Run r = CliTest.run("train", "--data", csv(tmp).toString(), "--model", "{\"input\":[4],\"layers\":[{\"dense\":2,\"units\":3}]}", "--out", tmp.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("tinyfit: layer 0: unknown key 'units'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test void aBadValidationPartIsAOneLineError(@TempDir Path tmp) throws IOException {
        for (String val : new String[] {"stratified:2", "a-tenth", "240"}) {
            CliTest.Run r = CliTest.run("train", "--data", csv(tmp).toString(), "--model", "tiny", "--val", val, "--out", tmp.resolve("o").toString());
            assertEquals(1, r.code(), val);
            assertTrue(r.err().startsWith("tinyfit: --val "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test void aMissingDatasetSaysWhereToGetFashionMnist(@TempDir Path tmp) {
        CliTest.Run r = CliTest.run("train", "--data", tmp.resolve("nope").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dataset-fashion-mnist"), r.err());
    }

    static final Path SHARED_DATA = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("data");

    /** The share of the most common label among the CSV's data rows i with i % 5 == 4 (the test part of {@code #test=5:4}). */
    static double testMajority(Path csv) throws IOException {
        java.util.List<String> rows = Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size());
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        int n = 0;
        for (int i = 4; i < rows.size(); i += 5, n++) counts.merge(rows.get(i).substring(0, rows.get(i).indexOf(',')), 1, Integer::sum);
        return counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow() / (double) n;
    }

    static JsonNode trainAndReadSummary(Path out, String... args) throws IOException {
        CliTest.Run r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    @Test void aOneDimensionalSpecLearnsEcgSequencesFromCsvWellAboveTheMajorityClass(@TempDir Path tmp) throws IOException {
        Path csv = SHARED_DATA.resolve("ecg5000-train.csv");
        assumeTrue(Files.isRegularFile(csv), csv + " is not there; skipping");
        Path out = tmp.resolve("ecg");
        String spec = "{\"input\":[140,1],\"layers\":[{\"dense\":32,\"act\":\"relu\"},{\"dense\":5}],\"softmax\":true}";
        JsonNode s = trainAndReadSummary(out, "train", "--data", csv + "#shape=140x1,test=5:4", "--model", spec, "--epochs", "3", "--batch", "16",
                "--lr", "0.01", "--no-progress", "--threads", "2", "--out", out.toString());
        double acc = s.get("testAccuracy").asDouble(), majority = testMajority(csv);
        assertTrue(acc > majority + 0.2, "test accuracy " + acc + ", majority class " + majority);
    }

    @Test void aDenseSpecLearnsTabularCreditDataFromCsv(@TempDir Path tmp) throws IOException {
        Path csv = SHARED_DATA.resolve("credit-default.csv");
        assumeTrue(Files.isRegularFile(csv), csv + " is not there; skipping");
        Path out = tmp.resolve("credit");
        String spec = "{\"input\":[23],\"layers\":[{\"dense\":32,\"act\":\"relu\"},{\"dense\":2}],\"softmax\":true}";
        JsonNode s = trainAndReadSummary(out, "train", "--data", csv + "#test=5:4", "--model", spec, "--epochs", "3", "--batch", "32",
                "--lr", "0.01", "--limit", "4000", "--val", "1000", "--no-progress", "--threads", "2", "--out", out.toString());
        JsonNode epochs = s.get("epochs");
        assertTrue(epochs.get(2).get("trainLoss").asDouble() < epochs.get(0).get("trainLoss").asDouble(), "training loss decreases: " + epochs);
        double acc = epochs.get(2).get("valAccuracy").asDouble();
        double test = s.get("testAccuracy").asDouble(), majority = testMajority(csv);
        assertTrue(acc > 0.795, "validation accuracy " + acc + " (the majority class is 77.9% of the file)");
        assertTrue(test > majority + 0.02, "test accuracy " + test + ", majority class " + majority);
    }
}
