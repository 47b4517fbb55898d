package org.tinyfit.train;

import java.util.List;
import org.tinyfit.data.Augmentation;

/**
 * How to train: epochs, batch size, optimizer and learning-rate schedule, regularization, seed,
 * threads, augmentations (of the data package, applied per sample before normalization), and how often to checkpoint within an epoch.
 *
 * @param optimizer        "adamw", "adam" or "sgd"
 * @param schedule         "cosine", "step" or "constant"
 * @param warmupEpochs     linear warm-up length, in epochs (fractions allowed)
 * @param checkpointSteps  a mid-epoch checkpoint every this many steps (0: only at epoch ends)
 */
public record TrainConfig(int epochs, int batch, String optimizer, float lr, String schedule, float warmupEpochs,
                          float minLr, int stepEveryEpochs, float stepGamma, float momentum, float weightDecay,
                          float labelSmoothing, long seed, int threads, List<Augmentation> augmentations, int checkpointSteps) {
    public TrainConfig {
        augmentations = List.copyOf(augmentations);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (!java.util.List.of("adamw", "adam", "sgd").contains(optimizer)) throw new IllegalArgumentException("optimizer must be adamw, adam or sgd, got " + optimizer);
        if (!java.util.List.of("cosine", "step", "constant").contains(schedule)) throw new IllegalArgumentException("schedule must be cosine, step or constant, got " + schedule);
    }

    /** AdamW, lr 0.003 with a cosine schedule and one warm-up epoch, weight decay 5e-4 (decoupled), label smoothing 0.05, random crop with padding 2 + horizontal flips. */
    public static TrainConfig defaults() {
        return new TrainConfig(15, 128, "adamw", 3e-3f, "cosine", 1f, 0f, 5, 0.3f, 0.9f, 5e-4f, 0.05f, 1L,
                Math.max(1, Runtime.getRuntime().availableProcessors()), List.of(new Augmentation.RandomCrop(2), new Augmentation.HorizontalFlip(0.5)), 100);
    }

    public TrainConfig withEpochs(int e) { return new TrainConfig(e, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withBatch(int b) { return new TrainConfig(epochs, b, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withLr(float l) { return new TrainConfig(epochs, batch, optimizer, l, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withSeed(long s) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, s, threads, augmentations, checkpointSteps); }

    public TrainConfig withThreads(int t) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, t, augmentations, checkpointSteps); }

    public TrainConfig withOptimizer(String o) { return new TrainConfig(epochs, batch, o, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withSchedule(String s) { return new TrainConfig(epochs, batch, optimizer, lr, s, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withWarmupEpochs(float w) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, w, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withWeightDecay(float w) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, w, labelSmoothing, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withLabelSmoothing(float s) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, s, seed, threads, augmentations, checkpointSteps); }

    public TrainConfig withAugmentations(List<Augmentation> a) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, a, checkpointSteps); }

    public TrainConfig withCheckpointSteps(int c) { return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum, weightDecay, labelSmoothing, seed, threads, augmentations, c); }

    public Optimizer newOptimizer() {
        return switch (optimizer) {
            case "adamw" -> new Optimizer.AdamW(0.9f, 0.999f, 1e-8f, weightDecay, true);
            case "adam" -> new Optimizer.AdamW(0.9f, 0.999f, 1e-8f, weightDecay, false);
            default -> new Optimizer.Sgd(momentum, weightDecay, false);
        };
    }

    public LrSchedule newSchedule(int stepsPerEpoch) {
        long warm = Math.round((double) warmupEpochs * stepsPerEpoch), total = (long) epochs * stepsPerEpoch;
        return switch (schedule) {
            case "cosine" -> new LrSchedule.Cosine(lr, warm, total, minLr);
            case "step" -> new LrSchedule.StepDecay(lr, warm, (long) stepEveryEpochs * stepsPerEpoch, stepGamma);
            default -> new LrSchedule.Constant(lr, warm);
        };
    }

    /** What must match for a checkpoint to be resumed with this config (threads may differ: results do not depend on them). */
    public String fingerprint() {
        return "epochs=" + epochs + " batch=" + batch + " optimizer=" + optimizer + " lr=" + lr + " schedule=" + schedule
                + " warmup=" + warmupEpochs + " minLr=" + minLr + " step=" + stepEveryEpochs + "/" + stepGamma + " momentum=" + momentum
                + " wd=" + weightDecay + " ls=" + labelSmoothing + " seed=" + seed + " aug=" + augmentations;
    }
}
