package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinyfit.compress.ChannelGroups;
import org.tinyfit.compress.Compression;
import org.tinyfit.compress.Resources;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.DataException;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Provenance;
import org.tinyfit.train.EpochResult;
import org.tinyfit.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tinyfit compress}: prunes a trained model's channels while fine-tuning until it fits the device limits, then quantizes and exports it. */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Prunes a trained model to fit the device, writes it int8.",
        description = {
            "Fine-tunes a trained float model (a .tflite, or a train output directory)",
            "while removing whole channels until its int8 form meets the limits on the",
            "device: peak SRAM (TFLite Micro's arena in the best order and plan, with",
            "its persistent part), flash (the model's bytes) and latency. Then it",
            "quantizes (quantization-aware epochs, or post-training with",
            "--qat-epochs 0) and writes the int8 model, with an offline plan when",
            "that makes the arena smaller.",
            "",
            "--method aware (default) removes channels where they buy most of the",
            "figure that binds (e.g. the layers at the memory peak); --method uniform",
            "removes the same share of every layer, as a baseline.",
            "",
            "Pruning is gradual: during the first half of --epochs the limits tighten",
            "step by step, the rest recovers accuracy. Limits that cannot be met",
            "without removing a whole layer are refused before any training.",
            "Accuracy and every figure are reported before and after (see docs/compress.md)."},
        footer = {"", "Example:", "  tinyfit compress fmnist/model.tflite \\", "      --data /usr/share/datasets/fashion-mnist \\",
            "      --device arduino-nano-33-ble-sense --max-ram 8KB -o fmnist_8k.tflite"})
