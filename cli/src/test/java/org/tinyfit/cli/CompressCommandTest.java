package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.compress.Compression;
import org.tinyfit.compress.Resources;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteReader;

class CompressCommandTest {
    static final String SPEC = "{\"input\":[4],\"layers\":[{\"dense\":24,\"act\":\"relu\"},{\"dense\":16,\"act\":\"relu\"},{\"dense\":2}],\"softmax\":true}";
    static final String BOARD = "arduino-nano-33-ble-sense";

    private static Path trained(Path tmp) throws IOException {
        Path data = TrainCommandTest.csv(tmp), out = tmp.resolve("run");
        CliTest.Run r = CliTest.run("train", "--data", data.toString(), "--model", SPEC, "--epochs", "4", "--batch", "16", "--lr", "0.02",
                "--val", "40", "--shift", "0", "--no-flip", "--no-progress", "--threads", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        return out;
    }

    @Test void prunesATrainedModelIntoAFlashLimitAndWritesAnInt8ModelThatMeetsIt(@TempDir Path tmp) throws IOException {
        Path run = trained(tmp);
        Path out = tmp.resolve("small.tflite");
        Graph before = TfliteReader.read(run.resolve("model.tflite"));
        long weights = before.tensors().stream().filter(Tensor::isConstant).mapToLong(Tensor::bytes).sum();
        CliTest.Run r = CliTest.run("compress", run.toString(), "--data", TrainCommandTest.csv(tmp).toString(), "--device", BOARD, "--max-flash", "4000",
                "--epochs", "2", "--qat-epochs", "0", "--threads", "1", "-o", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("prunable layers:"), r.err());
        assertTrue(r.err().contains("epoch 2:"), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("met").asBoolean(), r.out());
        assertTrue(j.get("measured").get("flashBytes").asLong() <= 4000, r.out());
        assertEquals(Files.size(out), j.get("measured").get("flashBytes").asLong());
        assertTrue(j.get("before").get("flashBytes").asLong() > 4000, r.out());
        Graph g = TfliteReader.read(out);
        assertTrue(g.tensors().stream().filter(Tensor::isConstant).anyMatch(t -> t.dtype() == DType.I8), "int8 weights");
        long kept = 0;
        for (JsonNode l : j.get("layers")) kept += l.get("after").asLong();
        assertTrue(kept < 24 + 16, "channels removed: " + j.get("layers"));
        assertTrue(j.get("int8AccuracyAfter").asDouble() > 0.6, "still learns the sign of f0 + f1: " + r.out());
    }

    @Test void prunesIntoALatencyLimitOnTheDevice(@TempDir Path tmp) throws IOException {
        Path run = trained(tmp);
        Path out = tmp.resolve("fast.tflite");
        Device board = DeviceCatalog.builtin().find(BOARD);
        Resources before = Resources.of(Compression.readModel(run), board);
        double limit = before.latencyMillis() * 0.9;
        CliTest.Run r = CliTest.run("compress", run.toString(), "--data", TrainCommandTest.csv(tmp).toString(), "--device", BOARD,
                "--max-latency", String.format(Locale.ROOT, "%.6fms", limit), "--epochs", "2", "--qat-epochs", "0", "--threads", "1", "-o", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("met").asBoolean(), r.out());
        assertEquals(before.latencyMillis(), j.get("before").get("latencyMillis").asDouble(), 1e-9, r.out());
        assertTrue(j.get("measured").get("latencyMillis").asDouble() <= limit, "measured latency within " + limit + " ms: " + r.out());
        assertTrue(j.get("measured").get("macs").asLong() < before.macs(), "fewer MACs: " + r.out());
        CliTest.Run no = CliTest.run("compress", run.toString(), "--data", TrainCommandTest.csv(tmp).toString(), "--device", BOARD,
                "--max-latency", "0.000001ms", "-o", tmp.resolve("x.tflite").toString());
        assertEquals(1, no.code(), no.err());
        assertTrue(no.err().startsWith("tinyfit: the latency limit 0.000 ms cannot be met without removing a whole layer"), no.err());
        assertEquals(1, no.err().strip().lines().count(), no.err());
    }

    @Test void aTrainOutputDirectoryIsCompressedExactlyAsTheFloatModelItHolds(@TempDir Path tmp) throws IOException {
        Path run = trained(tmp);
        assertTrue(Files.isRegularFile(run.resolve("checkpoint.bin")), "train --out holds the checkpoint");
        String data = TrainCommandTest.csv(tmp).toString();
        JsonNode[] reports = new JsonNode[2];
        // the model file carries the command line, so both command lines get the same length
        Path copy = tmp.resolve("run-model-tflite");
        Files.createDirectories(copy);
        try (var files = Files.list(run)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        String[] inputs = {copy.toString(), run.resolve("model.tflite").toString()};
        assertEquals(inputs[1].length(), inputs[0].length());
        for (int i = 0; i < 2; i++) {
            CliTest.Run r = CliTest.run("compress", inputs[i], "--data", data, "--device", BOARD, "--max-flash", "4000", "--epochs", "2", "--qat-epochs", "0",
                    "--threads", "1", "-o", tmp.resolve("out" + i + ".tflite").toString(), "--json");
            assertEquals(0, r.code(), r.err());
            reports[i] = new ObjectMapper().readTree(r.out());
        }
        assertEquals(reports[1].get("before"), reports[0].get("before"));
        assertEquals(reports[1].get("layers"), reports[0].get("layers"));
        assertEquals(reports[1].get("int8AccuracyAfter"), reports[0].get("int8AccuracyAfter"));
        assertEquals(reports[1].get("measured").get("macs"), reports[0].get("measured").get("macs"));
    }

    @Test void aTrainDirectoryWithOnlyACheckpointIsAOneLineError(@TempDir Path tmp) throws IOException {
        Path run = trained(tmp);
        Files.delete(run.resolve("model.tflite"));
        CliTest.Run r = CliTest.run("compress", run.toString(), "--data", TrainCommandTest.csv(tmp).toString(), "--device", BOARD, "--max-ram", "8KB",
                "-o", tmp.resolve("x.tflite").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("tinyfit: " + run + " holds a training checkpoint but no model.tflite yet"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test void limitsOnlyRemovingALayerCouldMeetAreRefusedInOneLineBeforeTraining(@TempDir Path tmp) throws IOException {
        Path run = trained(tmp);
        CliTest.Run r = CliTest.run("compress", run.toString(), "--data", TrainCommandTest.csv(tmp).toString(), "--device", BOARD, "--max-ram", "16",
                "-o", tmp.resolve("x.tflite").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("tinyfit: the SRAM limit 16 B cannot be met without removing a whole layer: with one channel left in each of the 2 prunable layers"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("x.tflite")));
    }

    @Test void userErrorsAreOneLine(@TempDir Path tmp) throws IOException {
        Path run = trained(tmp);
        String data = TrainCommandTest.csv(tmp).toString();
        String[][] cases = {
            {"compress", run.toString(), "--data", data, "--device", BOARD, "-o", "x.tflite"},
            {"compress", run.toString(), "--data", data, "--device", BOARD, "--max-ram", "8KB", "--method", "random", "-o", "x.tflite"},
            {"compress", tmp.resolve("none.tflite").toString(), "--data", data, "--device", BOARD, "--max-ram", "8KB", "-o", "x.tflite"},
            {"compress", run.toString(), "--data", data, "--device", BOARD, "--max-ram", "lots", "-o", "x.tflite"},
            {"compress", run.toString(), "--data", data, "--device", "no-such-board", "--max-ram", "8KB", "-o", "x.tflite"},
        };
        String[] starts = {"tinyfit: give at least one limit", "tinyfit: --method random: use aware or uniform", "tinyfit: no such model: ",
            "tinyfit: --max-ram lots: give a size", "tinyfit: "};
        for (int i = 0; i < cases.length; i++) {
            CliTest.Run r = CliTest.run(cases[i]);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith(starts[i]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
