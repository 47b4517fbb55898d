package org.tinyfit.data;

/**
 * N labelled samples of one fixed shape. A sample is read as floats into a caller's buffer, so that
 * a dataset can keep its values compact (uint8 stays uint8) or memory-mapped.
 * Implementations are safe for concurrent reads.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** The shape of one sample (NHWC without N, [length, channels], or [features]); a fresh copy. */
    int[] sampleShape();

    /** Number of classes; every label is in [0, numClasses). */
    int numClasses();

    /** The class of sample {@code index}. */
    int label(int index);

    /** Writes sample {@code index} as {@link #sampleLength()} floats into {@code dst} from {@code offset}. */
    void copySample(int index, float[] dst, int offset);

    /** Floats in one sample: the product of the sample shape. */
    default int sampleLength() {
        int n = 1;
        for (int d : sampleShape()) n *= d;
        return n;
    }

    default Layout layout() { return Layout.of(sampleShape()); }

    /** Number of channels: the last dimension of the sample shape. */
    default int channels() {
        int[] s = sampleShape();
        return s[s.length - 1];
    }

    /** The samples at these indices of this dataset, in this order. */
    default Dataset subset(int[] indices) { return new Subset(this, indices); }

    /** Where sample {@code index} comes from, for messages: {@code "data.csv line 7"}, or {@code "sample 12"}. */
    default String where(int index) { return "sample " + index; }

    /** The first sample whose label is {@code classes} or more, or -1 when every label is below it. */
    default int firstLabelAtLeast(int classes) {
        for (int i = 0; i < size(); i++) if (label(i) >= classes) return i;
        return -1;
    }

    /** Counts of each label, indexed by class. */
    default int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int i = 0; i < size(); i++) counts[label(i)]++;
        return counts;
    }
}
