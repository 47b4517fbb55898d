package org.tinyfit.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;

/**
 * Trains a graph on a {@link BatchSource}: shuffles each epoch with an order derived from the seed
 * and the epoch, augments, runs forward and backward, steps the optimizer on the schedule, validates
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
    private final BatchSource train, val;
    private final Loss loss;
    private final Optimizer optimizer;
    private final OptimizerState optState;
    private final TrainState state = new TrainState();
    private final String modelFingerprint;

    public Trainer(Graph graph, TrainConfig cfg, BatchSource train, BatchSource val, Loss loss) {
        this.net = Net.compile(graph, cfg.threads());
        this.cfg = cfg;
        this.train = train;
        this.val = val;
        this.loss = loss;
        if (train.size() == 0) throw new GraphException("the training data has no samples");
        if (net.inputSize() != train.sampleSize()) {
            throw new GraphException("the model takes " + net.inputSize() + " values per sample " + graph.tensor(graph.inputs()[0]).shape()
                    + ", the data has " + train.sampleSize() + " " + java.util.Arrays.toString(train.sampleShape()) + "; make the model's input match the data");
        }
        if (loss instanceof Loss.SoftmaxCrossEntropy && net.lossSize() != train.classes()) {
            throw new GraphException("the model has " + net.lossSize() + " outputs, the data " + train.classes() + " classes; make the last dense layer " + train.classes() + " wide");
        }
        this.optimizer = cfg.newOptimizer();
        this.optState = new OptimizerState(net.params(), optimizer.slots());
        this.modelFingerprint = fingerprint(graph) + " data=" + train.size() + "x" + train.sampleSize();
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

    public int stepsPerEpoch() { return (train.size() + cfg.batch() - 1) / cfg.batch(); }

    /** Trains to the end (or until {@code stop} says so, after a step), resuming from {@code dir}'s checkpoint if there is one. */
    public TrainState run(Path dir, Listener listener, BooleanSupplier stop) throws IOException {
        if (dir != null && Checkpoint.read(dir, modelFingerprint, cfg.fingerprint(), state, net.params(), optState)) listener.resumed(state);
        int spe = stepsPerEpoch(), b = cfg.batch(), per = train.sampleSize(), k = net.lossSize();
        LrSchedule schedule = cfg.newSchedule(spe);
        float[] x = new float[b * per], grad = new float[b * k], scratch = new float[per];
        int[] y = new int[b];
        int[] shape = train.sampleShape();
        boolean augment = !cfg.augmentation().isNone() && shape.length == 3;
        while (state.epoch < cfg.epochs()) {
            if (state.order == null) state.order = Rng.derive(cfg.seed(), 1, state.epoch).permutation(train.size());
            long t0 = System.nanoTime();
            double secondsBefore = state.epochSeconds;
            while (state.stepInEpoch < spe) {
                int from = state.stepInEpoch * b, to = Math.min(train.size(), from + b), n = to - from;
                train.fill(state.order, from, to, x, y);
                if (augment) cfg.augmentation().apply(x, n, shape[0], shape[1], shape[2], Rng.derive(cfg.seed(), 3, state.epoch, state.stepInEpoch), scratch);
                float[] out = net.forward(x, n, true, Rng.derive(cfg.seed(), 2, state.epoch, state.stepInEpoch).nextLong());
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
            double[] v = val == null || val.size() == 0 ? new double[] {Double.NaN, Double.NaN} : evaluate(val, 256);
            EpochResult r = new EpochResult(state.epoch, state.lossSum / state.seen, (double) state.correct / state.seen, v[0], v[1], seconds, state.seen / seconds);
            state.history.add(r);
            state.epoch++;
            state.stepInEpoch = 0;
            state.lossSum = 0;
            state.correct = 0;
            state.seen = 0;
            state.epochSeconds = 0;
            state.order = null;
            listener.epoch(r);
            if (dir != null) save(dir, listener);
        }
        return state;
    }

    private void save(Path dir, Listener listener) throws IOException {
        Checkpoint.write(dir, modelFingerprint, cfg.fingerprint(), state, net.params(), optState);
        listener.checkpoint(dir.resolve(Checkpoint.FILE), state);
    }

    /** {mean loss, accuracy} of the current weights on {@code data}, in inference mode. */
    public double[] evaluate(BatchSource data, int batch) {
        return evaluate(net, data, batch, loss);
    }

    public static double[] evaluate(Net net, BatchSource data, int batch, Loss loss) {
        int per = data.sampleSize(), k = net.lossSize();
        float[] x = new float[batch * per], grad = new float[batch * k];
        int[] y = new int[batch];
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch), n = to - from;
            data.fill(order, from, to, x, y);
            float[] out = net.forward(x, n, false, 0);
            lossSum += loss.compute(out, n, k, y, null, grad) * n;
            correct += correct(out, n, k, y);
        }
        return new double[] {lossSum / data.size(), (double) correct / data.size()};
    }

    static int correct(float[] out, int n, int k, int[] y) {
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
