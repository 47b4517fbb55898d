package org.tinyfit.bench;

/**
 * The tinyfit side of {@link TrainThroughput}. The training engine (org.tinyfit.train) is not on
 * main in this branch yet, so this side refuses to run with a message saying so; the PyTorch side
 * has already printed its numbers by then.
 */
final class TrainThroughputTinyfit implements TrainThroughput.Side {
    TrainThroughputTinyfit(int threads, float learningRate) {
        throw new IllegalStateException("tinyfit side unavailable: the training engine (org.tinyfit.train) is not "
                + "merged into this branch; merge main once it has landed and add it here");
    }

    @Override public String name() { return "tinyfit"; }

    @Override public void trainStep(float[] features, int[] labels, int n) {
        throw new IllegalStateException("tinyfit side unavailable");
    }

    @Override public float lastLoss() { return Float.NaN; }

    @Override public void close() {}
}
