package org.tinyfit.compress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tinyfit.compress.Resources.Resource;
import org.tinyfit.data.Batch;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.Dataset;
import org.tinyfit.graph.Graph;
import org.tinyfit.train.EpochResult;
import org.tinyfit.train.Loss;
import org.tinyfit.train.Net;
import org.tinyfit.train.Optimizer;
import org.tinyfit.train.OptimizerState;
import org.tinyfit.train.Param;
import org.tinyfit.train.TrainConfig;
import org.tinyfit.train.Trainer;

/**
 * Fine-tuning with gradual channel pruning. Every channel has a gate (kept or dropped); the first
 * half of the epochs (at least one) prunes, the rest recover. During pruning the gates close in
 * {@value #EVENTS_PER_EPOCH} events per epoch, each moving the targets one step along a cubic
 * schedule from the model's own figures to the limits (large steps early, when the network has most
 * slack, small ones at the end), so the last event meets the limits. Between events a group-lasso
 * penalty weighted by each group's marginal resource cost (how much of the binding figure one of its
 * channels costs, from the cost model; 1 for every group in uniform pruning) pulls the channels of
 * expensive layers toward zero, so the channels that go next matter less. A dropped channel's weights
 * are held at zero. The loss may add distillation from the unpruned model (soft targets at
 * temperature {@value #TEMPERATURE}). The learning rate is constant while pruning, then decays on a
 * cosine to a hundredth.
 */
final class FineTune {
    static final int EVENTS_PER_EPOCH = 8;
    static final float TEMPERATURE = 2f;
    static final float DISTILL_WEIGHT = 0.5f;
    static final float PENALTY = 2e-4f;

    private final ChannelGroups cg;
    private final Compression.Request r;
    private final TrainConfig cfg;
    private final Dataset train, val;
    private final Loss loss;
    private final Compression.Listener listener;
    private final Map<String, Resources> costs = new HashMap<>();
    private final List<EpochResult> history = new ArrayList<>();
    private boolean[][] keep;

    FineTune(ChannelGroups cg, Compression.Request r, TrainConfig cfg, Dataset train, Dataset val, Loss loss, Compression.Listener listener) {
        this.cg = cg;
        this.r = r;
        this.cfg = cfg;
        this.train = train;
        this.val = val;
        this.loss = loss;
        this.listener = listener;
        this.keep = cg.full();
    }

    boolean[][] keep() { return keep; }

    List<EpochResult> history() { return history; }

    /** The cost model's figures for a mask; they depend only on the channel counts, so they are remembered by counts. */
    Resources cost(boolean[][] k) {
        return costs.computeIfAbsent(Arrays.toString(ChannelGroups.counts(k)), key -> Resources.of(cg.prune(k), r.device(), r.provenance()));
    }

