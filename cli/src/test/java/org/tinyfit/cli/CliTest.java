package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class CliTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoRunsWithoutFiles() {
        Run r = run("demo", "boards");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("CONV_2D"), r.out());
    }

    @Test
    void unknownOptionIsAOneLineUsageError() {
        Run r = run("demo", "boards", "--no-such-option");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("Unknown option"), r.err());
    }
}
