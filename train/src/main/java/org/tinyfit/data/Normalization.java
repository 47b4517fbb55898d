package org.tinyfit.data;

import java.util.Arrays;

/**
 * A per-channel affine map {@code x' = (x - shift[c]) * scale[c]}, where the channel is the last
 * dimension of the sample (for tabular rows: each feature). Compute it on the training split and
 * apply the same one to every split.
 */
public record Normalization(float[] shift, float[] scale) {
    public Normalization {
        if (shift.length != scale.length || shift.length == 0) {
            throw new DataException("normalization needs one shift and one scale per channel, got "
                    + shift.length + " and " + scale.length);
        }
        shift = shift.clone();
        scale = scale.clone();
    }

    public int channels() { return shift.length; }

    @Override public float[] shift() { return shift.clone(); }

    @Override public float[] scale() { return scale.clone(); }

    /** Zero mean and unit standard deviation per channel on {@code train}; a constant channel gets scale 1. */
    public static Normalization standardize(Dataset train) {
        int c = train.channels();
        double[] sum = new double[c];
        long perChannel = countPerChannel(train);
        float[] buf = new float[train.sampleLength()];
        for (int i = 0; i < train.size(); i++) {
            train.copySample(i, buf, 0);
            for (int j = 0; j < buf.length; j++) sum[j % c] += buf[j];
        }
        double[] mean = new double[c];
        for (int k = 0; k < c; k++) mean[k] = sum[k] / perChannel;
        double[] sq = new double[c];
        for (int i = 0; i < train.size(); i++) {
            train.copySample(i, buf, 0);
            for (int j = 0; j < buf.length; j++) {
                double d = buf[j] - mean[j % c];
                sq[j % c] += d * d;
            }
        }
        float[] shift = new float[c], scale = new float[c];
        for (int k = 0; k < c; k++) {
            double std = Math.sqrt(sq[k] / perChannel);
            shift[k] = (float) mean[k];
            scale[k] = std > 0 ? (float) (1 / std) : 1f;
        }
        return new Normalization(shift, scale);
    }

    /** Maps each channel's range on {@code train} to [0, 1]; a constant channel gets scale 1. */
    public static Normalization minMax(Dataset train) {
        int c = train.channels();
        countPerChannel(train);
        float[] min = new float[c], max = new float[c];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        float[] buf = new float[train.sampleLength()];
        for (int i = 0; i < train.size(); i++) {
            train.copySample(i, buf, 0);
            for (int j = 0; j < buf.length; j++) {
                int k = j % c;
                if (buf[j] < min[k]) min[k] = buf[j];
                if (buf[j] > max[k]) max[k] = buf[j];
            }
        }
        float[] scale = new float[c];
        for (int k = 0; k < c; k++) {
            double range = (double) max[k] - min[k];
            scale[k] = range > 0 ? (float) (1 / range) : 1f;
        }
        return new Normalization(min, scale);
    }

    private static long countPerChannel(Dataset train) {
        if (train.size() == 0) throw new DataException("cannot compute a normalization on an empty training split");
        return (long) train.size() * (train.sampleLength() / train.channels());
    }

    /** Normalizes {@code length} values (whole samples) in place from {@code offset}. */
    public void apply(float[] x, int offset, int length) {
        int c = shift.length;
        for (int base = offset, end = offset + length; base < end; base += c) {
            for (int k = 0; k < c; k++) x[base + k] = (x[base + k] - shift[k]) * scale[k];
        }
    }

    /** A view of {@code data} whose samples come out normalized. */
    public Dataset applyTo(Dataset data) {
        if (data.channels() != channels()) {
            throw new DataException("normalization has " + channels() + " channels, the data has " + data.channels());
        }
        return new Normalized(data, this);
    }

    private record Normalized(Dataset data, Normalization norm) implements Dataset {
        @Override public int size() { return data.size(); }

        @Override public int[] sampleShape() { return data.sampleShape(); }

        @Override public int sampleLength() { return data.sampleLength(); }

        @Override public int numClasses() { return data.numClasses(); }

        @Override public int label(int index) { return data.label(index); }

        @Override public String where(int index) { return data.where(index); }

        @Override public void copySample(int index, float[] dst, int offset) {
            data.copySample(index, dst, offset);
            norm.apply(dst, offset, data.sampleLength());
        }
    }

    @Override public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(n.shift, shift) && Arrays.equals(n.scale, scale);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(shift) + Arrays.hashCode(scale); }

    @Override public String toString() {
        return "Normalization[shift=" + Arrays.toString(shift) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
