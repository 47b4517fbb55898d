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
    /**
     * Softmax cross-entropy with label smoothing; with {@code classWeights} (null: all 1), each
     * sample's term is weighted by its label's weight and the mean is over the weights of the batch
     * (Σ w·CE / Σ w), so a batch of one class gives the unweighted value.
     */
    record SoftmaxCrossEntropy(float labelSmoothing, float[] classWeights) implements Loss {
        public SoftmaxCrossEntropy {
            if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
            if (classWeights != null) {
                classWeights = classWeights.clone();
                for (float w : classWeights) if (!(w > 0) || Float.isInfinite(w)) throw new IllegalArgumentException("class weights must be positive and finite, got " + java.util.Arrays.toString(classWeights));
            }
        }

        public SoftmaxCrossEntropy(float labelSmoothing) { this(labelSmoothing, null); }

        /**
         * sklearn's "balanced" weights: count / (classes × count of the class), so every class adds
         * the same total weight; a class with no samples gets weight 1.
         */
        public static float[] balancedWeights(int[] classCounts) {
            long total = 0;
            for (int c : classCounts) total += c;
            float[] w = new float[classCounts.length];
            for (int k = 0; k < w.length; k++) w[k] = classCounts[k] == 0 ? 1f : (float) ((double) total / ((double) classCounts.length * classCounts[k]));
            return w;
        }

        @Override public double compute(float[] out, int n, int k, int[] labels, float[] targets, float[] grad) {
            double total = 0;
            float off = labelSmoothing / k, on = 1f - labelSmoothing + off;
            double weightSum = n;
            if (classWeights != null) {
                weightSum = 0;
                for (int s = 0; s < n; s++) weightSum += weight(labels[s], k, s);
            }
            float invN = (float) (1.0 / weightSum);
            for (int s = 0; s < n; s++) {
                int r = s * k, label = labels[s];
                float w = weight(label, k, s);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) max = Math.max(max, out[r + j]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.exp(out[r + j] - max);
                double logSum = Math.log(sum) + max;
                for (int j = 0; j < k; j++) {
                    float q = j == label ? on : off;
                    double logP = out[r + j] - logSum;
                    total -= w * q * logP;
                    grad[r + j] = (float) (Math.exp(logP) - q) * w * invN;
                }
            }
            return total / weightSum;
        }

        private float weight(int label, int k, int s) {
            if (label < 0 || label >= k) throw new IllegalArgumentException("label " + label + " of sample " + s + " is outside 0.." + (k - 1));
            if (classWeights == null) return 1f;
            if (classWeights.length != k) throw new IllegalArgumentException(classWeights.length + " class weights for " + k + " classes");
            return classWeights[label];
        }

        @Override public boolean equals(Object o) {
            return o instanceof SoftmaxCrossEntropy c && c.labelSmoothing == labelSmoothing && java.util.Arrays.equals(c.classWeights, classWeights);
        }

        @Override public int hashCode() { return Float.hashCode(labelSmoothing) * 31 + java.util.Arrays.hashCode(classWeights); }

        @Override public String toString() {
            return "SoftmaxCrossEntropy[labelSmoothing=" + labelSmoothing + (classWeights == null ? "" : ", classWeights=" + java.util.Arrays.toString(classWeights)) + "]";
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
