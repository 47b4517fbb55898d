package org.tinyfit.data;

import java.util.Arrays;

/** The same samples seen with another shape of the same length, e.g. [140] as a sequence [140, 1]. */
record Reshaped(Dataset data, int[] shape) implements Dataset {
    Reshaped {
        Layout.of(shape);
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new DataException("shape " + Arrays.toString(shape) + " has a dimension <= 0");
            n *= d;
        }
        if (n != data.sampleLength()) {
            throw new DataException("shape " + Arrays.toString(shape) + " holds " + n + " values, a sample has "
                    + data.sampleLength() + " " + Arrays.toString(data.sampleShape()));
        }
        shape = shape.clone();
    }

    @Override public int size() { return data.size(); }

    @Override public int[] sampleShape() { return shape.clone(); }

    @Override public int sampleLength() { return data.sampleLength(); }

    @Override public int numClasses() { return data.numClasses(); }

    @Override public int label(int index) { return data.label(index); }

    @Override public String where(int index) { return data.where(index); }

    @Override public void copySample(int index, float[] dst, int offset) { data.copySample(index, dst, offset); }

    @Override public boolean equals(Object o) {
        return o instanceof Reshaped r && r.data.equals(data) && Arrays.equals(r.shape, shape);
    }

    @Override public int hashCode() { return 31 * data.hashCode() + Arrays.hashCode(shape); }

    @Override public String toString() { return data + " as " + Arrays.toString(shape); }
}
