package org.tinyfit.train;

import org.tinyfit.data.Dataset;

/** A {@link BatchSource} over a dataset of the data package (CSV, NPY, NPZ, IDX readers). */
public record DatasetSource(Dataset data) implements BatchSource {
    @Override public int size() { return data.size(); }

    @Override public int[] sampleShape() { return data.sampleShape(); }

    @Override public int classes() { return data.numClasses(); }

    @Override public void fill(int[] order, int from, int to, float[] x, int[] y) {
        int per = data.sampleLength();
        for (int i = from; i < to; i++) {
            data.copySample(order[i], x, (i - from) * per);
            y[i - from] = data.label(order[i]);
        }
    }

    /** Samples [from, to) of this source. */
    public DatasetSource slice(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return new DatasetSource(data.subset(idx));
    }
}
