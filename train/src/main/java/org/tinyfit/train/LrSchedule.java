package org.tinyfit.train;

/** The learning rate at each optimizer step (0-based), with an optional linear warm-up from 0. */
public sealed interface LrSchedule {
    float at(long step);

    static float warm(float lr, long step, long warmupSteps) {
        return step < warmupSteps ? lr * (step + 1) / warmupSteps : lr;
    }

    record Constant(float lr, long warmupSteps) implements LrSchedule {
        @Override public float at(long step) { return warm(lr, step, warmupSteps); }
    }

    /** Linear warm-up, then half a cosine from {@code lr} down to {@code minLr} at {@code totalSteps}. */
    record Cosine(float lr, long warmupSteps, long totalSteps, float minLr) implements LrSchedule {
        @Override public float at(long step) {
            if (step < warmupSteps) return warm(lr, step, warmupSteps);
            double span = Math.max(1, totalSteps - warmupSteps);
            double t = Math.min(1.0, (step - warmupSteps) / span);
            return (float) (minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * t)));
        }
    }

    /** Linear warm-up, then the rate times {@code gamma} every {@code everySteps} steps. */
    record StepDecay(float lr, long warmupSteps, long everySteps, float gamma) implements LrSchedule {
        @Override public float at(long step) {
            if (step < warmupSteps) return warm(lr, step, warmupSteps);
            return (float) (lr * Math.pow(gamma, (step - warmupSteps) / Math.max(1, everySteps)));
        }
    }
}
