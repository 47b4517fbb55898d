package org.tinyfit.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.Batch;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;

/**
 * Trains a graph on a {@link Dataset}, read through a {@link BatchLoader}: each epoch is shuffled
 * with an order derived from (seed, epoch), each sample augmented with a stream derived from
 * (seed, epoch, sample index) and then normalized; runs forward and backward, steps the optimizer on the schedule, validates
 * after each epoch and checkpoints (each epoch and every {@code checkpointSteps} steps). With the
 * same seed, the same data and any number of threads, the loss curve is the same bit for bit, and a
 * run resumed from a checkpoint ends exactly where an uninterrupted run does.
 */
public final class Trainer implements AutoCloseable {

    /** Hears about progress; all methods are optional. */
    public interface Listener {
        default void step(Progress p) {}

        default void epoch(EpochResult r) {}

        default void checkpoint(Path file, TrainState st) {}

        default void resumed(TrainState st) {}
    }

    public record Progress(int epoch, int epochs, int step, int stepsPerEpoch, double loss, double accuracy, double samplesPerSecond, float lr) {}

    private final Net net;
    private final TrainConfig cfg;
    private final Dataset train;
    private final BatchLoader trainLoader, valLoader;
    private final Loss loss;
    private final Optimizer optimizer;
    private final OptimizerState optState;
    private final TrainState state = new TrainState();
    private final String modelFingerprint;

    /**
     * @param val           validation samples, or null for none
     * @param normalization applied to every sample (after augmentation), or null for none
     */
    public Trainer(Graph graph, TrainConfig cfg, Dataset train, Dataset val, Normalization normalization, Loss loss) {
        if (train.size() == 0) throw new GraphException("the training data has no samples");
        this.trainLoader = BatchLoader.builder(train).batchSize(cfg.batch()).shuffle(cfg.seed())
                .augment(cfg.augmentations().toArray(new Augmentation[0])).normalize(normalization).build();
        this.valLoader = val == null || val.size() == 0 ? null : BatchLoader.builder(val).batchSize(256).normalize(normalization).build();
        this.net = Net.compile(graph, cfg.threads());
        this.cfg = cfg;
        this.train = train;
        this.loss = loss;
        if (net.inputSize() != train.sampleLength()) {
            throw new GraphException("the model takes " + net.inputSize() + " values per sample " + graph.tensor(graph.inputs()[0]).shape()
                    + ", the data has " + train.sampleLength() + " " + java.util.Arrays.toString(train.sampleShape()) + "; make the model's input match the data");
        }
        if (loss instanceof Loss.SoftmaxCrossEntropy && net.lossSize() != train.numClasses()) {
            throw new GraphException("the model has " + net.lossSize() + " output" + (net.lossSize() == 1 ? "" : "s") + ", the data " + train.numClasses()
                    + " classes (labels 0.." + (train.numClasses() - 1) + "); make the last dense layer " + train.numClasses() + " wide");
        }
        this.optimizer = cfg.newOptimizer();
        this.optState = new OptimizerState(net.params(), optimizer.slots());
        this.modelFingerprint = fingerprint(graph) + " data=" + train.size() + "x" + train.sampleLength();
    }

