package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A command line that does not parse gives one line naming the option, then where the help is, and exit code 1. */
class UsageErrorsTest {
    private static List<String> lines(CliTest.Run r) { return r.err().lines().toList(); }

    @Test void aMissingRequiredOptionNamesItAndPointsAtTheCommandsHelp() {
        CliTest.Run r = CliTest.run("analyze", "model.tflite");
        assertEquals(1, r.code());
        assertEquals(List.of("tinyfit: Missing required option: '--device=NAME[,NAME...]'", "Run 'tinyfit analyze --help' for the options."), lines(r));
        assertEquals("", r.out());
    }

    @Test void aValueOfTheWrongTypeNamesTheOptionAndTheValue() {
        CliTest.Run r = CliTest.run("train", "--epochs", "abc");
        assertEquals(1, r.code());
        assertEquals(List.of("tinyfit: Invalid value for option '--epochs': 'abc' is not an int", "Run 'tinyfit train --help' for the options."), lines(r));
    }

    @Test void anUnknownOptionCloseToAKnownOneSuggestsIt() {
        CliTest.Run r = CliTest.run("eval", "m.tflite", "--data", "d", "--limt", "3");
        assertEquals(1, r.code());
        assertEquals(2, lines(r).size(), r.err());
        assertEquals("tinyfit: Unknown options: '--limt', '3'; did you mean --limit?", lines(r).get(0));
    }
}
