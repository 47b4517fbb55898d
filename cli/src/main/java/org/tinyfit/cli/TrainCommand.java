package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.DataException;
import org.tinyfit.data.DataSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.Normalization;
import org.tinyfit.graph.Graph;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.tflite.TfliteWriter;
import org.tinyfit.train.BuiltinSpecs;
import org.tinyfit.train.EpochResult;
import org.tinyfit.train.Net;
import org.tinyfit.train.Loss;
import org.tinyfit.train.ModelSpec;
import org.tinyfit.train.SpecCompiler;
import org.tinyfit.train.TrainConfig;
import org.tinyfit.train.TrainState;
import org.tinyfit.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tinyfit train}: trains a model described by a spec on a dataset the data package reads, with checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Trains a small network in pure Java and writes it as a float .tflite",
            "(batch norm folded, dropout removed) with a summary and a checkpoint.",
            "",
            "The model is a SPEC: a built-in name (fmnist, tiny), a JSON file, or",
            "inline JSON (see docs/train.md), e.g.",
            "  {\"input\":[28,28,1],\"layers\":[{\"conv\":16,\"act\":\"relu\",\"bn\":true},",
            "   {\"maxpool\":2},{\"gap\":true},{\"dense\":10}]}",
            "The same seed gives the same result bit for bit, whatever --threads.",
            "",
            "Checkpoints go to --out after every epoch and every --checkpoint-steps",
            "steps. After an interruption, run the same command again with the same",
            "--out: it resumes from the last checkpoint and ends exactly where an",
            "uninterrupted run would."},
        footer = {"", "Example:", "  tinyfit train --data /usr/share/datasets/fashion-mnist --model fmnist \\", "      --epochs 10 --out runs/fmnist"})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = {"Dataset: an MNIST-style directory (train-/t10k- IDX files), a .csv (label in the first column),",
                "a .npy/.npz or a directory of them, optionally with options after '#', e.g.",
                "ecg.csv#shape=140x1 (rows as sequences) or data.csv#label=target,test=5:4 (see docs/datasets.md)."})
    String data;

    @Option(names = "--normalize", defaultValue = "auto", paramLabel = "HOW",
            description = {"auto, unit, standardize or none: unit maps each channel's range on the training part to [0,1],",
                "standardize gives each channel mean 0 and deviation 1; auto is unit for images [h,w,c] and",
                "standardize for anything else (default: ${DEFAULT-VALUE}). Applied after augmentation."})
    String normalize;

    @Option(names = "--model", defaultValue = "fmnist", paramLabel = "SPEC",
            description = "Model: a built-in name (fmnist, tiny), a .json spec file, or inline JSON (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "15", description = "Epochs (default: ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--lr", defaultValue = "0.003", description = "Peak learning rate (default: ${DEFAULT-VALUE}).") float lr;
    @Option(names = "--optimizer", defaultValue = "adamw", description = "adamw, adam or sgd (momentum 0.9) (default: ${DEFAULT-VALUE}).") String optimizer;
    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine, step (×0.3 every 5 epochs) or constant, after linear warm-up (default: ${DEFAULT-VALUE}).") String schedule;
    @Option(names = "--warmup-epochs", defaultValue = "1", description = "Linear warm-up length in epochs (default: ${DEFAULT-VALUE}).") float warmup;
    @Option(names = "--weight-decay", defaultValue = "0.0005", description = "Weight decay on weights (not biases/BN) (default: ${DEFAULT-VALUE}).") float weightDecay;
    @Option(names = "--label-smoothing", defaultValue = "0.05", description = "Label smoothing of the cross-entropy (default: ${DEFAULT-VALUE}).") float labelSmoothing;
    @Option(names = "--shift", defaultValue = "1", description = "Image augmentation: random shift of up to this many pixels, zero-filled (0: none) (default: ${DEFAULT-VALUE}).") int shift;
    @Option(names = "--flip", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Image augmentation: mirror half the images left-right (default: on; --no-flip turns off).") boolean flip;
    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights, data order, augmentation and dropout (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--threads", description = "Worker threads (default: the number of cores). Does not change results.") Integer threads;
    @Option(names = "--val", defaultValue = "5000", paramLabel = "N", description = "Hold out the last N training samples for validation each epoch (default: ${DEFAULT-VALUE}).") int val;
    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training samples only (quick runs).") Integer limit;
    @Option(names = "--checkpoint-steps", defaultValue = "100", description = "Also checkpoint every this many steps within an epoch (0: only at epoch ends) (default: ${DEFAULT-VALUE}).") int checkpointSteps;
    @Option(names = "--out", defaultValue = "train-out", paramLabel = "DIR", description = "Output directory: checkpoint, summary.json, the trained model (default: ${DEFAULT-VALUE}).") Path out;
    @Option(names = "--no-progress", description = "Print a line per epoch instead of a progress bar (for logs).") boolean noProgress;
    @Option(names = "--json", description = "Print the summary as JSON.") boolean json;

    static String loadSpec(String model) {
        String builtin = BuiltinSpecs.all().get(model);
        if (builtin != null) return builtin;
        if (model.trim().startsWith("{")) return model;
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) throw new UserException("--model " + model + ": not a built-in spec (" + String.join(", ", BuiltinSpecs.all().keySet()) + "), not inline JSON and not a file");
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UserException("--model " + model + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    @Override public Integer call() throws IOException {
        try {
            return train();
        } catch (DataException e) {
            throw new UserException(e.getMessage());
        }
    }

    private int train() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        String dataPath = data.contains("#") ? data.substring(0, data.lastIndexOf('#')) : data;
        if (!Files.exists(Path.of(dataPath))) {
            throw new UserException("--data " + dataPath + " does not exist; for Fashion-MNIST use /usr/share/datasets/fashion-mnist (apt-get install -y dataset-fashion-mnist)");
        }
        if (!List.of("auto", "unit", "standardize", "none").contains(normalize)) {
            throw new UserException("--normalize " + normalize + ": use auto, unit, standardize or none");
        }
        ModelSpec modelSpec = ModelSpec.parse(loadSpec(model));
        DataSource source = Datasets.open(data);
        Dataset all = source.train();
        boolean images = all.sampleShape().length == 3;
        int n = limit == null ? all.size() : Math.min(all.size(), limit);
        if (val < 0 || val >= n) throw new UserException("--val " + val + " must be between 0 and " + (n - 1) + " (the training samples used)");
        Dataset trainSet = all.subset(range(0, n - val)), valSet = val == 0 ? null : all.subset(range(n - val, n));
        Dataset test = source.test().orElse(null);
        Normalization norm = switch (normalize) {
            case "unit" -> Normalization.minMax(trainSet);
            case "standardize" -> Normalization.standardize(trainSet);
            case "none" -> null;
            default -> images ? Normalization.minMax(trainSet) : Normalization.standardize(trainSet);
        };
        TrainConfig cfg;
        try {
            cfg = new TrainConfig(epochs, batch, optimizer, lr, schedule, warmup, 0f, 5, 0.3f, 0.9f, weightDecay, labelSmoothing, seed,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads, augmentations(images), Math.max(0, checkpointSteps));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Graph graph = SpecCompiler.compile(modelSpec, seed);
        Loss loss = new Loss.SoftmaxCrossEntropy(labelSmoothing);
        try (Trainer trainer = new Trainer(graph, cfg, trainSet, valSet, norm, loss)) {
            stdout.printf(Locale.ROOT, "model %s: %d trainable parameters; %d training samples, %d validation; %d steps of %d per epoch; %d threads%n",
                    modelSpec.name(), trainer.net().trainableCount(), trainSet.size(), val, trainer.stepsPerEpoch(), batch, cfg.threads());
            stdout.flush();
            Progress progress = new Progress(stdout, noProgress);
            TrainState st = trainer.run(out, progress, null);
            progress.close();
            Graph trained = trainer.net().toGraph();
            Graph exported = InferenceForm.of(trained).withMetadata(provenance(modelSpec, cfg, source.description()));
            double[] testScore = null;
            if (test != null) {
                try (Net inference = Net.compile(exported, cfg.threads())) {
                    testScore = Trainer.evaluate(inference, BatchLoader.builder(test).batchSize(256).normalize(norm).build(), loss);
                }
            }
            writeSummary(modelSpec, cfg, st, testScore, trainer.net().trainableCount());
            writeAtomically(out.resolve("model.tflite"), TfliteWriter.write(exported));
            if (json) {
                stdout.println(summaryJson(modelSpec, cfg, st, testScore, trainer.net().trainableCount()).toPrettyString());
            } else if (testScore != null) {
                stdout.printf(Locale.ROOT, "test accuracy %.2f%% (loss %.4f) on %d samples; model.tflite, summary.json and the checkpoint are in %s%n", 100 * testScore[1], testScore[0], test.size(), out);
            } else {
                stdout.printf(Locale.ROOT, "done; model.tflite, summary.json and the checkpoint are in %s%n", out);
            }
        }
        return 0;
    }

    private ObjectNode summaryJson(ModelSpec modelSpec, TrainConfig cfg, TrainState st, double[] test, long params) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("model", modelSpec.name());
        root.put("parameters", params);
        root.put("config", cfg.fingerprint());
        root.put("threads", cfg.threads());
        ArrayNode eps = root.putArray("epochs");
        for (EpochResult r : st.history()) {
            ObjectNode e = eps.addObject();
            e.put("epoch", r.epoch() + 1);
            e.put("trainLoss", r.trainLoss());
            e.put("trainAccuracy", r.trainAccuracy());
            if (!Double.isNaN(r.valAccuracy())) {
                e.put("valLoss", r.valLoss());
                e.put("valAccuracy", r.valAccuracy());
            }
            e.put("seconds", r.seconds());
            e.put("samplesPerSecond", r.samplesPerSecond());
        }
        if (test != null) {
            root.put("testLoss", test[0]);
            root.put("testAccuracy", test[1]);
        }
        root.put("spec", modelSpec.toJson());
        return root;
    }

    private void writeSummary(ModelSpec modelSpec, TrainConfig cfg, TrainState st, double[] test, long params) throws IOException {
        writeAtomically(out.resolve("summary.json"), summaryJson(modelSpec, cfg, st, test, params).toPrettyString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Map<String, String> provenance(ModelSpec modelSpec, TrainConfig cfg, String dataDescription) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tinyfit.version", Main.VERSION);
        m.put("tinyfit.command", "tinyfit " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        m.put("tinyfit.data", dataDescription);
        m.put("tinyfit.spec", modelSpec.toJson());
        m.put("tinyfit.train", cfg.fingerprint());
        return m;
    }

    /** Images get a random shift (--shift) and a horizontal flip (--flip); other data is not augmented. */
    private List<Augmentation> augmentations(boolean images) {
        List<Augmentation> out = new ArrayList<>();
        if (images && shift > 0) out.add(new Augmentation.RandomCrop(shift));
        if (images && flip) out.add(new Augmentation.HorizontalFlip(0.5));
        return out;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    /** Progress bar per epoch (stderr), a line per finished epoch (stdout). */
    private static final class Progress implements Trainer.Listener {
        private final PrintWriter out;
        private final boolean plain;
        private ProgressBar bar;
        private int barEpoch = -1;

        Progress(PrintWriter out, boolean plain) { this.out = out; this.plain = plain; }

        @Override public void resumed(TrainState st) {
            out.printf(Locale.ROOT, "resuming from the checkpoint: epoch %d, step %d%n", st.epoch() + 1, st.stepInEpoch());
            out.flush();
        }

        @Override public void step(Trainer.Progress p) {
            if (plain) return;
            if (bar == null || barEpoch != p.epoch()) {
                close();
                bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", p.epoch() + 1, p.epochs()))
                        .setInitialMax(p.stepsPerEpoch()).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                        .startsFrom(p.step() - 1, java.time.Duration.ZERO)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
                barEpoch = p.epoch();
            }
            bar.stepTo(p.step());
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %.0f samples/s", p.loss(), 100 * p.accuracy(), p.samplesPerSecond()));
        }

        @Override public void epoch(EpochResult r) {
            close();
            out.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%%s, %.1f s, %.0f samples/s%n", r.epoch() + 1, r.trainLoss(), 100 * r.trainAccuracy(),
                    Double.isNaN(r.valAccuracy()) ? "" : String.format(Locale.ROOT, ", val loss %.4f acc %.2f%%", r.valLoss(), 100 * r.valAccuracy()),
                    r.seconds(), r.samplesPerSecond());
            out.flush();
        }

        void close() {
            if (bar != null) { bar.close(); bar = null; }
        }
    }
}
