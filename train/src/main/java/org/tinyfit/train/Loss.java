package org.tinyfit.train;

/**
 * A loss over a batch: the mean over samples, and its gradient by the network's loss tensor.
 * Cross-entropy reads logits (a final Softmax in the graph is skipped while training); MSE reads the
 * loss tensor as it is and compares it with float targets, or with one-hot labels.
 */
public sealed interface Loss {

    /** Mean loss over n samples of k values; writes dLoss/dout into {@code grad}. */
    double compute(float[] out, int n, int k, int[] labels, float[] targets, float[] grad);

    /** Softmax cross-entropy; with label smoothing ε the target is (1-ε)·onehot + ε/k. */
    record SoftmaxCrossEntropy(float labelSmoothing) implements Loss {
        public SoftmaxCrossEntropy {
            if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }

        @Override public double compute(float[] out, int n, int k, int[] labels, float[] targets, float[] grad) {
            double total = 0;
            float off = labelSmoothing / k, on = 1f - labelSmoothing + off;
            float invN = 1f / n;
            for (int s = 0; s < n; s++) {
                int r = s * k, label = labels[s];
                if (label < 0 || label >= k) throw new IllegalArgumentException("label " + label + " of sample " + s + " is outside 0.." + (k - 1));
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) max = Math.max(max, out[r + j]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.exp(out[r + j] - max);
                double logSum = Math.log(sum) + max;
                for (int j = 0; j < k; j++) {
                    float q = j == label ? on : off;
                    double logP = out[r + j] - logSum;
                    total -= q * logP;
                    grad[r + j] = (float) (Math.exp(logP) - q) * invN;
                }
            }
            return total / n;
        }
    }

    /** Mean over samples of the sum of squared errors, halved: 1/n Σ ½(out - target)². */
    record MeanSquaredError() implements Loss {
        @Override public double compute(float[] out, int n, int k, int[] labels, float[] targets, float[] grad) {
            double total = 0;
            float invN = 1f / n;
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < k; j++) {
                    int i = s * k + j;
                    float t = targets != null ? targets[i] : (labels[s] == j ? 1f : 0f);
                    float d = out[i] - t;
                    total += 0.5 * d * d;
                    grad[i] = d * invN;
                }
            }
            return total / n;
        }
    }
}
