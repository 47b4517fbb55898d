package org.tinyfit.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.Batch;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.quant.Calibration;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TensorValues;

/**
 * Quantization-aware training of a float inference graph (batch norm folded, dropout removed): the
 * forward pass of every step is the int8 model itself, run by tinyfit's int8 runtime, and the
 * backward pass is the float graph's, taken at the int8 model's values (a straight-through
 * estimator).
 *
 * <p>Each step: the float graph runs the batch with the current weights, and the real range of every
 * activation is tracked as an exponential moving average (decay {@value #RANGE_DECAY}) of the
 * batch's minimum and maximum; the graph is converted to int8 by {@link Int8Conversion} with those
 * ranges (per-channel symmetric int8 weights, int32 biases, asymmetric int8 activations, the
 * normalization inside, exactly as the model is exported); every sample runs through that int8 graph
 * in the {@link Interpreter} (TFLite Micro's rounding, clamping and requantization, bit for bit), and
 * each int8 activation, dequantized, replaces the float one; the loss is taken on the int8 logits, and
 * the gradients flow back through the float graph's steps to the float weights, which the optimizer
 * updates. Rounding has no gradient of its own: it passes the gradient through unchanged, and a fused
 * ReLU's clamp stops it where the int8 output is at zero.
 *
 * <p>The data order, augmentation and learning rate of each epoch are those the float run would have
 * had: the QAT epochs are the last epochs of the same run.
 */
public final class QuantizationAwareTraining implements AutoCloseable {
    /** Weight of the old range in the moving average of activation ranges, per step. */
    public static final double RANGE_DECAY = 0.99;

    private final Net net;
    private final TrainConfig cfg;
    private final BatchLoader trainLoader, valLoader;
    private final Normalization norm;
    private final Loss loss;
    private final Optimizer optimizer;
    private final OptimizerState optState;
    private final Parallel par;
    private final PtqOptions options;
    private final int sampleLength;
    private final Calibration.Range[] ranges;
    private final List<Integer> activations = new ArrayList<>();
    private Calibration.Range rawRange, scaledRange;
    private float[] normalized = new float[0];

    /**
     * @param inference     the float model to fine-tune: its inference form (no batch norm, no dropout)
     * @param cfg           the run's configuration: batch, optimizer, schedule, seed, augmentations, threads
     * @param train         training samples as stored
     * @param val           validation samples as stored, or null
     * @param normalization what the graph's input expects the stored samples to go through, or null
     */
    public QuantizationAwareTraining(Graph inference, TrainConfig cfg, Dataset train, Dataset val, Normalization normalization, Loss loss, PtqOptions options) {
        this.net = Net.compile(inference, cfg.threads());
        this.cfg = cfg;
        this.norm = normalization;
        this.loss = loss;
        this.options = options;
        this.trainLoader = BatchLoader.builder(train).batchSize(cfg.batch()).shuffle(cfg.seed())
                .augment(cfg.augmentations().toArray(new Augmentation[0])).build();
        this.valLoader = val == null || val.size() == 0 ? null : BatchLoader.builder(val).batchSize(256).build();
        this.optimizer = cfg.newOptimizer();
        this.optState = new OptimizerState(net.params(), optimizer.slots());
        this.par = new Parallel(cfg.threads());
        this.sampleLength = train.sampleLength();
        this.ranges = new Calibration.Range[inference.tensors().size()];
        for (int t : inference.inputs()) activations.add(t);
        for (Node n : inference.nodes()) for (int t : n.outputs()) activations.add(t);
    }

    public Net net() { return net; }

    public int stepsPerEpoch() { return trainLoader.batchesPerEpoch(); }

