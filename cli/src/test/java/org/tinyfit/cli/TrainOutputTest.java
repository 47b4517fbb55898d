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
}