    /** A structural description of the graph (ops and shapes, not weights), to match checkpoints to models. */
    static String fingerprint(Graph g) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : g.tensors()) b.append(t.shape()).append(t.dtype()).append(';');
        for (var n : g.nodes()) b.append(n.op()).append(java.util.Arrays.toString(n.inputs())).append(';');
        return g.name() + "#" + Integer.toHexString(b.toString().hashCode()) + "/" + g.nodes().size();
    }

    public Net net() { return net; }

    public TrainState state() { return state; }

    public int stepsPerEpoch() { return trainLoader.batchesPerEpoch(); }

    /** Trains to the end (or until {@code stop} says so, after a step), resuming from {@code dir}'s checkpoint if there is one. */
    public TrainState run(Path dir, Listener listener, BooleanSupplier stop) throws IOException {
        return run(dir, listener, stop, cfg.epochs());
    }

    /**
     * Trains up to epoch {@code until} (exclusive) of the configured ones, on the schedule of the whole
     * run: the epochs after it are left to another phase (quantization-aware training). A checkpoint
     * already past {@code until} is loaded and nothing is trained.
     */
    public TrainState run(Path dir, Listener listener, BooleanSupplier stop, int until) throws IOException {
        if (dir != null && Checkpoint.read(dir, modelFingerprint, cfg.fingerprint(), state, net.params(), optState)) listener.resumed(state);
        int spe = stepsPerEpoch(), k = net.lossSize();
        LrSchedule schedule = cfg.newSchedule(spe);
        Batch batch = trainLoader.newBatch();
        float[] grad = new float[batch.capacity() * k];
        while (state.epoch < Math.min(until, cfg.epochs())) {
            trainLoader.startEpoch(state.epoch, state.stepInEpoch);
            long t0 = System.nanoTime();
            double secondsBefore = state.epochSeconds;
            while (state.stepInEpoch < spe) {
                if (!trainLoader.next(batch)) throw new IllegalStateException("epoch " + state.epoch + " ended before step " + state.stepInEpoch);
                int n = batch.size();
                int[] y = batch.labels();
                float[] out = net.forward(batch.features(), n, true, SeededRandom.forKeys(cfg.seed(), 2, state.epoch, state.stepInEpoch).nextLong());
                state.lossSum += loss.compute(out, n, k, y, null, grad) * n;
                state.correct += correct(out, n, k, y);
                state.seen += n;
                net.zeroGrad();
                net.backward(grad);
                float lr = schedule.at(state.globalStep);
                optimizer.step(net.params(), lr, optState);
                state.globalStep++;
                state.stepInEpoch++;
                double secs = secondsBefore + (System.nanoTime() - t0) / 1e9;
                listener.step(new Progress(state.epoch, cfg.epochs(), state.stepInEpoch, spe, state.lossSum / state.seen,
                        (double) state.correct / state.seen, state.seen / Math.max(1e-9, secs), lr));
                if (dir != null && cfg.checkpointSteps() > 0 && state.stepInEpoch % cfg.checkpointSteps() == 0 && state.stepInEpoch < spe) {
                    state.epochSeconds = secs;
                    save(dir, listener);
                }
                if (stop != null && stop.getAsBoolean()) return state;
            }
            double seconds = secondsBefore + (System.nanoTime() - t0) / 1e9;
            double[] v = valLoader == null ? new double[] {Double.NaN, Double.NaN} : evaluate(net, valLoader, loss);
            EpochResult r = new EpochResult(state.epoch, state.lossSum / state.seen, (double) state.correct / state.seen, v[0], v[1], seconds, state.seen / seconds);
            state.history.add(r);
            state.epoch++;
            state.stepInEpoch = 0;
            state.lossSum = 0;
            state.correct = 0;
            state.seen = 0;
            state.epochSeconds = 0;
            listener.epoch(r);
            if (dir != null) save(dir, listener);
        }
        return state;
    }

    private void save(Path dir, Listener listener) throws IOException {
        Checkpoint.write(dir, modelFingerprint, cfg.fingerprint(), state, net.params(), optState);
        listener.checkpoint(dir.resolve(Checkpoint.FILE), state);
    }

    /** {mean loss, accuracy} of the current weights on the validation data, in inference mode; NaNs without validation data. */
    public double[] evaluateValidation() {
        return valLoader == null ? new double[] {Double.NaN, Double.NaN} : evaluate(net, valLoader, loss);
    }

    /** {mean loss, accuracy} of {@code net} on one epoch of {@code data}, in inference mode (augmentation is the loader's choice). */
    public static double[] evaluate(Net net, BatchLoader data, Loss loss) {
        return evaluate(net.lossSize(), data, loss, (features, n) -> net.forward(features, n, false, 0));
    }

    /** The scores a batch's {@code n} samples get: {@code n * k} values, as the loss reads them. */
    interface Scores {
        float[] of(float[] features, int n);
    }

    /** {mean loss, accuracy} over one epoch of {@code data}, each batch scored by {@code scores} ({@code k} values per sample). */
    static double[] evaluate(int k, BatchLoader data, Loss loss, Scores scores) {
        Batch batch = data.newBatch();
        float[] grad = new float[batch.capacity() * k];
        double lossSum = 0;
        long correct = 0, seen = 0;
        data.startEpoch(0);
        while (data.next(batch)) {
            int n = batch.size();
            float[] out = scores.of(batch.features(), n);
            lossSum += loss.compute(out, n, k, batch.labels(), null, grad) * n;
            correct += correct(out, n, k, batch.labels());
            seen += n;
        }
        return new double[] {lossSum / seen, (double) correct / seen};
    }

    /** How many of the {@code n} samples' {@code k} scores in {@code out} put label {@code y} first. */
    public static int correct(float[] out, int n, int k, int[] y) {
        int c = 0;
        for (int s = 0; s < n; s++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (out[s * k + j] > out[s * k + best]) best = j;
            if (best == y[s]) c++;
        }
        return c;
    }

    @Override public void close() { net.close(); }
}
