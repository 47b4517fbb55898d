package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinyfit.device.Device;
import org.tinyfit.search.EvaluatorFactory;
import org.tinyfit.search.Limits;
import org.tinyfit.search.Record;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchException;
import org.tinyfit.search.SearchRun;
import org.tinyfit.train.EpochResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tinyfit search}: the models that fit a board, found, trained and measured. */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Finds, trains and measures the models that fit a board.",
        description = {
            "Searches network architectures and training recipes for a data set under a",
            "board's limits (aging evolution; the space follows the data: convolutions for",
            "images, MLPs for rows). Each candidate is judged before any training by the",
            "int8 model it will become: SRAM after tinyfit's operator order and arena plan",
            "(and, for --runtime c, in-place and partial execution), flash and latency.",
            "Candidates over a limit are narrowed or rejected; the rest are trained and",
            "scored on a validation part held out (stratified) from the training data. The",
            "test part is used only to report on the final models.",
            "",
            "Every candidate goes to DIR/journal.db (SQLite) the moment it is done: stop the",
            "search at any time and run the same command again to continue where it was.",
            "",
            "At the end: DIR/pareto.json, DIR/pareto/*.tflite (no model is more accurate and",
            "smaller at once) and DIR/best.tflite, with their test accuracy, SRAM, flash and",
            "latency."},
        footer = {"", "Example:", "  tinyfit search --data /usr/share/datasets/fashion-mnist \\",
            "      --device arduino-nano-33-ble-sense \\",
            "      --max-ram 64KB --max-flash 256KB --budget 2h --out search-fmnist"})
