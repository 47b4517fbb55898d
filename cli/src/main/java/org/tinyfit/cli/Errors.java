package org.tinyfit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.tinyfit.graph.GraphException;
import picocli.CommandLine;

/**
 * Turns a failure into one line on stderr and a non-zero exit: 1 for a user's mistake (bad file,
 * bad option value), 3 for an internal error (a bug: the line says so, and TINYFIT_DEBUG=1 shows the trace).
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    static final int USER_ERROR = 1;
    static final int INTERNAL_ERROR = 3;

    @Override public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean debug = System.getenv("TINYFIT_DEBUG") != null;
        String msg = userMessage(ex);
        if (msg != null) {
            cl.getErr().println("tinyfit: " + msg);
            if (debug) ex.printStackTrace(cl.getErr());
            return USER_ERROR;
        }
        cl.getErr().println("tinyfit: internal error: " + ex + " (this is a bug; run with TINYFIT_DEBUG=1 for the trace)");
        if (debug) ex.printStackTrace(cl.getErr());
        return INTERNAL_ERROR;
    }

    /**
     * A command line picocli cannot parse (a missing or unknown option, a value of the wrong type):
     * one line naming the option and what it wants, then where the help is; exit code 1.
     */
    static final class Usage implements CommandLine.IParameterExceptionHandler {
        @Override public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            cl.getErr().println("tinyfit: " + usageMessage(ex));
            cl.getErr().println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
            return USER_ERROR;
        }
    }

    /** picocli's message on one line, with a suggestion when an unknown option is close to a known one. */
    static String usageMessage(CommandLine.ParameterException ex) {
        String msg = ex.getMessage() == null ? "bad command line" : ex.getMessage().strip();
        int nl = msg.indexOf('\n');
        if (nl >= 0) msg = msg.substring(0, nl).strip();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            msg += "; did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?";
        }
        return msg;
    }

    /** The one-line message for errors a user can fix, or null for a bug. */
    static String userMessage(Throwable ex) {
        if (ex instanceof UserException || ex instanceof GraphException) return ex.getMessage();
        if (ex instanceof NoSuchFileException e) return "no such file: " + e.getFile();
        if (ex instanceof UncheckedIOException e) return userMessage(e.getCause());
        if (ex instanceof IOException e) return "cannot read or write a file: " + e.getMessage();
        if (ex instanceof OutOfMemoryError) return "out of memory; give Java more with TINYFIT_JAVA_OPTS=-Xmx8g";
        return null;
    }
}
