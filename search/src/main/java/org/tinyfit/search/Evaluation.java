package org.tinyfit.search;

/**
 * What training candidate {@code id} gave: its accuracy on the validation part, the inference
 * model it ended with ({@code .tflite} bytes), and the seconds it took.
 */
public record Evaluation(int id, double valAccuracy, byte[] model, double seconds) {
    public Evaluation { model = model.clone(); }

    @Override public byte[] model() { return model.clone(); }
}
