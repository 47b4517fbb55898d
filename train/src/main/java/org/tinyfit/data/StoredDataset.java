package org.tinyfit.data;

import java.util.Arrays;

/** Samples from a store with their labels: what the readers return. */
final class StoredDataset implements Dataset {
    private final SampleStore store;
    private final int[] labels;
    private final int[] shape;
    private final int numClasses;
    private final String name;
    private final int[] lines;

    StoredDataset(String name, SampleStore store, int[] labels, int[] shape, int numClasses) {
        this(name, store, labels, shape, numClasses, null);
    }

    /** @param lines the text line each sample was read from (for messages), or null when the file is not text */
    StoredDataset(String name, SampleStore store, int[] labels, int[] shape, int numClasses, int[] lines) {
        Layout.of(shape);
        int length = 1;
        for (int d : shape) {
            if (d <= 0) throw new DataException(name + ": sample shape " + Arrays.toString(shape) + " has a dimension <= 0");
            length = Math.multiplyExact(length, d);
        }
        if (length != store.sampleLength()) {
            throw new DataException(name + ": sample shape " + Arrays.toString(shape) + " holds " + length
                    + " values, the data has " + store.sampleLength() + " per sample");
        }
        if (labels.length != store.count()) {
            throw new DataException(name + ": " + store.count() + " samples but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new DataException(name + ": label " + labels[i] + " of sample " + i + " is outside [0, " + numClasses + ")");
            }
        }
        this.name = name;
        this.store = store;
        this.labels = labels;
        this.shape = shape.clone();
        this.numClasses = numClasses;
        if (lines != null && lines.length != labels.length) throw new IllegalArgumentException(lines.length + " line numbers for " + labels.length + " samples");
        this.lines = lines;
    }

    /** A dataset whose class count is one more than its largest label. */
    static StoredDataset of(String name, SampleStore store, int[] labels, int[] shape) {
        return of(name, store, labels, shape, null);
    }

    /** As {@link #of(String, SampleStore, int[], int[])}, each sample read from the text line {@code lines[i]}. */
    static StoredDataset of(String name, SampleStore store, int[] labels, int[] shape, int[] lines) {
        int max = -1;
        for (int l : labels) max = Math.max(max, l);
        return new StoredDataset(name, store, labels, shape, max + 1, lines);
    }

    @Override public int size() { return labels.length; }

    @Override public int[] sampleShape() { return shape.clone(); }

    @Override public int sampleLength() { return store.sampleLength(); }

    @Override public int numClasses() { return numClasses; }

    @Override public int label(int index) { return labels[index]; }

    @Override public void copySample(int index, float[] dst, int offset) {
        if (index < 0 || index >= labels.length) {
            throw new IndexOutOfBoundsException("sample " + index + " of " + labels.length);
        }
        store.copy(index, dst, offset);
    }

    @Override public String where(int index) { return name + (lines == null ? " sample " + index : " line " + lines[index]); }

    /** Bytes the sample values occupy (heap or mapped), for memory checks. */
    long storedBytes() { return store.storedBytes(); }

    SampleStore store() { return store; }

    @Override public String toString() {
        return name + " (" + labels.length + " x " + Arrays.toString(shape) + ", " + numClasses + " classes)";
    }
}
