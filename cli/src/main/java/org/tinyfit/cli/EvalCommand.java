package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinyfit.data.DataException;
import org.tinyfit.data.DataSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TensorValues;
import org.tinyfit.tflite.TfliteReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Measures a classifier's accuracy on a labelled dataset, running it in tinyfit's runtime. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        header = "Top-1 accuracy of a .tflite model on a labelled dataset.",
        description = {"Measures the top-1 accuracy of a classification .tflite model on a",
            "labelled dataset, running every sample in tinyfit's Java runtime (what",
            "TFLite Micro computes, byte for byte for int8). The predicted class is the",
            "largest output value.",
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

    @Option(names = "--scale", defaultValue = "1", description = "Multiply each sample value by this (default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--offset", defaultValue = "0", description = "Then add this (default: ${DEFAULT-VALUE}).")
    double offset;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N samples.")
    Integer limit;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads, each with its own arena (default: the number of cores).")
    Integer threads;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override public Integer call() throws Exception {
        Graph g = TfliteReader.read(model);
        Dataset ds = dataset();
        if (g.inputs().length != 1 || g.outputs().length != 1) {
            throw new UserException("eval needs a model with one input and one output; " + model.getFileName() + " has " + g.inputs().length + " and " + g.outputs().length);
        }
        Tensor in = g.tensor(g.inputs()[0]), out = g.tensor(g.outputs()[0]);
        int classes = out.shape().rank() == 0 ? 1 : out.shape().dim(-1);
        if (classes < 2 || out.shape().elements() != classes) {
            throw new UserException("eval measures classification accuracy, but output " + out.name() + " " + out.describe() + " is not one vector of class scores");
        }
        if (ds.sampleLength() != in.shape().elements()) {
            throw new UserException(data + ": samples of shape " + Arrays.toString(ds.sampleShape()) + " (" + ds.sampleLength() + " values), but input "
                    + in.name() + " " + in.describe() + " needs " + in.shape().elements() + " values");
        }
        if (ds.numClasses() > classes) {
            throw new UserException(data + ": labels go up to " + (ds.numClasses() - 1) + ", but the model scores only " + classes + " classes");
        }
        int n = limit == null ? ds.size() : Math.max(0, Math.min(limit, ds.size()));
        if (n == 0) throw new UserException(data + ": no samples to evaluate");
        Schedule schedule = Schedule.stored(g);
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, schedule);
        int workers = Math.max(1, Math.min(threads == null ? Runtime.getRuntime().availableProcessors() : threads, n));
        AtomicInteger next = new AtomicInteger(), correct = new AtomicInteger();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            Future<?>[] fs = new Future<?>[workers];
            for (int w = 0; w < workers; w++) {
                fs[w] = pool.submit(() -> {
                    Interpreter it = new Interpreter(g, schedule, plan);
                    float[] sample = new float[ds.sampleLength()];
                    double[] real = new double[sample.length];
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        ds.copySample(i, sample, 0);
                        for (int j = 0; j < sample.length; j++) real[j] = sample[j] * scale + offset;
                        byte[] input = TensorValues.fromReal(in, real, data + " sample " + i);
                        double[] scores = TensorValues.real(out, it.run(new byte[][] {input})[0]);
                        int best = 0;
                        for (int c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
                        if (best == ds.label(i)) correct.incrementAndGet();
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof GraphException ge) throw new UserException(ge.getMessage());
                    if (e.getCause() instanceof DataException de) throw new UserException(de.getMessage());
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double accuracy = (double) correct.get() / n;
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", model.toString());
            root.put("data", data);
            root.put("samples", n);
            root.put("correct", correct.get());
            root.put("accuracy", accuracy);
            root.put("seconds", seconds);
            o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return 0;
        }
        o.printf(Locale.ROOT, "%s on %s: accuracy %.2f%% (%d of %d correct), %.1f samples/s on %d thread%s%n",
                model.getFileName(), data, 100 * accuracy, correct.get(), n, n / Math.max(seconds, 1e-9), workers, workers == 1 ? "" : "s");
        return 0;
    }

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