    /** Runs the fine-tune; returns the pruned float graph. */
    Graph run(Map<Resource, Double> limits) {
        int epochs = cfg.epochs();
        int pruneEpochs = Math.max(1, epochs / 2);
        Function<boolean[][], Resources> cost = this::cost;
        Resources start = cost(keep);
        try (Net net = Net.compile(cg.graph(), cfg.threads()); Net teacher = r.distill() ? Net.compile(cg.graph(), cfg.threads()) : null) {
            Param[] byTensor = new Param[cg.graph().tensors().size()];
            for (Param p : net.params()) byTensor[p.tensorId] = p;
            int[][][] prod = cg.positions(false), cons = cg.positions(true);
            BatchLoader loader = BatchLoader.builder(train).batchSize(cfg.batch()).shuffle(cfg.seed())
                    .augment(cfg.augmentations().toArray(new org.tinyfit.data.Augmentation[0])).build();
            BatchLoader valLoader = val == null || val.size() == 0 ? null : BatchLoader.builder(val).batchSize(256).build();
            int spe = loader.batchesPerEpoch(), k = net.lossSize();
            long pruneSteps = (long) pruneEpochs * spe, totalSteps = (long) epochs * spe;
            int events = pruneEpochs * EVENTS_PER_EPOCH;
            Optimizer opt = cfg.newOptimizer();
            OptimizerState state = new OptimizerState(net.params(), opt.slots());
            double[] weight = initialWeights(byTensor, prod, cons, limits);
            Batch batch = loader.newBatch();
            float[] grad = new float[batch.capacity() * k];
            float[] soft = new float[batch.capacity() * k];
            long global = 0;
            int done = 0;
            for (int epoch = 0; epoch < epochs; epoch++) {
                loader.startEpoch(epoch);
                long t0 = System.nanoTime();
                double lossSum = 0;
                long correct = 0, seen = 0;
                for (int step = 0; step < spe; step++) {
                    if (!loader.next(batch)) throw new IllegalStateException("epoch " + epoch + " ended before step " + step);
                    int n = batch.size();
                    int[] y = batch.labels();
                    if (teacher != null) System.arraycopy(teacher.forward(batch.features(), n, false, 0), 0, soft, 0, n * k);
                    float[] out = net.forward(batch.features(), n, true, Compression.stepSeed(cfg.seed(), epoch, step));
                    lossSum += loss.compute(out, n, k, y, null, grad) * n;
                    if (teacher != null) distill(out, soft, n, k, grad);
                    correct += Trainer.correct(out, n, k, y);
                    seen += n;
                    net.zeroGrad();
                    net.backward(grad);
                    if (global < pruneSteps) penalize(byTensor, prod, cons, weight);
                    hold(byTensor, prod, cons, true);
                    float lr = lr(cfg.lr(), global, pruneSteps, totalSteps);
                    opt.step(net.params(), lr, state);
                    hold(byTensor, prod, cons, false);
                    global++;
                    while (done < events && global >= (pruneSteps * (done + 1)) / events) {
                        done++;
                        double s = (double) done / events;
                        double f = 1 - Math.pow(1 - s, 3);
                        Map<Resource, Double> now = new java.util.EnumMap<>(Resource.class);
                        for (var e : limits.entrySet()) now.put(e.getKey(), Math.max(e.getValue(), start.get(e.getKey()) - f * (start.get(e.getKey()) - e.getValue())));
                        double[][] sal = saliency(byTensor, prod, cons);
                        Selection.Outcome o = r.method() == Compression.Method.AWARE ? Selection.aware(cg, keep, sal, cost, now) : Selection.uniform(cg, keep, sal, cost, now);
                        if (o == null) throw new IllegalStateException("the limits became unreachable while pruning; the check before training should have caught it");
                        keep = o.keep();
                        if (r.method() == Compression.Method.AWARE && Arrays.stream(o.weight()).anyMatch(w -> w > 0)) weight = o.weight();
                        hold(byTensor, prod, cons, false);
                        listener.pruned(epoch, step + 1, ChannelGroups.counts(keep), o.resources());
                    }
                    double secs = (System.nanoTime() - t0) / 1e9;
                    listener.step(new Trainer.Progress(epoch, epochs, step + 1, spe, lossSum / seen, (double) correct / seen, seen / Math.max(1e-9, secs), lr));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] v = valLoader == null ? new double[] {Double.NaN, Double.NaN} : Trainer.evaluate(net, valLoader, loss);
                EpochResult er = new EpochResult(epoch, lossSum / seen, (double) correct / seen, v[0], v[1], seconds, seen / seconds);
                history.add(er);
                listener.epoch(er);
            }
            Graph trained = net.toGraph();
            return ChannelGroups.of(trained).prune(keep);
        }
    }