    /**
     * Trains epochs {@code first} to {@code cfg.epochs() - 1} (none when {@code first} is past them) at
     * the learning rates of those epochs in the run's schedule; returns one result per epoch, with the
     * int8 model's validation loss and accuracy.
     */
    public List<EpochResult> run(int first, Trainer.Listener listener) {
        int spe = stepsPerEpoch(), k = net.lossSize();
        LrSchedule schedule = cfg.newSchedule(spe);
        Batch batch = trainLoader.newBatch();
        float[] grad = new float[batch.capacity() * k];
        List<EpochResult> history = new ArrayList<>();
        for (int epoch = first; epoch < cfg.epochs(); epoch++) {
            trainLoader.startEpoch(epoch);
            long t0 = System.nanoTime();
            double lossSum = 0;
            long correct = 0, seen = 0;
            for (int step = 0; step < spe; step++) {
                if (!trainLoader.next(batch)) throw new IllegalStateException("epoch " + epoch + " ended before step " + step);
                int n = batch.size();
                int[] y = batch.labels();
                float[] x = normalize(batch.features(), n);
                net.forward(x, n, true, SeededRandom.forKeys(cfg.seed(), 2, epoch, step).nextLong());
                observe(batch.features(), n);
                int8Forward(convert(), batch.features(), n);
                float[] out = net.activation(net.lossTensor());
                lossSum += loss.compute(out, n, k, y, null, grad) * n;
                correct += Trainer.correct(out, n, k, y);
                seen += n;
                net.zeroGrad();
                net.backward(grad);
                float lr = schedule.at((long) epoch * spe + step);
                optimizer.step(net.params(), lr, optState);
                double secs = (System.nanoTime() - t0) / 1e9;
                listener.step(new Trainer.Progress(epoch, cfg.epochs(), step + 1, spe, lossSum / seen, (double) correct / seen, seen / Math.max(1e-9, secs), lr));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double[] v = validate();
            EpochResult r = new EpochResult(epoch, lossSum / seen, (double) correct / seen, v[0], v[1], seconds, seen / seconds);
            history.add(r);
            listener.epoch(r);
        }
        return history;
    }

    /** The int8 model of the current weights and ranges. */
    public Int8Conversion.Result convert() {
        if (rawRange == null) throw new IllegalStateException("no batch has been seen yet: the activation ranges are unknown");
        return Int8Conversion.convert(net.toGraph(), norm, ranges, rawRange, scaledRange, options);
    }

    /** {int8 loss, int8 accuracy} on the validation samples; NaNs without them. */
    private double[] validate() {
        if (valLoader == null) return new double[] {Double.NaN, Double.NaN};
        Int8Conversion.Result c = convert();
        return Trainer.evaluate(net.lossSize(), valLoader, loss, (features, n) -> {
            net.forward(normalize(features, n), n, false, 0);
            int8Forward(c, features, n);
            return net.activation(net.lossTensor());
        });
    }

    private float[] normalize(float[] raw, int n) {
        int len = n * sampleLength;
        if (normalized.length < len) normalized = new float[len];
        System.arraycopy(raw, 0, normalized, 0, len);
        if (norm != null) norm.apply(normalized, 0, len);
        return normalized;
    }

    /** Moves every activation's range, and those of the stored input and its scaled form, toward this batch's. */
    private void observe(float[] raw, int n) {
        for (int t : activations) {
            float[] a = net.activation(t);
            int len = n * net.perSample(t);
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
                lo = Math.min(lo, a[i]);
                hi = Math.max(hi, a[i]);
            }
            ranges[t] = ema(ranges[t], lo, hi);
        }
        float rLo = Float.POSITIVE_INFINITY, rHi = Float.NEGATIVE_INFINITY, sLo = rLo, sHi = rHi;
        float[] scale = norm == null ? new float[] {1f} : norm.scale();
        int len = n * sampleLength;
        for (int i = 0; i < len; i++) {
            float v = raw[i], s = v * scale[i % scale.length];
            rLo = Math.min(rLo, v);
            rHi = Math.max(rHi, v);
            sLo = Math.min(sLo, s);
            sHi = Math.max(sHi, s);
        }
        rawRange = ema(rawRange, rLo, rHi);
        scaledRange = ema(scaledRange, sLo, sHi);
    }

    private static Calibration.Range ema(Calibration.Range old, double lo, double hi) {
        if (old == null) return new Calibration.Range(lo, hi);
        return new Calibration.Range(RANGE_DECAY * old.min() + (1 - RANGE_DECAY) * lo, RANGE_DECAY * old.max() + (1 - RANGE_DECAY) * hi);
    }

    /**
     * Runs each of the {@code n} stored samples through the int8 graph and puts every int8 activation,
     * dequantized, in place of the float graph's (the input included, normalized where the int8 model
     * normalizes it inside its first layer).
     */
    void int8Forward(Int8Conversion.Result c, float[] raw, int n) {
        Graph q = c.int8();
        Schedule schedule = Schedule.stored(q);
        ArenaPlan plan = new TflmGreedyPlanner().plan(q, schedule);
        int[] floatOf = new int[q.tensors().size()];
        Arrays.fill(floatOf, -1);
        for (int t = 0; t < c.int8Of().length; t++) if (c.int8Of()[t] >= 0) floatOf[c.int8Of()[t]] = t;
        Tensor in = q.tensor(q.inputs()[0]);
        int input = net.inputTensor();
        boolean inputIsInt8Input = c.int8Of()[input] == in.id();
        Interpreter[] workers = new Interpreter[par.threads()];
        par.forEach(n, (i, worker) -> {
            if (workers[worker] == null) workers[worker] = new Interpreter(q, schedule, plan);
            double[] real = new double[sampleLength];
            for (int j = 0; j < sampleLength; j++) real[j] = raw[i * sampleLength + j];
            byte[] bytes = TensorValues.fromReal(in, real, "sample " + i);
            if (inputIsInt8Input) {
                float[] a = net.activation(input);
                dequantize(in.quant(), bytes, a, i * sampleLength);
                if (c.rawInput() && norm != null) norm.apply(a, i * sampleLength, sampleLength);
            }
            workers[worker].run(new byte[][] {bytes}, (step, node, arena) -> {
                for (int t8 : node.outputs()) {
                    int t = floatOf[t8];
                    if (t < 0) continue;
                    float[] a = net.activation(t);
                    int per = net.perSample(t);
                    Quantization qt = q.tensor(t8).quant();
                    float s = qt.scale();
                    long zp = qt.zeroPoint();
                    for (int e = 0; e < per; e++) a[i * per + e] = s * (arena.i8(t8, e) - zp);
                }
            });
        });
    }

    private static void dequantize(Quantization q, byte[] bytes, float[] to, int offset) {
        float s = q.scale();
        long zp = q.zeroPoint();
        for (int e = 0; e < bytes.length; e++) to[offset + e] = s * (bytes[e] - zp);
    }

    @Override public void close() {
        par.close();
        net.close();
    }
}
