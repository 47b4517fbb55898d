package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinyfit.demo.Demo;
import org.tinyfit.demo.DemoData;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.search.Limits;
import org.tinyfit.search.Record;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchException;
import org.tinyfit.train.EpochResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The whole pipeline in one command: data and a board in, a trained model that fits and a report out. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, subcommands = BoardsDemo.class,
        header = "Search, train and deploy on an embedded default, with a report.",
        description = {
            "Runs tinyfit's main job with no files to give: Fashion-MNIST (Debian's",
            "dataset-fashion-mnist, installed when it can be; otherwise the ECG5000 rows",
            "beside the clone) and an Arduino Nano 33 BLE Sense held to 64 KB of SRAM and",
            "256 KB of flash. It searches networks that fit, trains the best one longer,",
            "lays out its deployment (operator order, arena plan), and writes the model and",
            "report.html (memory over time, arena layouts, the search, training curves).",
            "About 10 minutes on two cores; --quick takes under two.",
            "",
            "  tinyfit demo boards   a built-in network's verdicts on six boards (seconds)"},
        footer = {"", "Example: tinyfit demo --quick --out /tmp/demo"})
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "A small search and one epoch on a slice of the data: under two minutes.")
    boolean quick;
    @Option(names = "--out", defaultValue = "tinyfit-demo-out", paramLabel = "DIR", description = "Where everything goes (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = {"-d", "--device"}, defaultValue = "arduino-nano-33-ble-sense", paramLabel = "NAME", description = "The board (default: ${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: the number of cores).")
    Integer threads;
    @Option(names = "--json", description = "Print the final figures as JSON (progress still goes to stderr).")
    boolean json;

    @Override public Integer call() throws Exception {
        Device d = DevicesCommand.find(DeviceCatalog.builtin(), device);
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw new UserException("--threads " + t + ": give at least 1");
        Outputs.checkDirectory(out, "--out");
        DemoData data = DemoData.find(message -> System.err.println("tinyfit demo: " + message));
        Limits limits = Limits.of(d, 64L * 1024, 256L * 1024, null, "tflm");
        Demo.Options o = quick
                ? new Demo.Options(data.spec(), data.name(), d, limits, out, 1, t, 1200, 4, 1, 0, 2, 4000, 1)
                : new Demo.Options(data.spec(), data.name(), d, limits, out, 1, t, 10000, 16, 2, 8 * 60, 6, null, 1);
        Demo.Result r;
        try {
            r = Demo.run(o, new Progress());
        } catch (SearchException e) {
            throw new UserException(e.getMessage());
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return 0;
        }
        stdout.printf(Locale.ROOT, "%ntinyfit demo: %s on %s%n", r.data(), r.device());
        stdout.printf(Locale.ROOT, "  network        %s (best of %d trained, %d rejected before training)%n", r.network(), r.trained(), r.rejected());
        stdout.printf(Locale.ROOT, "  test accuracy  %.2f%%%n", 100 * r.testAccuracy());
        stdout.printf(Locale.ROOT, "  SRAM           %,d B of %,d B (TFLite Micro as stored would need %,d B)%n", r.sramBytes(), r.maxRamBytes(),
                r.storedOrderSramBytes());
        stdout.printf(Locale.ROOT, "  flash          %,d B of %,d B%n", r.flashBytes(), r.maxFlashBytes());
        stdout.printf(Locale.ROOT, "  latency        %.1f ms (estimated for the board)%n", r.latencyMillis());
        stdout.printf(Locale.ROOT, "  C project      %s%n", r.c().note());
        stdout.printf(Locale.ROOT, "  model          %s%n  report         %s%n  search         %s%n", r.model(), r.report(), r.searchDir());
        return 0;
    }

    /** Each stage's start and end on stderr, with the search's and the training's progress between. */
    private static final class Progress implements Demo.Stages {
        private final boolean terminal = System.console() != null;
        private long t0 = System.nanoTime();

        @Override public void start(String stage, String detail) {
            t0 = System.nanoTime();
            System.err.printf(Locale.ROOT, "[%s] %s%n", stage, detail);
        }

        @Override public void candidate(Record r, Search.Summary s) {
            String line = String.format(Locale.ROOT, "  %d trained, %d rejected; best %s", s.trained(), s.rejected(),
                    s.best() == null ? "none yet" : String.format(Locale.ROOT, "%.2f%%", 100 * s.best().accuracy()));
            if (terminal) System.err.print("\r" + line + "   ");
            else System.err.println(line);
        }

        @Override public void epoch(EpochResult r, int epochs) {
            System.err.printf(Locale.ROOT, "%s  epoch %d/%d: train %.2f%%, validation %.2f%%%n", terminal ? "\r" : "", r.epoch() + 1, epochs,
                    100 * r.trainAccuracy(), 100 * r.valAccuracy());
        }

        @Override public void end(String stage, String result) {
            System.err.printf(Locale.ROOT, "%s[%s] %s (%.0f s)%n", terminal ? "\r" : "", stage, result, (System.nanoTime() - t0) / 1e9);
        }
    }
}
