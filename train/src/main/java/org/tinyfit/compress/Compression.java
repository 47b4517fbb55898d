package org.tinyfit.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinyfit.compress.Resources.Resource;
import org.tinyfit.data.Batch;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.DataSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.data.Split;
import org.tinyfit.device.Device;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Provenance;
import org.tinyfit.graph.Tensor;
import org.tinyfit.io.ModelReader;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.cost.Cost;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.memory.TflmTail;
import org.tinyfit.quant.PostTrainingQuantization;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.train.Checkpoint;
import org.tinyfit.train.EpochResult;
import org.tinyfit.train.Evaluation;
import org.tinyfit.train.Holdout;
import org.tinyfit.train.Loss;
import org.tinyfit.train.Net;
import org.tinyfit.train.QuantizationAwareTraining;
import org.tinyfit.train.TrainConfig;
import org.tinyfit.train.Trainer;

/**
 * What {@code compress} does: fine-tunes a trained float model while pruning channels until its
 * int8 form meets the device limits, then quantizes it (quantization-aware epochs, or post-training)
 * and writes the int8 model; reports every figure before and after, predicted and measured on the
 * written file, and the accuracies. Refuses, before any training, limits that every prunable layer at
 * one channel still misses.
 */
public final class Compression {
    private Compression() {}

    /** How channels are chosen: aimed at the binding resource, or the same ratio everywhere. */
    public enum Method { AWARE, UNIFORM }

    /**
     * What to compress.
     *
     * @param model       a float .tflite, or a {@code train} output directory (its model.tflite)
     * @param data        the training data spec ({@link Datasets#open}); its test part scores the result
     * @param maxRamBytes SRAM limit, or null
     * @param maxFlashBytes flash limit (the model's bytes), or null
     * @param maxLatencyMillis latency limit, or null
     * @param config      epochs (pruning in the first half, recovery in the rest), batch, learning rate, threads, seed
     * @param qatEpochs   quantization-aware epochs after the fine-tune (0: post-training quantization)
     * @param distill     learn from the unpruned model's outputs too (knowledge distillation)
     */
    public record Request(Path model, String data, Device device, Long maxRamBytes, Long maxFlashBytes, Double maxLatencyMillis, Method method,
            TrainConfig config, int qatEpochs, boolean distill, Path out, Provenance provenance) {
        public Request {
            if (maxRamBytes == null && maxFlashBytes == null && maxLatencyMillis == null) throw new GraphException("give at least one limit: --max-ram, --max-flash or --max-latency");
            if (qatEpochs < 0) throw new GraphException("--qat-epochs must be 0 or more, got " + qatEpochs);
        }

        Map<Resource, Double> targets() {
            return Selection.targets(maxRamBytes == null ? null : maxRamBytes.doubleValue(), maxFlashBytes == null ? null : maxFlashBytes.doubleValue(), maxLatencyMillis);
        }
    }

    /** A layer's channels before and after. */
    public record Layer(String name, int before, int after) {}

    /**
     * @param before      the float model's figures (int8 layout)
     * @param predicted   the pruned model's figures as the cost model predicted them before quantization
     * @param measured    the written int8 file's figures
     * @param accuracyBefore the float model's test accuracy (validation if the data has no test part)
     * @param floatAfter  the pruned float model's
     * @param int8After   the written int8 model's, run in tinyfit's runtime
     */
    public record Result(Resources before, Resources predicted, Resources measured, double accuracyBefore, double floatAfter, double int8After,
            List<Layer> layers, boolean met, Graph int8, long fileBytes, List<EpochResult> epochs) {}

    /** Hears about progress. */
    public interface Listener extends Trainer.Listener {
        default void planned(Resources before, Map<Resource, Double> limits, List<ChannelGroups.Group> prunable) {}

        default void pruned(int epoch, int step, int[] channels, Resources now) {}

        default void phase(String what) {}
    }

