package org.tinyfit.train;

/** Element-wise activations as separate ops: Relu, Relu6, Logistic, Tanh, LeakyRelu. The backward pass uses the output. */
final class UnaryStep extends Step {
    enum Kind { RELU, RELU6, LOGISTIC, TANH, LEAKY_RELU }

    private final Kind kind;
    private final int x, y;
    private final float alpha;

    UnaryStep(Kind kind, int x, int y, float alpha) { this.kind = kind; this.x = x; this.y = y; this.alpha = alpha; }

    @Override void forward(Ctx c) {
        float[] xs = c.act[x], ys = c.act[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int i = from * per; i < to * per; i++) {
                float v = xs[i];
                ys[i] = switch (kind) {
                    case RELU -> v > 0f ? v : 0f;
                    case RELU6 -> Math.min(6f, Math.max(0f, v));
                    case LOGISTIC -> (float) (1.0 / (1.0 + Math.exp(-v)));
                    case TANH -> (float) Math.tanh(v);
                    case LEAKY_RELU -> v > 0f ? v : alpha * v;
                };
            }
        });
    }

    @Override void backward(Ctx c) {
        float[] dx = c.gradOf(x);
        if (dx == null) return;
        float[] xs = c.act[x], ys = c.act[y], dy = c.grad[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int i = from * per; i < to * per; i++) {
                float v = ys[i];
                dx[i] += dy[i] * switch (kind) {
                    case RELU -> v > 0f ? 1f : 0f;
                    case RELU6 -> v > 0f && v < 6f ? 1f : 0f;
                    case LOGISTIC -> v * (1f - v);
                    case TANH -> 1f - v * v;
                    case LEAKY_RELU -> xs[i] > 0f ? 1f : alpha;
                };
            }
        });
    }
}
