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
import org.tinyfit.graph.InputScaling;
import org.tinyfit.io.ModelReader;

/**
 * Tabular rows mix columns of very different ranges (credit default: amounts in the hundreds of
 * thousands beside 0/1 and small codes). Their int8 models, quantization-aware or post-training,
 * take standardized rows and record how, so they score about what the float model scores instead
 * of rounding the small columns away (both scored only the majority class, 77.52%, when the
 * standardization was folded into the model's first layer).
 */
class TabularInt8Test {
    @Test void int8ModelsOfCreditDefaultScoreWithinAPointAndAHalfOfTheFloatModel(@TempDir Path tmp) throws IOException {
        Path csv = TrainCommandTest.SHARED_DATA.resolve("credit-default.csv");
        assumeTrue(Files.isRegularFile(csv), csv + " is not there; skipping");
        String data = csv + "#test=5:4";
        String spec = "{\"input\":[23],\"layers\":[{\"dense\":32,\"act\":\"relu\"},{\"dense\":16,\"act\":\"relu\"},{\"dense\":2}],\"softmax\":true}";
        Path out = tmp.resolve("credit");
        CliTest.Run t = CliTest.run("train", "--data", data, "--model", spec, "--epochs", "3", "--batch", "64", "--lr", "0.01", "--limit", "8000",
                "--qat", "--qat-epochs", "1", "--no-progress", "--threads", "2", "--out", out.toString());
        assertEquals(0, t.code(), t.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        double floatAccuracy = summary.get("testAccuracy").asDouble();
        double qat = summary.get("int8").get("testAccuracy").asDouble();
        assertTrue(floatAccuracy > 0.79, "the float model learned more than the majority class (77.52%): " + t.out());
        assertTrue(Math.abs(qat - floatAccuracy) <= 0.015, "quantization-aware int8 " + qat + " against float " + floatAccuracy);
        for (String f : new String[] {"model.tflite", "model_int8.tflite"}) {
            assertTrue(InputScaling.of(ModelReader.read(out.resolve(f))).isPresent(), f + " records its input scaling");
        }
        assertEquals(qat, accuracy(out.resolve("model_int8.tflite"), data), 1e-12, "eval scores what train printed");

        Path ptq = tmp.resolve("ptq.tflite");
        CliTest.Run q = CliTest.run("quantize", out.resolve("model.tflite").toString(), "--calibrate", data, "-o", ptq.toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(InputScaling.of(ModelReader.read(ptq)).isPresent(), "the post-training int8 model keeps the input scaling");
        double post = accuracy(ptq, data);
        assertTrue(Math.abs(post - floatAccuracy) <= 0.015, "post-training int8 " + post + " against float " + floatAccuracy);
    }

    private static double accuracy(Path model, String data) throws IOException {
        CliTest.Run e = CliTest.run("eval", model.toString(), "--data", data, "--threads", "2", "--json");
        assertEquals(0, e.code(), e.err());
        return new ObjectMapper().readTree(e.out()).get("accuracy").asDouble();
    }
}
