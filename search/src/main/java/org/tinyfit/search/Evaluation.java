package org.tinyfit.search;

/**
 * What training candidate {@code id} gave: its accuracy on the validation part, the inference
 * model it ended with ({@code .tflite} bytes), the seconds it took and, when the training stopped
 * before the end of its recipe (a rung of successive halving), the checkpoint it goes on from
 * (null otherwise).
 */
public record Evaluation(int id, double valAccuracy, byte[] model, double seconds, byte[] checkpoint) {
    public Evaluation {
        model = model.clone();
        checkpoint = checkpoint == null ? null : checkpoint.clone();
    }

    public Evaluation(int id, double valAccuracy, byte[] model, double seconds) {
        this(id, valAccuracy, model, seconds, null);
    }

    @Override public byte[] model() { return model.clone(); }

    @Override public byte[] checkpoint() { return checkpoint == null ? null : checkpoint.clone(); }
}
