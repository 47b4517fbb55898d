package org.tinyfit.data;

import java.util.Arrays;

/**
 * Preallocated buffers for one batch: {@code features} holds {@code capacity × sampleLength} floats
 * (sample-major, each sample in its own layout, e.g. NHWC), {@code labels} one class per sample.
 * Only the first {@link #size()} samples are valid; the rest of the buffers are zero.
 */
public final class Batch {
    private final float[] features;
    private final int[] labels;
    private final int[] sampleShape;
    private final int sampleLength;
    private int size;

    public Batch(int capacity, int[] sampleShape) {
        if (capacity <= 0) throw new DataException("batch size must be positive, got " + capacity);
        int length = 1;
        for (int d : sampleShape) length = Math.multiplyExact(length, d);
        this.sampleShape = sampleShape.clone();
        this.sampleLength = length;
        this.features = new float[Math.multiplyExact(capacity, length)];
        this.labels = new int[capacity];
    }

    /** The feature buffer (shared, not copied): sample j starts at {@code j * sampleLength()}. */
    public float[] features() { return features; }

    /** The label buffer (shared, not copied). */
    public int[] labels() { return labels; }

    public int size() { return size; }

    public int capacity() { return labels.length; }

    public int sampleLength() { return sampleLength; }

    public int[] sampleShape() { return sampleShape.clone(); }

    /** Writes one-hot targets for the valid samples into {@code dst} ({@code capacity × numClasses}, rest zero). */
    public void oneHot(float[] dst, int numClasses) {
        if (dst.length < labels.length * numClasses) {
            throw new DataException("one-hot buffer holds " + dst.length + " floats, need " + labels.length * numClasses);
        }
        Arrays.fill(dst, 0, labels.length * numClasses, 0f);
        for (int j = 0; j < size; j++) dst[j * numClasses + labels[j]] = 1f;
    }

    void setSize(int size) {
        if (size < this.size) {
            Arrays.fill(features, size * sampleLength, this.size * sampleLength, 0f);
            Arrays.fill(labels, size, this.size, 0);
        }
        this.size = size;
    }
}
