package org.tinyfit.train;

import java.util.List;

/**
 * Updates trainable params from their gradients. Weight decay applies to params marked {@code decay}
 * (weights; not biases or batch-norm parameters). SGD adds it to the gradient (L2); AdamW decouples
 * it (shrinks the weight directly); Adam is AdamW with {@code decoupled = false}, i.e. L2 in the gradient.
 */
public sealed interface Optimizer {

    void step(List<Param> params, float lr, OptimizerState state);

    /** Per-param slots the optimizer needs (momentum: 1; Adam: 2). */
    int slots();

    record Sgd(float momentum, float weightDecay, boolean nesterov) implements Optimizer {
        @Override public int slots() { return 1; }

        @Override public void step(List<Param> params, float lr, OptimizerState state) {
            state.step++;
            for (int p = 0; p < params.size(); p++) {
                Param param = params.get(p);
                if (!param.trainable) continue;
                float[] w = param.value, g = param.grad, v = state.slot(p, 0);
                float wd = param.decay ? weightDecay : 0f;
                for (int i = 0; i < w.length; i++) {
                    float grad = g[i] + wd * w[i];
                    v[i] = momentum * v[i] + grad;
                    w[i] -= lr * (nesterov ? grad + momentum * v[i] : v[i]);
                }
            }
        }
    }

    record AdamW(float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled) implements Optimizer {
        public static AdamW defaults(float weightDecay) { return new AdamW(0.9f, 0.999f, 1e-8f, weightDecay, true); }

        @Override public int slots() { return 2; }

        @Override public void step(List<Param> params, float lr, OptimizerState state) {
            state.step++;
            double c1 = 1 - Math.pow(beta1, state.step), c2 = 1 - Math.pow(beta2, state.step);
            float stepSize = (float) (lr / c1);
            float invC2 = (float) (1 / c2);
            for (int p = 0; p < params.size(); p++) {
                Param param = params.get(p);
                if (!param.trainable) continue;
                float[] w = param.value, g = param.grad, m = state.slot(p, 0), v = state.slot(p, 1);
                float wd = param.decay ? weightDecay : 0f;
                for (int i = 0; i < w.length; i++) {
                    float grad = decoupled ? g[i] : g[i] + wd * w[i];
                    m[i] = beta1 * m[i] + (1 - beta1) * grad;
                    v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
                    if (decoupled) w[i] -= lr * wd * w[i];
                    w[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i] * invC2) + epsilon);
                }
            }
        }
    }
}
