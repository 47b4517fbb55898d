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
                          float labelSmoothing, long seed, int threads, List<Augmentation> augmentations, int checkpointSteps,
                          boolean balancedClassWeights) {
    public TrainConfig {
        augmentations = List.copyOf(augmentations);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        if (!(warmupEpochs >= 0) || Float.isInfinite(warmupEpochs)) throw new IllegalArgumentException("warm-up must be 0 or more epochs, got " + warmupEpochs);
        if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new IllegalArgumentException("label smoothing must be at least 0 and below 1, got " + labelSmoothing);
        if (checkpointSteps < 0) throw new IllegalArgumentException("checkpoint steps must be 0 (only at epoch ends) or more, got " + checkpointSteps);
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (!java.util.List.of("adamw", "adam", "sgd").contains(optimizer)) throw new IllegalArgumentException("optimizer must be adamw, adam or sgd, got " + optimizer);
        if (!java.util.List.of("cosine", "step", "constant").contains(schedule)) throw new IllegalArgumentException("schedule must be cosine, step or constant, got " + schedule);
    }

    /** AdamW, lr 0.003 with a cosine schedule and one warm-up epoch, weight decay 5e-4 (decoupled), label smoothing 0.05, random crop with padding 2 + horizontal flips. */
    public static TrainConfig defaults() {
        return builder().build();
    }

    /** A builder that starts from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs; b.batch = batch; b.optimizer = optimizer; b.lr = lr; b.schedule = schedule; b.warmupEpochs = warmupEpochs;
        b.minLr = minLr; b.stepEveryEpochs = stepEveryEpochs; b.stepGamma = stepGamma; b.momentum = momentum; b.weightDecay = weightDecay;
        b.labelSmoothing = labelSmoothing; b.seed = seed; b.threads = threads; b.augmentations = augmentations; b.checkpointSteps = checkpointSteps;
        b.balancedClassWeights = balancedClassWeights;
        return b;
    }

    /** Builds a {@link TrainConfig} by name, each field starting at its default; {@link #build} checks the values. */
    public static final class Builder {
        private int epochs = 15, batch = 128, stepEveryEpochs = 5, checkpointSteps = 100;
        private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private String optimizer = "adamw", schedule = "cosine";
        private float lr = 3e-3f, warmupEpochs = 1f, minLr = 0f, stepGamma = 0.3f, momentum = 0.9f, weightDecay = 5e-4f, labelSmoothing = 0.05f;
        private long seed = 1L;
        private List<Augmentation> augmentations = List.of(new Augmentation.RandomCrop(2), new Augmentation.HorizontalFlip(0.5));

        private Builder() {}

        public Builder epochs(int v) { epochs = v; return this; }

        public Builder batch(int v) { batch = v; return this; }

        /** "adamw", "adam" or "sgd". */
        public Builder optimizer(String v) { optimizer = v; return this; }

        /** The peak learning rate. */
        public Builder lr(float v) { lr = v; return this; }

        /** "cosine", "step" or "constant". */
        public Builder schedule(String v) { schedule = v; return this; }

        /** Linear warm-up length, in epochs (fractions allowed). */
        public Builder warmupEpochs(float v) { warmupEpochs = v; return this; }

        /** Where the cosine schedule ends. */
        public Builder minLr(float v) { minLr = v; return this; }

        /** The step schedule multiplies the rate by {@code gamma} every {@code everyEpochs} epochs. */
        public Builder stepDecay(int everyEpochs, float gamma) { stepEveryEpochs = everyEpochs; stepGamma = gamma; return this; }

        /** SGD's momentum. */
        public Builder momentum(float v) { momentum = v; return this; }

        /** Weight decay on weights (not biases or batch norm). */
        public Builder weightDecay(float v) { weightDecay = v; return this; }

        public Builder labelSmoothing(float v) { labelSmoothing = v; return this; }

        /** Seeds weights, data order, augmentation and dropout. */
        public Builder seed(long v) { seed = v; return this; }

        /** Worker threads; results do not depend on them. */
        public Builder threads(int v) { threads = v; return this; }

        /** Applied per sample, in order, before normalization. */
        public Builder augmentations(List<Augmentation> v) { augmentations = v; return this; }

        /** A mid-epoch checkpoint every this many steps (0: only at epoch ends). */
        public Builder checkpointSteps(int v) { checkpointSteps = v; return this; }

        /** Weights each class's cross-entropy by count / (classes × its count) on the training part (for imbalanced data). */
        public Builder balancedClassWeights(boolean v) { balancedClassWeights = v; return this; }

        private boolean balancedClassWeights;

        /** @throws IllegalArgumentException naming the first value out of range */
        public TrainConfig build() {
            return new TrainConfig(epochs, batch, optimizer, lr, schedule, warmupEpochs, minLr, stepEveryEpochs, stepGamma, momentum,
                    weightDecay, labelSmoothing, seed, threads, augmentations, checkpointSteps, balancedClassWeights);
        }
    }

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
                + " wd=" + weightDecay + " ls=" + labelSmoothing + " seed=" + seed + " aug=" + augmentations + (balancedClassWeights ? " classWeights=balanced" : "");
    }
}
