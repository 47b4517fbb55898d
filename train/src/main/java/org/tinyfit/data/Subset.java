package org.tinyfit.data;

import java.util.Arrays;

/** A view of some samples of a parent dataset; the class count stays the parent's, so splits agree on it. */
record Subset(Dataset parent, int[] indices) implements Dataset {
    Subset {
        indices = indices.clone();
        for (int i : indices) {
            if (i < 0 || i >= parent.size()) {
                throw new DataException("subset index " + i + " is outside the dataset of " + parent.size() + " samples");
            }
        }
    }

    @Override public int size() { return indices.length; }

    @Override public int[] sampleShape() { return parent.sampleShape(); }

    @Override public int sampleLength() { return parent.sampleLength(); }

    @Override public int numClasses() { return parent.numClasses(); }

    @Override public int label(int index) { return parent.label(indices[index]); }

    @Override public void copySample(int index, float[] dst, int offset) { parent.copySample(indices[index], dst, offset); }

    @Override public String where(int index) { return parent.where(indices[index]); }

    @Override public int[] indices() { return indices.clone(); }

    @Override public String toString() { return "Subset[" + indices.length + " of " + parent + "]"; }

    @Override public boolean equals(Object o) {
        return o instanceof Subset s && s.parent.equals(parent) && Arrays.equals(s.indices, indices);
    }

    @Override public int hashCode() { return 31 * parent.hashCode() + Arrays.hashCode(indices); }
}
