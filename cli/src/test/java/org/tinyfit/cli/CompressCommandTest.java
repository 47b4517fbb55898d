package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
