package org.tinyfit.train;

/**
 * Labelled samples the trainer reads in batches: float features per sample (NHWC for images) and
 * an int label. The trainer chooses the order; a source only copies the samples it is asked for.
 */
public interface BatchSource {
    int size();

    /** The shape of one sample, e.g. [28, 28, 1]. */
    int[] sampleShape();

    int classes();

    /** Copies samples {@code order[from..to)} into {@code x} (sample after sample) and their labels into {@code y}. */
    void fill(int[] order, int from, int to, float[] x, int[] y);

    default int sampleSize() {
        int n = 1;
        for (int d : sampleShape()) n *= d;
        return n;
    }
}