final class SearchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "The data set, as for 'tinyfit train' (see docs/datasets.md).")
    String data;
    @Option(names = {"-d", "--device"}, required = true, paramLabel = "NAME", description = "The board (see 'tinyfit devices').")
    String device;
    @Option(names = "--budget", defaultValue = "30m", paramLabel = "TIME", description = "Wall-clock time for the search, e.g. 90s, 20m, 2h (default: ${DEFAULT-VALUE}).")
    String budget;
    @Option(names = "--max-candidates", paramLabel = "N", description = "Stop after N trained candidates (also a budget).")
    Integer maxCandidates;
    @Option(names = "--max-ram", paramLabel = "SIZE", description = "SRAM limit, e.g. 64KB (default: the board's SRAM).")
    String maxRam;
    @Option(names = "--max-flash", paramLabel = "SIZE", description = "Flash limit, e.g. 256KB (default: the board's flash).")
    String maxFlash;
    @Option(names = "--max-latency", paramLabel = "TIME", description = "Latency limit per inference, e.g. 100ms (default: none).")
    String maxLatency;
    @Option(names = "--runtime", defaultValue = "tflm", paramLabel = "NAME", description = "tflm (TensorFlow Lite Micro with the core's default kernels), a TFLite Micro kernel library "
            + "for the latency (tflm-ref, tflm-cmsis-nn, tflm-esp-nn, ...: see docs/devices.md) or c (tinyfit's C) (default: ${DEFAULT-VALUE}).")
    String runtime;
    @Option(names = "--out", defaultValue = "search-out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the whole search (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Candidates trained at once (default: the number of cores).")
    Integer threads;
    @Option(names = "--max-epochs", defaultValue = "4", paramLabel = "N", description = "The most epochs a candidate is trained for (default: ${DEFAULT-VALUE}).")
    int maxEpochs;
    @Option(names = "--final-epochs", defaultValue = "15", paramLabel = "N", description = "Then train the best network again for N epochs; "
        + "it becomes DIR/best.tflite if more accurate on the validation part. The search leaves the time for it (0: none) (default: ${DEFAULT-VALUE}).")
    int finalEpochs;
    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training samples (quick runs).")
    Integer limit;
    @Option(names = "--val", defaultValue = "0.1", paramLabel = "FRACTION", description = "Share of the training data held out for selection (default: ${DEFAULT-VALUE}).")
    double val;
    @Option(names = "--devices-file", paramLabel = "FILE", description = "Extra boards from a JSON file (see 'tinyfit devices --help').")
    Path devicesFile;
    @Option(names = "--spark", paramLabel = "MASTER", description = "Train the candidates as Apache Spark tasks on MASTER: local[2], "
        + "spark://HOST:7077, yarn, k8s://... (see docs/spark.md). --threads is then the "
        + "generation size: give the cluster's executor cores.")
    String spark;
    @Option(names = "--json", description = "Print the result as JSON (progress still goes to stderr).")
    boolean json;

    @Override public Integer call() throws Exception {
        Device d = DevicesCommand.find(DevicesCommand.catalog(devicesFile), device);
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw new UserException("--threads " + t + ": give at least 1");
        Outputs.checkDirectory(out, "--out");
        if (maxEpochs < 1) throw new UserException("--max-epochs " + maxEpochs + ": give at least 1");
        if (finalEpochs < 0) throw new UserException("--final-epochs " + finalEpochs + ": give 0 or more");
        if (maxCandidates != null && maxCandidates < 1) throw new UserException("--max-candidates " + maxCandidates + ": give at least 1");
        double seconds = Units.seconds(budget, "--budget");
        if (seconds < 1) throw new UserException("--budget " + budget + " is too small for one evaluation; give at least a minute, e.g. --budget 5m");
        Limits limits;
        try {
            limits = Limits.of(d, maxRam == null ? null : Units.bytes(maxRam, "--max-ram"), maxFlash == null ? null : Units.bytes(maxFlash, "--max-flash"),
                    maxLatency == null ? null : Units.limitMillis(maxLatency, "--max-latency"), runtime);
        } catch (SearchException e) {
            throw new UserException(e.getMessage());
        }
        SearchRun.Options o = new SearchRun.Options(data, d, limits, out, seed, t, seconds, maxCandidates == null ? 0 : maxCandidates, maxEpochs, limit, val, finalEpochs);
        PrintWriter stdout = spec.commandLine().getOut();
        Progress progress = new Progress(seconds, spec.commandLine().getErr());
        SearchRun.Result r;
        try {
            r = SearchRun.run(o, progress, spark == null ? EvaluatorFactory.local() : EvaluatorFactory.spark(spark));
        } catch (SearchException e) {
            progress.end();
            throw new UserException(e.getMessage());
        }
        progress.end();
        if (json) {
            stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return 0;
        }
        stdout.printf(Locale.ROOT, "search on %s: %d candidates trained, %d rejected before training (%s)%n", d.name(), r.trained(), r.rejected(),
                limits.describe());
        stdout.printf(Locale.ROOT, "%-9s %9s %9s %10s %10s %9s  %s%n", "candidate", "val acc", "test acc", "SRAM", "flash", "latency", "network | recipe");
        for (SearchRun.Model m : r.pareto()) {
            stdout.printf(Locale.ROOT, "%-9s %8.2f%% %9s %,8d B %,8d B %6.1f ms  %s%n", m.candidate() + (m.candidate() == r.best().candidate() ? " *" : ""),
                    100 * m.validationAccuracy(), m.testAccuracy() == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * m.testAccuracy()),
                    m.sramBytes(), m.flashBytes(), m.latencyMillis(), m.genome());
        }
        SearchRun.FinalTraining f = r.finalTraining();
        if (f != null) {
            stdout.printf(Locale.ROOT, "best (*) trained again for %d epochs: validation %.2f%% against %.2f%% from the search; best.tflite is the %s%n",
                    f.epochs(), 100 * f.retrainedValidationAccuracy(), 100 * f.searchValidationAccuracy(),
                    f.retrainedKept() ? "model trained again" : "search's model (higher validation accuracy)");
        }
        stdout.printf("best (*): %s; all Pareto models in %s; journal %s%n", out.resolve("best.tflite"), out.resolve("pareto"), r.journal());
        return 0;
    }

    /** One status line on stderr, redrawn in place on a terminal, a line per candidate otherwise. */
    private static final class Progress implements Search.Listener {
        private final double budget;
        private final PrintWriter err;
        private final boolean terminal = System.console() != null;

        Progress(double budget, PrintWriter err) {
            this.budget = budget;
            this.err = err;
        }

        @Override public void candidate(Record r, Search.Summary s) {
            String best = s.best() == null ? "none yet" : String.format(Locale.ROOT, "%.2f%% at %,d B SRAM", 100 * s.best().accuracy(),
                    s.best().footprint().sramBytes());
            String line = String.format(Locale.ROOT, "search: %d trained, %d stopped early, %d rejected%s | best %s | front %d | %s left", s.trained(), s.stopped(), s.rejected(),
                    s.reused() > 0 ? ", " + s.reused() + " from the journal" : "", best, s.frontSize(),
                    Units.duration(Math.max(0, budget - s.elapsedSeconds())));
            if (terminal) err.print("\r" + line + "   ");
            else err.println(line);
            err.flush();
        }

        @Override public void finalEpoch(EpochResult r, int epochs) {
            String line = String.format(Locale.ROOT, "final training of the best: epoch %d/%d, validation %.2f%%", r.epoch() + 1, epochs, 100 * r.valAccuracy());
            if (terminal) err.print("\r" + line + "   ");
            else err.println(line);
            err.flush();
        }

        void end() { if (terminal) err.println(); }
    }
}