final class CompressCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A trained float .tflite, or the --out directory of 'tinyfit train'.") Path model;
    @Option(names = "--data", required = true, paramLabel = "DATA", description = "The training data, as 'tinyfit train --data' takes it; its test part scores the result.") String data;
    @Option(names = {"-d", "--device"}, required = true, paramLabel = "NAME", description = "The board (see 'tinyfit devices').") String device;
    @Option(names = "--max-ram", paramLabel = "SIZE", description = "SRAM limit, e.g. 8KB.") String maxRam;
    @Option(names = "--max-flash", paramLabel = "SIZE", description = "Flash limit for the model's bytes, e.g. 16KB.") String maxFlash;
    @Option(names = "--max-latency", paramLabel = "TIME", description = "Latency limit on the device, e.g. 20ms.") String maxLatency;
    @Option(names = "--method", defaultValue = "aware", paramLabel = "aware|uniform", description = "Where channels go: aware or uniform (default: ${DEFAULT-VALUE}).") String method;
    @Option(names = "--epochs", defaultValue = "8", paramLabel = "N", description = "Fine-tuning epochs, half pruning, half recovering (default: ${DEFAULT-VALUE}).") int epochs;
    @Option(names = "--qat-epochs", defaultValue = "1", paramLabel = "N", description = "Quantization-aware epochs after it; 0: post-training quantization (default: ${DEFAULT-VALUE}).") int qatEpochs;
    @Option(names = "--lr", defaultValue = "0.001", paramLabel = "RATE", description = "Learning rate while pruning (default: ${DEFAULT-VALUE}).") float lr;
    @Option(names = "--no-distill", description = "Do not learn from the unpruned model's outputs.") boolean noDistill;
    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).") Integer threads;
    @Option(names = "--devices-file", paramLabel = "FILE", description = "Extra boards from a JSON file.") Path devicesFile;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.tflite", description = "Where to write the int8 model.") Path out;
    @Option(names = "--json", description = "Print the report as JSON; progress goes to stderr.") boolean json;

    @Override public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (!Files.exists(model)) throw new UserException("no such model: " + model);
        Path modelFile = Files.isDirectory(model) ? model.resolve("model.tflite") : model;
        Outputs.notSame(out, "-o", modelFile, "the input model", "the compressed model");
        Outputs.checkModelFile(out, "-o");
        if (maxRam == null && maxFlash == null && maxLatency == null) throw new UserException("give at least one limit: --max-ram, --max-flash or --max-latency");
        if (epochs < 1) throw new UserException("--epochs " + epochs + ": give at least 1");
        if (qatEpochs < 0) throw new UserException("--qat-epochs " + qatEpochs + ": give 0 or more");
        Compression.Method m = switch (method) {
            case "aware" -> Compression.Method.AWARE;
            case "uniform" -> Compression.Method.UNIFORM;
            default -> throw new UserException("--method " + method + ": use aware or uniform");
        };
        String dataPath = org.tinyfit.data.Datasets.pathOf(data);
        if (!Files.exists(Path.of(dataPath))) throw new UserException("--data " + dataPath + " does not exist");
        Outputs.notSame(out, "-o", Path.of(dataPath), "the --data file", "the compressed model");
        Device d = DevicesCommand.find(DevicesCommand.catalog(devicesFile), device);
        TrainConfig cfg;
        try {
            cfg = TrainConfig.builder().epochs(epochs).lr(lr).seed(seed).warmupEpochs(0).labelSmoothing(0)
                    .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads)
                    .augmentations(List.of(new Augmentation.RandomCrop(1), new Augmentation.HorizontalFlip(0.5))).build();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Compression.Request req = new Compression.Request(model, data, d, maxRam == null ? null : Units.bytes(maxRam, "--max-ram"),
                maxFlash == null ? null : Units.bytes(maxFlash, "--max-flash"), maxLatency == null ? null : Units.limitMillis(maxLatency, "--max-latency"),
                m, cfg, qatEpochs, !noDistill, out, Provenance.of(Main.commandLine(spec)));
        Compression.Result r;
        try {
            r = Compression.run(req, new Progress(err));
        } catch (DataException e) {
            throw new UserException(e.getMessage());
        }
        if (json) {
            stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report(r)));
        } else {
            stdout.printf(Locale.ROOT, "%-22s %12s %12s %12s%n", "", "before", "predicted", "measured");
            row(stdout, "SRAM (B)", r.before().sramBytes(), r.predicted().sramBytes(), r.measured().sramBytes());
            row(stdout, "  arena (B)", r.before().arenaBytes(), r.predicted().arenaBytes(), r.measured().arenaBytes());
            row(stdout, "  TFLM tail (B)", r.before().tailBytes(), r.predicted().tailBytes(), r.measured().tailBytes());
            row(stdout, "flash, model (B)", r.before().flashBytes(), r.predicted().flashBytes(), r.measured().flashBytes());
            row(stdout, "MACs", r.before().macs(), r.predicted().macs(), r.measured().macs());
            stdout.printf(Locale.ROOT, "%-22s %12.3f %12.3f %12.3f%n", "latency (ms)", r.before().latencyMillis(), r.predicted().latencyMillis(), r.measured().latencyMillis());
            for (Compression.Layer l : r.layers()) stdout.printf(Locale.ROOT, "channels %-13s %12d %12d%n", l.name(), l.before(), l.after());
            stdout.printf(Locale.ROOT, "test accuracy: float %.2f%% before, float %.2f%% pruned, int8 %.2f%% (%s)%n", 100 * r.accuracyBefore(), 100 * r.floatAfter(),
                    100 * r.int8After(), out);
            stdout.println(r.met() ? "the written model meets every limit" : "the written model misses a limit (see above)");
        }
        return r.met() ? 0 : 1;
    }

    private static void row(PrintWriter o, String what, long a, long b, long c) {
        o.printf(Locale.ROOT, "%-22s %,12d %,12d %,12d%n", what, a, b, c);
    }

    static ObjectNode report(Compression.Result r) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.set("before", om.valueToTree(r.before()));
        root.set("predicted", om.valueToTree(r.predicted()));
        root.set("measured", om.valueToTree(r.measured()));
        root.put("accuracyBefore", r.accuracyBefore());
        root.put("floatAccuracyAfter", r.floatAfter());
        root.put("int8AccuracyAfter", r.int8After());
        root.set("layers", om.valueToTree(r.layers()));
        root.put("met", r.met());
        return root;
    }

    /** Progress on stderr: the plan, each pruning event, each epoch. */
    private record Progress(PrintWriter err) implements Compression.Listener {
        @Override public void planned(Resources before, Map<Resources.Resource, Double> limits, List<ChannelGroups.Group> prunable) {
            StringBuilder b = new StringBuilder("before: SRAM " + Units.grouped(before.sramBytes()) + " B, flash " + Units.grouped(before.flashBytes()) + " B, "
                    + String.format(Locale.ROOT, "%.3f ms", before.latencyMillis()) + "; prunable layers:");
            for (ChannelGroups.Group g : prunable) b.append(' ').append(g.name()).append('(').append(g.size()).append(')');
            err.println(b);
            err.flush();
        }

        @Override public void pruned(int epoch, int step, int[] channels, Resources now) {
            err.printf(Locale.ROOT, "epoch %d step %d: channels %s, SRAM %,d B, flash %,d B%n", epoch + 1, step, java.util.Arrays.toString(channels), now.sramBytes(), now.flashBytes());
            err.flush();
        }

        @Override public void epoch(EpochResult r) {
            err.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%, val acc %.2f%%, %.0f s%n", r.epoch() + 1, r.trainLoss(), 100 * r.trainAccuracy(), 100 * r.valAccuracy(), r.seconds());
            err.flush();
        }

        @Override public void phase(String what) {
            err.println(what);
            err.flush();
        }
    }
}
