package org.tinyfit.search;

/**
 * What training candidate {@code id} gave: its accuracy on the validation part, the inference
 * model it ended with ({@code .tflite} bytes), the seconds it took and, when the training stopped
 * before the end of its recipe (a rung of successive halving), the checkpoint it goes on from
 * (null otherwise), and, when it reached the end, the trained parameters its children inherit.
 */
public record Evaluation(int id, double valAccuracy, byte[] model, double seconds, byte[] checkpoint, byte[] weights) {
    public Evaluation {
        model = model.clone();
        checkpoint = checkpoint == null ? null : checkpoint.clone();
        weights = weights == null ? null : weights.clone();
    }

    public Evaluation(int id, double valAccuracy, byte[] model, double seconds) {
        this(id, valAccuracy, model, seconds, null, null);
    }

    public Evaluation(int id, double valAccuracy, byte[] model, double seconds, byte[] checkpoint) {
        this(id, valAccuracy, model, seconds, checkpoint, null);
    }

    /** The trained float parameters (by name and shape) a child may start from; null if not kept. */
    @Override public byte[] weights() { return weights == null ? null : weights.clone(); }

    @Override public byte[] model() { return model.clone(); }

    @Override public byte[] checkpoint() { return checkpoint == null ? null : checkpoint.clone(); }
}
