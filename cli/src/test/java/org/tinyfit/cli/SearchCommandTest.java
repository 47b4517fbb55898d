package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandTest {
    static final String CREDIT = TrainCommandTest.SHARED_DATA.resolve("credit-default.csv") + "#test=5:4";
    @TempDir Path dir;

    @Test void searchesCreditDataAndWritesTheParetoModels() throws Exception {
        CliTest.Run r = CliTest.run("search", "--data", CREDIT, "--device", "arduino-nano-33-ble-sense", "--max-ram", "16KB",
                "--max-flash", "64KB", "--max-candidates", "3", "--max-epochs", "1", "--final-epochs", "2", "--limit", "3000", "--threads", "2",
                "--out", dir.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(3, j.get("trained").asInt());
        assertEquals(2, j.get("finalEpochs").asInt(), "the best network was trained again for 2 epochs");
        JsonNode f = j.get("finalTraining");
        assertEquals(Math.max(f.get("searchValidationAccuracy").asDouble(), f.get("retrainedValidationAccuracy").asDouble()),
                j.get("best").get("validationAccuracy").asDouble(), 1e-12, "best.tflite is the more accurate of the two on validation: " + f);
        assertTrue(r.err().contains("final training of the best: epoch 2/2"), r.err());
        JsonNode best = j.get("best");
        assertTrue(best.get("sramBytes").asLong() <= 16 * 1024 && best.get("flashBytes").asLong() <= 64 * 1024, best.toString());
        System.out.println("credit search test: " + best);
        assertTrue(best.get("testAccuracy").asDouble() > 0.7752 + 0.01,
                "above the test part's majority class (77.52%), which is all a model whose int8 input rounds the small columns away can reach: " + best);
        assertTrue(Files.size(dir.resolve("best.tflite")) > 0);
        assertTrue(Files.exists(dir.resolve("pareto.json")) && Files.exists(dir.resolve("journal.db")));
        for (JsonNode m : j.get("pareto")) assertTrue(Files.exists(dir.resolve(m.get("file").asText())), m.toString());
        CliTest.Run eval = CliTest.run("eval", dir.resolve("best.tflite").toString(), "--data", CREDIT, "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(best.get("testAccuracy").asDouble(), new ObjectMapper().readTree(eval.out()).get("accuracy").asDouble(), 1e-12,
                "eval measures the written model on the data as stored, with no flags, as the search did");
        org.tinyfit.graph.Graph g = org.tinyfit.tflite.TfliteReader.read(dir.resolve("best.tflite"));
        org.tinyfit.graph.InputScaling sc = org.tinyfit.graph.InputScaling.of(g).orElseThrow();
        assertEquals(23, sc.features(), "credit rows are standardized outside the int8 model, per column");
        float[] row = {200000, 2, 2, 1, 35, 0, 0, 0, 0, 0, 0, 50000, 48000, 47000, 30000, 29000, 28000, 2000, 2500, 1800, 1000, 1000, 1000};
        Path npy = dir.resolve("row.npy");
        Files.write(npy, npy(row));
        double[] real = new double[row.length];
        for (int i = 0; i < row.length; i++) real[i] = row[i];
        sc.apply(real);
        org.tinyfit.graph.Tensor in = g.tensor(g.inputs()[0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(org.tinyfit.runtime.TensorValues.fromReal(in, real, "row"), ModelInputs.npy(npy, g, in.id()),
                "run takes a row as the data stores it and standardizes it as the model records");
    }

    /** A float32 .npy of one row. */
    static byte[] npy(float[] row) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, " + row.length + "), }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + 4 * row.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes()).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes());
        for (float v : row) b.putFloat(v);
        return b.array();
    }

    @Test void sparkWithoutSparkOnTheClasspathSaysHowToGetIt() {
        CliTest.Run r = CliTest.run("search", "--data", CREDIT, "--device", "arduino-nano-33-ble-sense", "--max-candidates", "1",
                "--spark", "local[2]", "--out", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("tinyfit: --spark needs the tinyfit-spark module and Apache Spark on the classpath"), r.err());
        assertTrue(r.err().contains("./tinyfit"), r.err());
        assertTrue(Files.notExists(dir.resolve("journal.db")), "nothing was started");
    }

    @Test void unknownBoardIsOneLine() {
        CliTest.Run r = CliTest.run("search", "--data", CREDIT, "--device", "no-such-board", "--out", dir.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test void limitsNoCandidateMeetsAreSaidEarly() {
        CliTest.Run r = CliTest.run("search", "--data", CREDIT, "--device", "arduino-nano-33-ble-sense", "--max-ram", "200B",
                "--max-candidates", "2", "--limit", "500", "--out", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("tinyfit: no candidate can meet the limits (SRAM <= 200 B"), r.err());
        assertTrue(r.err().contains("the smallest network"), r.err());
    }

    @Test void badBudgetAndSizesAreOneLine() {
        CliTest.Run b = CliTest.run("search", "--data", CREDIT, "--device", "arduino-nano-33-ble-sense", "--budget", "5x", "--out", dir.toString());
        assertEquals("tinyfit: --budget 5x: give a time such as 90s, 20m, 2h or 1h30m", b.err().strip());
        CliTest.Run s = CliTest.run("search", "--data", CREDIT, "--device", "arduino-nano-33-ble-sense", "--max-ram", "lots", "--out", dir.toString());
        assertEquals("tinyfit: --max-ram lots: give a size such as 65536, 64KB or 1MB", s.err().strip());
    }

    @Test void dataWithOneClassIsOneLine() throws Exception {
        Path csv = dir.resolve("one.csv");
        StringBuilder b = new StringBuilder("label,a,b\n");
        for (int i = 0; i < 40; i++) b.append("3,").append(i).append(',').append(i % 7).append('\n');
        Files.writeString(csv, b.toString());
        CliTest.Run r = CliTest.run("search", "--data", csv.toString(), "--device", "arduino-nano-33-ble-sense", "--max-candidates", "1",
                "--out", dir.resolve("o").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("a classifier needs at least 2"), r.err());
        assertTrue(Files.notExists(dir.resolve("o").resolve("journal.db")), "nothing was started");
    }

    @Test void aBudgetTooSmallForOneEvaluationIsSaidBeforeStarting() {
        CliTest.Run r = CliTest.run("search", "--data", CREDIT, "--device", "arduino-nano-33-ble-sense", "--budget", "0s", "--out", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("tinyfit: --budget 0s is too small for one evaluation; give at least a minute, e.g. --budget 5m", r.err().strip());
        assertTrue(Files.notExists(dir.resolve("journal.db")), "nothing was started");
    }

    @Test void unitsParseAsUsersWriteThem() {
        assertEquals(65536, Units.bytes("64KB", "x"));
        assertEquals(1536, Units.bytes("1.5k", "x"));
        assertEquals(5400, Units.seconds("1h30m", "x"));
        assertEquals(0.1, Units.seconds("100ms", "x"), 1e-12);
        assertEquals("1h05m", Units.duration(3900));
    }
}