    /** Reads the model a request names: a float .tflite or a train output directory. */
    public static Graph readModel(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve("model.tflite") : model;
        if (Files.isDirectory(model) && !Files.exists(file) && Files.isRegularFile(model.resolve(Checkpoint.FILE))) {
            throw new GraphException(model + " holds a training checkpoint but no model.tflite yet: let 'tinyfit train' finish (the same command resumes it), then compress the directory");
        }
        if (!Files.exists(file)) throw new GraphException("no such model: " + file + (Files.isDirectory(model) ? " (a train output directory holds model.tflite)" : ""));
        Graph g = ModelReader.read(file);
        for (Tensor t : g.tensors()) {
            if (!t.isConstant() && t.dtype() != DType.F32) throw new GraphException(file + " is not a float model (tensor " + t.name() + " is " + t.dtype().lower() + "); compress the float model, it quantizes at the end");
        }
        return g;
    }

    /**
     * Checks that the limits can be met by pruning channels alone: one line naming the figure that even
     * one channel per prunable layer misses, or null.
     */
    public static String unreachable(ChannelGroups cg, Device device, Provenance provenance, Map<Resource, Double> targets) {
        double[][] sal = new double[cg.groups().size()][];
        for (ChannelGroups.Group g : cg.groups()) sal[g.id()] = new double[g.size()];
        Resources smallest = Resources.of(cg.prune(Selection.smallest(cg, sal)), device, provenance);
        for (var t : targets.entrySet()) {
            if (smallest.get(t.getKey()) > t.getValue()) {
                return "the " + t.getKey().label + " limit " + format(t.getKey(), t.getValue()) + " cannot be met without removing a whole layer: with one channel left in each of the "
                        + cg.prunable().size() + " prunable layers the model still needs " + format(t.getKey(), smallest.get(t.getKey()));
            }
        }
        return null;
    }

    static String format(Resource r, double v) {
        return r == Resource.LATENCY ? String.format("%.3f ms", v) : String.format("%,d B", Math.round(v));
    }

    public static Result run(Request r, Listener listener) throws IOException {
        Graph base = readModel(r.model());
        ChannelGroups cg = ChannelGroups.of(base);
        Map<Resource, Double> targets = r.targets();
        if (cg.prunable().isEmpty()) throw new GraphException(r.model() + " has no channels tinyfit can prune (no convolution or dense layer whose channels stay inside the model)");
        String no = unreachable(cg, r.device(), r.provenance(), targets);
        if (no != null) throw new GraphException(no);
        DataSource source = Datasets.open(r.data());
        Dataset all = source.train();
        TrainConfig cfg = all.sampleShape().length == 3 ? r.config() : r.config().toBuilder().augmentations(List.of()).build();
        Split split = Holdout.DEFAULT.split(all, cfg.seed());
        Dataset test = source.test().orElse(split.validation());
        Resources before = Resources.of(base, r.device(), r.provenance());
        listener.planned(before, targets, cg.prunable());
        Loss loss = new Loss.SoftmaxCrossEntropy(0f);
        double accBefore = floatAccuracy(base, test, cfg.threads());
        FineTune ft = new FineTune(cg, r, cfg, split.train(), split.validation(), loss, listener);
        Graph pruned = ft.run(targets);
        Resources predicted = Resources.of(pruned, r.device(), r.provenance());
        double floatAfter = floatAccuracy(pruned, test, cfg.threads());
        Graph int8;
        if (r.qatEpochs() > 0) {
            listener.phase("quantization-aware training, " + r.qatEpochs() + " epoch" + (r.qatEpochs() == 1 ? "" : "s"));
            TrainConfig q = cfg.toBuilder().epochs(r.qatEpochs()).lr(cfg.lr() * 0.1f).schedule("cosine").warmupEpochs(0).build();
            try (QuantizationAwareTraining qat = new QuantizationAwareTraining(pruned, q, split.train(), split.validation(), null, loss, PtqOptions.defaults())) {
                qat.run(0, listener);
                int8 = qat.convert().int8();
            }
        } else {
            listener.phase("post-training quantization");
            int8 = PostTrainingQuantization.quantize(pruned, calibration(split.train()), PtqOptions.defaults()).graph();
        }
        OptimizedModel written = write(int8, r.provenance(), r.out());
        long fileBytes = Files.size(r.out());
        Graph onFile = ModelReader.read(r.out());
        TflmTail.Result tail = TflmTail.of(onFile, TflmAbi.of(r.device().core()));
        long arena = written.memory().writtenArenaBytes(written.offlinePlanWritten());
        Schedule stored = Schedule.stored(onFile);
        Cost m = Cost.of(onFile, r.device(), stored, new TflmGreedyPlanner().plan(onFile, stored), fileBytes);
        Resources measured = new Resources(Math.max(arena + tail.bytes(), tail.planningBytes()), arena, tail.bytes(), fileBytes, m.macs(), m.latencyMicros() / 1000);
        double int8After = Evaluation.topOne(onFile, r.out().toString(), test, "test data", 1, 0, null, cfg.threads()).accuracy();
        List<Layer> layers = new ArrayList<>();
        int[] counts = ChannelGroups.counts(ft.keep());
        for (ChannelGroups.Group g : cg.prunable()) layers.add(new Layer(g.name(), g.size(), counts[g.id()]));
        boolean met = Selection.meets(measured, targets);
        return new Result(before, predicted, measured, accBefore, floatAfter, int8After, layers, met, onFile, fileBytes, ft.history());
    }

