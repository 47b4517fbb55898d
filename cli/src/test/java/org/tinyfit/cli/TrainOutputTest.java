package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What train prints: one JSON document with --json, progress on stderr, no carriage returns off a terminal. */
class TrainOutputTest {
    @Test void withJsonStdoutIsOneJsonDocumentAndTheProgressGoesToStderr(@TempDir Path tmp) throws IOException {
        CliTest.Run r = CliTest.run("train", "--data", TrainCommandTest.csv(tmp).toString(), "--model", TrainCommandTest.SPEC, "--epochs", "2",
                "--batch", "16", "--val", "40", "--threads", "1", "--out", tmp.resolve("o").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        var parser = new ObjectMapper().createParser(r.out());
        JsonNode doc = new ObjectMapper().readTree(parser);
        assertEquals(2, doc.get("epochs").size());
        assertEquals(null, parser.nextToken(), "nothing after the JSON document: " + r.out());
        assertTrue(r.err().contains("epoch 2: train loss"), r.err());
        assertFalse(r.err().contains("\r"), "no redrawn progress bar off a terminal");
    }

    private static CliTest.Run train(Path data, Path out, String... more) {
        String[] base = {"train", "--data", data.toString(), "--model", TrainCommandTest.SPEC, "--epochs", "1", "--batch", "16", "--val", "40",
            "--threads", "1", "--no-progress", "--out", out.toString()};
        return CliTest.run(java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new));
    }

    private static void oneLine(CliTest.Run r, String expected) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals(java.util.List.of("tinyfit: " + expected), r.err().lines().toList());
    }

    @Test void limitZeroSaysSoInsteadOfAnImpossibleValRange(@TempDir Path tmp) throws IOException {
        oneLine(train(TrainCommandTest.csv(tmp), tmp.resolve("o"), "--limit", "0"), "--limit 0: train on at least 1 sample");
    }

    @Test void aValAsLargeAsTheDataSaysHowManySamplesThereAre(@TempDir Path tmp) throws IOException {
        oneLine(train(TrainCommandTest.csv(tmp), tmp.resolve("o"), "--limit", "30"), "--val 40 must be at least 0 and below the 30 training samples used");
    }

    @Test void aOneClassCsvSaysThereIsOnlyOneClass(@TempDir Path tmp) throws IOException {
        Path csv = tmp.resolve("one.csv");
        StringBuilder b = new StringBuilder("label,f0,f1,f2,f3\n");
        for (int i = 0; i < 100; i++) b.append("0,").append(i).append(",1,2,3\n");
        java.nio.file.Files.writeString(csv, b);
        CliTest.Run r = train(csv, tmp.resolve("o"));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("there is only one class; a classifier needs at least two"), r.err());
    }

    @Test void anOutThatIsAFileIsRefusedBeforeAnyTraining(@TempDir Path tmp) throws IOException {
        Path file = java.nio.file.Files.writeString(tmp.resolve("taken"), "x");
        CliTest.Run r = train(TrainCommandTest.csv(tmp), file);
        oneLine(r, "--out " + file + " is a file; give a directory (new or one to resume in)");
        assertEquals("", r.out(), "nothing was trained");
    }

    @Test void aTruncatedCheckpointIsNamedWithTheWayOut(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("o");
        assertEquals(0, train(TrainCommandTest.csv(tmp), out).code());
        Path ckpt = out.resolve("checkpoint.bin");
        byte[] all = java.nio.file.Files.readAllBytes(ckpt);
        java.nio.file.Files.write(ckpt, java.util.Arrays.copyOf(all, all.length / 2));
        CliTest.Run r = train(TrainCommandTest.csv(tmp), out);
        oneLine(r, ckpt + " is truncated (it ends before the checkpoint does); delete it to start over, or use another --out directory");
    }

    @Test void oneThreadAndOneStepAreSingular(@TempDir Path tmp) throws IOException {
        CliTest.Run r = train(TrainCommandTest.csv(tmp), tmp.resolve("o"), "--limit", "50");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("; 1 step of 16 per epoch; 1 thread\n"), r.out());
    }
}
