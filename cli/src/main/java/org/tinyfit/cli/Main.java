package org.tinyfit.cli;

import java.io.PrintWriter;
import org.tinyfit.graph.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tinyfit} command. */
@Command(name = "tinyfit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Makes deep learning fit microcontrollers: analyze a model against a device,",
            "optimize its memory, run it bit-exact with TFLite Micro, and train MCU-sized",
            "models in pure Java.",
            "",
            "Start with: tinyfit demo"},
        subcommands = {
            DemoCommand.class,
            DevicesCommand.class,
            AnalyzeCommand.class,
            OptimizeCommand.class,
            ConvertCommand.class,
            RunCommand.class,
            EvalCommand.class,
            QuantizeCommand.class,
            TrainCommand.class,
            CompressCommand.class,
            SearchCommand.class,
            ExportCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Every command takes --help. Set TINYFIT_DEBUG=1 to see the stack trace of",
            "an internal error."})
public final class Main implements Runnable {
    public static final String VERSION = Provenance.VERSION;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setParameterExceptionHandler(new Errors.Usage());
        return cl.execute(args);
    }

    /** The command line a command was run with, as the provenance of what it writes records it: "tinyfit train --data ...". */
    static String commandLine(CommandLine.Model.CommandSpec command) {
        return "tinyfit " + String.join(" ", command.commandLine().getParseResult().originalArgs());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"tinyfit " + VERSION + " (Java " + Runtime.version() + ")"};
        }
    }
}