    /**
     * The channels to drop so that {@code g} (a float graph, trained or not) meets the limits on
     * {@code device}, chosen as {@code compress --method aware} chooses them (the binding figure first;
     * within a layer the least salient channels, or the last ones for an untrained graph whose
     * weights say nothing yet): the pruned graph, or null when no choice of channels meets them. For
     * the search: a candidate slightly over the limits is pruned into them instead of being rejected.
     */
    public static Graph pruneToFit(Graph g, Device device, Long maxRamBytes, Long maxFlashBytes, Double maxLatencyMillis) {
        ChannelGroups cg = ChannelGroups.of(g);
        Map<Resource, Double> targets = Selection.targets(maxRamBytes == null ? null : maxRamBytes.doubleValue(),
                maxFlashBytes == null ? null : maxFlashBytes.doubleValue(), maxLatencyMillis);
        double[][] sal = new double[cg.groups().size()][];
        int[][][] prod = cg.positions(false), cons = cg.positions(true);
        for (ChannelGroups.Group gr : cg.groups()) {
            sal[gr.id()] = new double[gr.size()];
            for (int c = 0; c < gr.size(); c++) sal[gr.id()][c] = norm(g, prod[gr.id()][c]) * norm(g, cons[gr.id()][c]) + 1e-9 * (gr.size() - c);
        }
        Map<String, Resources> memo = new java.util.HashMap<>();
        Selection.Outcome o = Selection.aware(cg, cg.full(), sal,
                k -> memo.computeIfAbsent(java.util.Arrays.toString(ChannelGroups.counts(k)), key -> Resources.of(cg.prune(k), device)), targets);
        return o == null ? null : cg.prune(o.keep());
    }

    private static double norm(Graph g, int[] pos) {
        double sum = 0;
        for (int i = 0; i < pos.length; i += 2) {
            Tensor t = g.tensor(pos[i]);
            if (t.dtype() != DType.F32) continue;
            double v = org.tinyfit.graph.TensorBytes.le(t.data()).getFloat(pos[i + 1] * 4);
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /**
     * Top-1 accuracy of float graph {@code g} on {@code test}, computed by the training engine in
     * inference mode, in batches of 256: the same float arithmetic the fine-tune trains with, an
     * order of magnitude faster than the runtime's one-sample-at-a-time float kernels (the written
     * int8 file is still scored in the runtime).
     */
    static double floatAccuracy(Graph g, Dataset test, int threads) {
        try (Net net = Net.compile(g, threads)) {
            return Trainer.evaluate(net, BatchLoader.builder(test).batchSize(256).build(), new Loss.SoftmaxCrossEntropy(0f))[1];
        }
    }

    static List<float[][]> calibration(Dataset train) {
        int n = Math.min(256, train.size());
        List<float[][]> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] x = new float[train.sampleLength()];
            train.copySample(i, x, 0);
            samples.add(new float[][] {x});
        }
        return samples;
    }

    static OptimizedModel write(Graph int8, Provenance provenance, Path file) throws IOException {
        return OptimizedModel.write(int8, provenance, file);
    }

    /** The seed of a training step's dropout. */
    static long stepSeed(long seed, int epoch, int step) { return SeededRandom.forKeys(seed, 7, epoch, step).nextLong(); }

    static BatchLoader loader(Dataset d, int batch, long seed) { return BatchLoader.builder(d).batchSize(batch).shuffle(seed).build(); }

    static Batch batch(BatchLoader l) { return l.newBatch(); }
}