    static float lr(float base, long step, long pruneSteps, long totalSteps) {
        if (step < pruneSteps || totalSteps <= pruneSteps) return base;
        double t = (double) (step - pruneSteps) / (totalSteps - pruneSteps);
        return (float) (base * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t))));
    }

    /** Group weights of the penalty: each group's share of the binding figure per channel (aware), or 1 (uniform). */
    private double[] initialWeights(Param[] byTensor, int[][][] prod, int[][][] cons, Map<Resource, Double> limits) {
        double[] w = new double[keep.length];
        if (r.method() == Compression.Method.UNIFORM) {
            for (ChannelGroups.Group g : cg.prunable()) w[g.id()] = 1;
            return w;
        }
        Selection.Outcome o = Selection.aware(cg, keep, saliency(byTensor, prod, cons), this::cost, limits);
        return o == null ? w : o.weight();
    }

    /** Saliency of each channel: the norm of the weights that write it times the norm of those that read it. */
    double[][] saliency(Param[] byTensor, int[][][] prod, int[][][] cons) {
        double[][] s = new double[keep.length][];
        for (int g = 0; g < keep.length; g++) {
            s[g] = new double[keep[g].length];
            for (int c = 0; c < s[g].length; c++) {
                double a = norm(byTensor, prod[g][c]), b = norm(byTensor, cons[g][c]);
                s[g][c] = prod[g][c].length == 0 ? b : cons[g][c].length == 0 ? a : a * b;
            }
        }
        return s;
    }

    private static double norm(Param[] byTensor, int[] pos) {
        double sum = 0;
        for (int i = 0; i < pos.length; i += 2) {
            Param p = byTensor[pos[i]];
            if (p == null) continue;
            double v = p.value[pos[i + 1]];
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /** Adds the gradient of PENALTY × Σ_g weight_g Σ_c ‖θ_gc‖ over the kept channels. */
    private void penalize(Param[] byTensor, int[][][] prod, int[][][] cons, double[] weight) {
        for (ChannelGroups.Group g : cg.prunable()) {
            if (weight[g.id()] <= 0) continue;
            for (int c = 0; c < g.size(); c++) {
                if (!keep[g.id()][c]) continue;
                double nrm = Math.sqrt(sq(byTensor, prod[g.id()][c]) + sq(byTensor, cons[g.id()][c]));
                if (nrm < 1e-12) continue;
                float f = (float) (PENALTY * weight[g.id()] / nrm);
                addScaled(byTensor, prod[g.id()][c], f);
                addScaled(byTensor, cons[g.id()][c], f);
            }
        }
    }

    private static double sq(Param[] byTensor, int[] pos) {
        double n = norm(byTensor, pos);
        return n * n;
    }

    private static void addScaled(Param[] byTensor, int[] pos, float f) {
        for (int i = 0; i < pos.length; i += 2) {
            Param p = byTensor[pos[i]];
            if (p != null && p.trainable) p.grad[pos[i + 1]] += f * p.value[pos[i + 1]];
        }
    }

    /** Sets the gradients ({@code grads}) or the values of every dropped channel's weights to zero. */
    private void hold(Param[] byTensor, int[][][] prod, int[][][] cons, boolean grads) {
        for (int g = 0; g < keep.length; g++) {
            for (int c = 0; c < keep[g].length; c++) {
                if (keep[g][c]) continue;
                zero(byTensor, prod[g][c], grads);
                zero(byTensor, cons[g][c], grads);
            }
        }
    }

    private static void zero(Param[] byTensor, int[] pos, boolean grads) {
        for (int i = 0; i < pos.length; i += 2) {
            Param p = byTensor[pos[i]];
            if (p == null) continue;
            if (grads) {
                if (p.trainable) p.grad[pos[i + 1]] = 0;
            } else {
                p.value[pos[i + 1]] = 0;
            }
        }
    }

    /** Mixes in the distillation gradient: (1-α)·CE(labels) + α·T²·KL(teacher_T ‖ student_T). */
    static void distill(float[] out, float[] teacher, int n, int k, float[] grad) {
        float a = DISTILL_WEIGHT, t = TEMPERATURE;
        double[] ps = new double[k], pt = new double[k];
        for (int s = 0; s < n; s++) {
            softmax(out, s * k, k, t, ps);
            softmax(teacher, s * k, k, t, pt);
            for (int j = 0; j < k; j++) grad[s * k + j] = (1 - a) * grad[s * k + j] + a * t * (float) (ps[j] - pt[j]) / n;
        }
    }

    private static void softmax(float[] x, int off, int k, float t, double[] p) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < k; j++) max = Math.max(max, x[off + j] / t);
        for (int j = 0; j < k; j++) sum += p[j] = Math.exp(x[off + j] / t - max);
        for (int j = 0; j < k; j++) p[j] /= sum;
    }
}
