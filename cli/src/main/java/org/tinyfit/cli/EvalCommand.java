package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinyfit.data.DataException;
import org.tinyfit.data.DataSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.graph.Graph;
import org.tinyfit.io.ModelReader;
import org.tinyfit.train.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Measures a classifier's accuracy on a labelled dataset, running it in tinyfit's runtime. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Accuracy, per-class recall and confusion matrix on labelled data.",
        description = {"Measures the top-1 accuracy, per-class recall and precision and the",
            "confusion matrix of a classification .tflite model on a labelled dataset,",
            "running every sample in tinyfit's Java runtime (what TFLite Micro computes,",
            "byte for byte for int8). The predicted class is the largest output value.",
            "",
            "DATASET is anything tinyfit's loaders read: a directory of IDX files",
            "(MNIST layout), an IDX images file, a .csv with a header (the label is the",
            "first column unless #label=NAME), a .npy of features with y.npy beside it,",
            "or a .npz; see docs/eval.md. The test part is used when there is one.",
            "",
            "Sample value v becomes the real input v * --scale + --offset, quantized by",
            "the input's scale and zero point when the model is quantized.",
            "Example (MNIST pixels 0..255 to 0..1):",
            "  tinyfit eval mnist_int8.tflite --data data/mnist --scale 0.00392157",
            ""})
final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The .tflite classifier.")
    Path model;

    @Option(names = {"-d", "--data"}, paramLabel = "DATASET", required = true, description = "The labelled dataset (a path, with optional #key=value options).")
    String data;

    @Option(names = "--split", paramLabel = "auto|test|train", defaultValue = "auto",
            description = "Which part to evaluate: test if the dataset has one (auto, the default), or the named part.")
    String split;

    @Option(names = "--scale", paramLabel = "S", defaultValue = "1", description = "Multiply each sample value by this (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--offset", paramLabel = "O", defaultValue = "0", description = "Then add this (default: ${DEFAULT-VALUE}).")
    double offset;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N samples.")
    Integer limit;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads, each with its own arena (default: the number of cores).")
    Integer threads;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override public Integer call() throws Exception {
        if (threads != null && threads < 1) throw new UserException("--threads " + threads + ": give at least 1");
        if (limit != null && limit < 1) throw new UserException("--limit " + limit + ": give at least 1");
        Units.checkScaling(scale, offset);
        Graph g = ModelReader.read(model);
        Dataset ds = dataset();
        Evaluation e;
        try {
            e = Evaluation.topOne(g, String.valueOf(model.getFileName()), ds, data, scale, offset, limit,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        } catch (DataException ex) {
            throw new UserException(ex.getMessage());
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", model.toString());
            root.put("data", data);
            root.put("samples", e.samples());
            root.put("correct", e.correct());
            root.put("accuracy", e.accuracy());
            root.put("balancedAccuracy", e.balancedAccuracy());
            List<Map<String, Object>> perClass = new ArrayList<>();
            for (int c = 0; c < e.classes(); c++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", c);
                row.put("samples", e.support(c));
                row.put("predicted", e.predicted(c));
                row.put("recall", finite(e.recall(c)));
                row.put("precision", finite(e.precision(c)));
                perClass.add(row);
            }
            root.put("classes", perClass);
            root.put("confusion", e.confusion());
            root.put("seconds", e.seconds());
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return 0;
        }
        o.printf(Locale.ROOT, "%s on %s: accuracy %.2f%% (%d of %d correct), balanced accuracy %.2f%%, %.1f samples/s on %s%n", model.getFileName(), data,
                100 * e.accuracy(), e.correct(), e.samples(), 100 * e.balancedAccuracy(), e.samples() / Math.max(e.seconds(), 1e-9), Units.count(e.threads(), "thread"));
        o.print(perClassText(e));
        o.flush();
        return 0;
    }

    /** The per-class table, then the confusion matrix when it is small enough to read. */
    static String perClassText(Evaluation e) {
        StringBuilder b = new StringBuilder("\nclass    samples  predicted   recall  precision\n");
        for (int c = 0; c < e.classes(); c++) {
            b.append(String.format(Locale.ROOT, "%-5d %10s %10s %8s %10s%n", c, Units.grouped(e.support(c)), Units.grouped(e.predicted(c)), percent(e.recall(c)), percent(e.precision(c))));
        }
        if (e.classes() > MAX_MATRIX_CLASSES) {
            return b.append("confusion matrix: ").append(e.classes()).append(" x ").append(e.classes()).append(", in --json\n").toString();
        }
        long[][] m = e.confusion();
        int w = 4;
        for (long[] row : m) for (long v : row) w = Math.max(w, Units.grouped(v).length());
        b.append("\nconfusion matrix (rows: true class, columns: predicted class)\n").append(String.format(Locale.ROOT, "%-5s", "true"));
        for (int p = 0; p < m.length; p++) b.append(String.format(Locale.ROOT, " %" + w + "d", p));
        b.append('\n');
        for (int t = 0; t < m.length; t++) {
            b.append(String.format(Locale.ROOT, "%-5d", t));
            for (long v : m[t]) b.append(String.format(Locale.ROOT, " %" + w + "s", Units.grouped(v)));
            b.append('\n');
        }
        return b.toString();
    }

    private static final int MAX_MATRIX_CLASSES = 20;

    private static String percent(double share) { return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * share); }

    private static Double finite(double share) { return Double.isNaN(share) ? null : share; }

    private Dataset dataset() {
        DataSource src;
        try {
            src = Datasets.open(data);
        } catch (DataException e) {
            throw new UserException(e.getMessage());
        }
        return switch (split) {
            case "auto" -> src.test().orElse(src.train());
            case "test" -> src.test().orElseThrow(() -> new UserException(data + " has no test part; use --split train"));
            case "train" -> src.train();
            default -> throw new UserException("--split is auto, test or train, not '" + split + "'");
        };
    }
}
