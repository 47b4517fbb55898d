package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An option value out of its range is one line naming it and exit 1, before any work: never an internal error, never silently taken. */
class OptionValuesTest {
    @TempDir Path tmp;

    private static String oneLineError(CliTest.Run r) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        return r.err().strip();
    }

    private String[] train(String... more) throws IOException {
        List<String> a = new ArrayList<>(List.of("train", "--data", TrainCommandTest.csv(tmp).toString(), "--model", TrainCommandTest.SPEC, "--epochs", "1",
                "--batch", "16", "--val", "0", "--no-progress", "--threads", "1", "--out", tmp.resolve("run").toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test void trainRefusesValuesOutOfRange() throws IOException {
        assertEquals("tinyfit: label smoothing must be at least 0 and below 1, got 2.0", oneLineError(CliTest.run(train("--label-smoothing", "2"))));
        assertEquals("tinyfit: weight decay must be 0 or more, got -1.0", oneLineError(CliTest.run(train("--weight-decay", "-1"))));
        assertEquals("tinyfit: warm-up must be 0 or more epochs, got -1.0", oneLineError(CliTest.run(train("--warmup-epochs", "-1"))));
        assertEquals("tinyfit: checkpoint steps must be 0 (only at epoch ends) or more, got -3", oneLineError(CliTest.run(train("--checkpoint-steps", "-3"))));
        assertEquals("tinyfit: learning rate must be positive and finite, got Infinity", oneLineError(CliTest.run(train("--lr", "1e39"))));
        assertEquals("tinyfit: --shift -1: give 0 (no shift) or more pixels", oneLineError(CliTest.run(train("--shift", "-1"))));
        assertEquals("tinyfit: --time-shift -2: give 0 (no shift) or more steps", oneLineError(CliTest.run(train("--time-shift", "-2"))));
        assertEquals("tinyfit: --noise -0.5: give 0 (no noise) or a positive deviation", oneLineError(CliTest.run(train("--noise", "-0.5"))));
        assertFalse(Files.exists(tmp.resolve("run").resolve("model.tflite")));
    }

    @Test void aRunThatDivergesSaysSoAndWritesNoModel() throws IOException {
        String err = oneLineError(CliTest.run(train("--lr", "1e30")));
        assertTrue(err.matches("tinyfit: training diverged: the loss became (NaN|Infinity) in epoch 1, step \\d+ .*"), err);
        assertTrue(err.endsWith("(peak learning rate 1.0E30); train again with a smaller learning rate; no model was written"), err);
        assertFalse(Files.exists(tmp.resolve("run").resolve("model.tflite")));
    }

    @Test void compressNamesABadTrainingValueInsteadOfCallingItABug() throws IOException {
        Path data = TrainCommandTest.csv(tmp), model = Files.write(tmp.resolve("model.tflite"), new byte[0]);
        for (String[] bad : new String[][] {{"--threads", "0"}, {"--lr", "-1"}}) {
            List<String> a = new ArrayList<>(List.of("compress", model.toString(), "--data", data.toString(), "--device", "nucleo-f446re", "--max-ram", "8KB",
                    "-o", tmp.resolve("c.tflite").toString()));
            a.addAll(List.of(bad));
            String err = oneLineError(CliTest.run(a.toArray(String[]::new)));
            assertFalse(err.contains("internal error"), err);
        }
    }

    @Test void evalRefusesNoThreadsAndNoSamples() throws IOException {
        Path data = TrainCommandTest.csv(tmp);
        String model = OutputPathsTest.SPEECH;
        assertEquals("tinyfit: --threads 0: give at least 1", oneLineError(CliTest.run("eval", model, "--data", data.toString(), "--threads", "0")));
        assertEquals("tinyfit: --limit -1: give at least 1", oneLineError(CliTest.run("eval", model, "--data", data.toString(), "--limit", "-1")));
        assertEquals("tinyfit: --scale and --offset must be finite numbers, got NaN and 0.0", oneLineError(CliTest.run("eval", model, "--data", data.toString(), "--scale", "NaN")));
    }

    @Test void aScaleOfZeroIsRefusedSinceItMakesEverySampleTheSame() throws IOException {
        String data = TrainCommandTest.csv(tmp).toString(), want = "tinyfit: --scale 0 makes every sample 0.0; give the factor that maps the data to the model's input (e.g. 0.00392 for 8-bit pixels to 0..1)";
        assertEquals(want, oneLineError(CliTest.run("eval", OutputPathsTest.SPEECH, "--data", data, "--scale", "0")));
        Path model = Files.write(tmp.resolve("float.tflite"), new byte[0]);
        assertEquals(want, oneLineError(CliTest.run("quantize", model.toString(), "--calibrate", data, "--scale", "0", "-o", tmp.resolve("q.tflite").toString())));
    }

    @Test void aLimitOfZeroIsRefusedNotReadAsNoLimit() throws IOException {
        String data = TrainCommandTest.csv(tmp).toString();
        String[] search = {"search", "--data", data, "--device", "nucleo-f446re", "--budget", "2m", "--max-candidates", "1", "--threads", "1", "--out", tmp.resolve("s").toString()};
        assertEquals("tinyfit: --max-latency 0ms: a limit of no time cannot be met; give a time such as 20ms",
                oneLineError(CliTest.run(concat(search, "--max-latency", "0ms"))));
        assertEquals("tinyfit: --max-ram 0: a limit of no bytes cannot be met; give a size such as 64KB", oneLineError(CliTest.run(concat(search, "--max-ram", "0"))));
        assertEquals("tinyfit: --max-flash 0.1: a limit of no bytes cannot be met; give a size such as 64KB", oneLineError(CliTest.run(concat(search, "--max-flash", "0.1"))));
        assertFalse(Files.exists(tmp.resolve("s")), "nothing was searched");
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test void anEmptyBoardNameIsCalledEmpty() {
        String want = "tinyfit: --device has an empty board name (a stray comma?); give an id from 'tinyfit devices'";
        assertEquals(want, oneLineError(CliTest.run("analyze", OutputPathsTest.SPEECH, "--device", "nucleo-f446re,")));
        assertEquals(want, oneLineError(CliTest.run("export", OutputPathsTest.SPEECH, "--c", tmp.toString(), "--device", "")));
    }
}
