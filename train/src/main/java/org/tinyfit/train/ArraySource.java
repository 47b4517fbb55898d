package org.tinyfit.train;

/** A {@link BatchSource} over arrays in memory: n samples of {@code sampleShape}, labels in [0, classes). */
public record ArraySource(float[] x, int[] labels, int[] sampleShape, int classes) implements BatchSource {
    public ArraySource {
        int per = 1;
        for (int d : sampleShape) per *= d;
        if ((long) labels.length * per != x.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + x.length + " values, expected " + per + " values per sample");
        }
    }

    @Override public int size() { return labels.length; }

    @Override public int[] sampleShape() { return sampleShape.clone(); }

    @Override public void fill(int[] order, int from, int to, float[] xs, int[] ys) {
        int per = sampleSize();
        for (int i = from; i < to; i++) {
            int s = order[i];
            System.arraycopy(x, s * per, xs, (i - from) * per, per);
            ys[i - from] = labels[s];
        }
    }

    /** Samples [from, to) as a new source (copies). */
    public ArraySource slice(int from, int to) {
        int per = sampleSize();
        return new ArraySource(java.util.Arrays.copyOfRange(x, from * per, to * per), java.util.Arrays.copyOfRange(labels, from, to), sampleShape, classes);
    }
}
