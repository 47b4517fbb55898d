package org.tinyfit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.DataException;
import org.tinyfit.graph.Provenance;
import org.tinyfit.train.BuiltinSpecs;
import org.tinyfit.train.Holdout;
import org.tinyfit.train.TrainConfig;
import org.tinyfit.train.TrainingException;
import org.tinyfit.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tinyfit train}: trains a model described by a spec on a dataset the data package reads, with checkpoints and resume. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Trains a small network in pure Java and writes it as a .tflite.",
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
            "uninterrupted run would.",
            "",
            "With --qat the last --qat-epochs epochs train through the int8 model",
            "(forward: tinyfit's int8 runtime; backward: straight-through), and",
            "model_int8.tflite is written with the int8 test accuracy that eval",
            "gives it. On a finished run's --out, --qat fine-tunes its weights."},
        footer = {"", "Example:", "  tinyfit train --data /usr/share/datasets/fashion-mnist --model fmnist \\", "      --epochs 10 --out runs/fmnist"})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "Dataset: an MNIST-style directory (train-/t10k- IDX files), a .csv (label in the first column), "
                + "a .npy/.npz or a directory of them, optionally with options after '#', e.g. "
                + "ecg.csv#shape=140x1 (rows as sequences) or data.csv#label=target,test=5:4 (see docs/datasets.md).")
    String data;

    @Option(names = "--normalize", defaultValue = "auto", paramLabel = "HOW",
            description = "auto, unit, standardize or none: unit maps each channel's range on the training part to [0,1], "
                + "standardize gives each channel mean 0 and deviation 1; auto is unit for images [h,w,c] and "
                + "standardize for anything else (default: ${DEFAULT-VALUE}). Applied after augmentation.")
    String normalize;

    @Option(names = "--model", defaultValue = "fmnist", paramLabel = "SPEC",
            description = "Model: a built-in name (fmnist, tiny), a .json spec file, or inline JSON (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "15", description = "Epochs (default: ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.003", description = "Peak learning rate (default: ${DEFAULT-VALUE}).") float lr;
    @Option(names = "--optimizer", paramLabel = "adamw|adam|sgd", defaultValue = "adamw", description = "adamw, adam or sgd (momentum 0.9) (default: ${DEFAULT-VALUE}).") String optimizer;
    @Option(names = "--schedule", paramLabel = "cosine|step|constant", defaultValue = "cosine", description = "cosine, step (×0.3 every 5 epochs) or constant, after linear warm-up (default: ${DEFAULT-VALUE}).") String schedule;
    @Option(names = "--warmup-epochs", paramLabel = "EPOCHS", defaultValue = "1", description = "Linear warm-up length in epochs (default: ${DEFAULT-VALUE}).") float warmup;
    @Option(names = "--weight-decay", paramLabel = "DECAY", defaultValue = "0.0005", description = "Weight decay on weights (not biases/BN) (default: ${DEFAULT-VALUE}).") float weightDecay;
    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "0.05", description = "Label smoothing of the cross-entropy (default: ${DEFAULT-VALUE}).") float labelSmoothing;
    @Option(names = "--shift", paramLabel = "PIXELS", defaultValue = "1", description = "Image augmentation: random shift of up to this many pixels, zero-filled (0: none) (default: ${DEFAULT-VALUE}).") int shift;
    @Option(names = "--flip", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Image augmentation: mirror half the images left-right (default: on; --no-flip turns off).") boolean flip;
    @Option(names = "--time-shift", defaultValue = "0", paramLabel = "N", description = "Sequence augmentation: random shift along time of up to N steps each way, zero-filled (default: ${DEFAULT-VALUE}).") int timeShift;
    @Option(names = "--noise", defaultValue = "0", paramLabel = "SIGMA", description = "Augmentation: Gaussian noise of this deviation on every raw value, any data (default: ${DEFAULT-VALUE}).") double noise;
    @Option(names = "--class-weights", defaultValue = "none", paramLabel = "none|balanced", description = "balanced: weight each class's loss by count / (classes x its count), for imbalanced data (default: ${DEFAULT-VALUE}).") String classWeights;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed for weights, data order, augmentation and dropout (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores). Does not change results.") Integer threads;
    @Option(names = "--val", defaultValue = "stratified:0.1", paramLabel = "N|stratified:F", description = "Validation part: stratified:F holds out a seeded fraction F of each class, N the last N training samples (default: ${DEFAULT-VALUE}).") String val;
    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training samples only (quick runs).") Integer limit;
    @Option(names = "--checkpoint-steps", paramLabel = "STEPS", defaultValue = "100", description = "Also checkpoint every this many steps within an epoch (0: only at epoch ends) (default: ${DEFAULT-VALUE}).") int checkpointSteps;
    @Option(names = "--out", defaultValue = "train-out", paramLabel = "DIR", description = "Output directory: checkpoint, summary.json, the trained model (default: ${DEFAULT-VALUE}).") Path out;
    @Option(names = "--qat", description = "Quantization-aware training: the last --qat-epochs epochs run the int8 model forward (the runtime's int8 "
                + "arithmetic) with straight-through gradients; also writes model_int8.tflite and prints its test accuracy.") boolean qat;
    @Option(names = "--qat-epochs", defaultValue = "2", paramLabel = "N", description = "With --qat: how many of the last epochs are quantization-aware (default: ${DEFAULT-VALUE}).") int qatEpochs;
    @Option(names = "--no-progress", description = "Print a line per epoch instead of a progress bar (for logs).") boolean noProgress;
    @Option(names = "--json", description = "Print the summary as JSON: stdout holds one JSON document, progress goes to stderr.") boolean json;

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
        PrintWriter stdout = spec.commandLine().getOut();
        String dataPath = org.tinyfit.data.Datasets.pathOf(data);
        if (!Files.exists(Path.of(dataPath))) {
            throw new UserException("--data " + dataPath + " does not exist; for Fashion-MNIST use /usr/share/datasets/fashion-mnist (apt-get install -y dataset-fashion-mnist)");
        }
        if (!List.of("auto", "unit", "standardize", "none").contains(normalize)) {
            throw new UserException("--normalize " + normalize + ": use auto, unit, standardize or none");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new UserException("--out " + out + " is a file; give a directory (new or one to resume in)");
        Outputs.checkDirectory(out, "--out");
        if (Files.isDirectory(Path.of(dataPath)) && dataPath.endsWith(".csv")) throw new UserException("--data " + dataPath + " is a directory, not a .csv file");
        if (shift < 0) throw new UserException("--shift " + shift + ": give 0 (no shift) or more pixels");
        if (timeShift < 0) throw new UserException("--time-shift " + timeShift + ": give 0 (no shift) or more steps");
        if (!(noise >= 0) || Double.isInfinite(noise)) throw new UserException("--noise " + noise + ": give 0 (no noise) or a positive deviation");
        if (qat && (qatEpochs < 1 || qatEpochs > epochs)) throw new UserException("--qat-epochs " + qatEpochs + ": give 1 to --epochs (" + epochs + ")");
        String specJson = loadSpec(model);
        TrainConfig cfg;
        try {
            cfg = TrainConfig.builder().epochs(epochs).batch(batch).optimizer(optimizer).lr(lr).schedule(schedule).warmupEpochs(warmup)
                    .weightDecay(weightDecay).labelSmoothing(labelSmoothing).seed(seed)
                    .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                    .augmentations(augmentations()).checkpointSteps(checkpointSteps)
                    .balancedClassWeights(switch (classWeights) {
                        case "balanced" -> true;
                        case "none" -> false;
                        default -> throw new UserException("--class-weights must be none or balanced, got '" + classWeights + "'");
                    }).build();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        TrainingRun.Request request = new TrainingRun.Request(data, TrainingRun.Normalize.valueOf(normalize.toUpperCase(Locale.ROOT)), specJson, cfg,
                holdout(), limit, out, Provenance.of(Main.commandLine(spec)), qat ? qatEpochs : 0);
        TrainingRun.Result r;
        try (TrainProgress progress = new TrainProgress(json ? spec.commandLine().getErr() : stdout, noProgress)) {
            r = TrainingRun.run(request, progress);
        } catch (DataException | TrainingException e) {
            throw new UserException(e.getMessage());
        }
        if (json) {
            stdout.println(r.summary().toPrettyString());
        } else if (r.int8() != null) {
            if (r.testScore() != null) {
                stdout.printf(Locale.ROOT, "float test accuracy %.2f%% (%d of %d correct, loss %.4f)%n", 100 * r.testScore()[1], r.summary().get("testCorrect").asInt(),
                        r.testSamples(), r.testScore()[0]);
                stdout.printf(Locale.ROOT, "int8 test accuracy %.2f%% (%d of %d correct), %s run in tinyfit's runtime%n", 100 * r.int8().test().accuracy(),
                        r.int8().test().correct(), r.int8().test().samples(), TrainingRun.INT8_FILE);
            }
            stdout.printf(Locale.ROOT, "model.tflite, %s, summary.json and the checkpoint are in %s%n", TrainingRun.INT8_FILE, out);
        } else if (r.testScore() != null) {
            stdout.printf(Locale.ROOT, "test accuracy %.2f%% (%d of %d correct, loss %.4f); model.tflite, summary.json and the checkpoint are in %s%n",
                    100 * r.testScore()[1], r.summary().get("testCorrect").asInt(), r.testSamples(), r.testScore()[0], out);
        } else {
            stdout.printf(Locale.ROOT, "done; model.tflite, summary.json and the checkpoint are in %s%n", out);
        }
        return 0;
    }

    /** A random shift (--shift) and a horizontal flip (--flip); the run applies them to images only. */
    private Holdout holdout() {
        try {
            return Holdout.parse(val);
        } catch (DataException e) {
            throw new UserException(e.getMessage());
        }
    }

    private List<Augmentation> augmentations() {
        List<Augmentation> aug = new ArrayList<>();
        if (shift > 0) aug.add(new Augmentation.RandomCrop(shift));
        if (flip) aug.add(new Augmentation.HorizontalFlip(0.5));
        if (timeShift > 0) aug.add(new Augmentation.RandomShift(timeShift));
        if (noise > 0) aug.add(new Augmentation.GaussianNoise(noise));
        return aug;
    }
}
