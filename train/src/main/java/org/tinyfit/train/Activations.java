package org.tinyfit.train;

import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;

/** Fused activations: applied in place to an op's output, and their backward pass (from the output values). */
final class Activations {
    private Activations() {}

    static void check(Op.Act act, String where) {
        if (act == Op.Act.SIGN_BIT) throw new GraphException(where + ": fused activation SIGN_BIT cannot be trained (it has no gradient); use NONE, RELU, RELU6, RELU_N1_TO_1 or TANH");
    }

    static void forward(Op.Act act, float[] y, int from, int to) {
        switch (act) {
            case NONE -> {}
            case RELU -> { for (int i = from; i < to; i++) y[i] = Math.max(y[i], 0f); }
            case RELU6 -> { for (int i = from; i < to; i++) y[i] = Math.min(6f, Math.max(0f, y[i])); }
            case RELU_N1_TO_1 -> { for (int i = from; i < to; i++) y[i] = Math.min(1f, Math.max(-1f, y[i])); }
            case TANH -> { for (int i = from; i < to; i++) y[i] = (float) Math.tanh(y[i]); }
            case SIGN_BIT -> throw new IllegalStateException("SIGN_BIT is rejected when the step is built");
        }
    }

    /** Turns dL/dy into dL/d(pre-activation), in place. */
    static void backward(Op.Act act, float[] y, float[] dy, int from, int to) {
        switch (act) {
            case NONE -> {}
            case RELU -> { for (int i = from; i < to; i++) dy[i] = reluGradient(y[i], dy[i]); }
            case RELU6 -> { for (int i = from; i < to; i++) if (y[i] <= 0f || y[i] >= 6f) dy[i] = 0f; }
            case RELU_N1_TO_1 -> { for (int i = from; i < to; i++) if (y[i] <= -1f || y[i] >= 1f) dy[i] = 0f; }
            case TANH -> { for (int i = from; i < to; i++) dy[i] *= 1f - y[i] * y[i]; }
            case SIGN_BIT -> throw new IllegalStateException("SIGN_BIT is rejected when the step is built");
        }
    }

    /**
     * {@code y > 0 ? dy : 0} for a ReLU output y, without a branch (the sign of the gradient is
     * random, so a branch mispredicts half the time): a mask of all ones when y's bits are those of
     * a positive float up to +infinity (not 0, -0, negatives or NaN).
     */
    static float reluGradient(float y, float dy) {
        int b = Float.floatToRawIntBits(y);
        int mask = (-b & (b - 0x7f800001)) >> 31;
        return Float.intBitsToFloat(Float.floatToRawIntBits(dy) & mask);
    }
}
