package org.tinyfit.data;

/** Datasets built from arrays in memory, for tests and for callers that generate data. */
public final class InMemory {
    private InMemory() {}

    /** Float samples laid out one after another; the class count is one more than the largest label. */
    public static Dataset of(float[] values, int[] labels, int... sampleShape) {
        int length = 1;
        for (int d : sampleShape) length *= d;
        if (length <= 0 || values.length != (long) length * labels.length) {
            throw new DataException(values.length + " values do not make " + labels.length + " samples of "
                    + java.util.Arrays.toString(sampleShape));
        }
        return StoredDataset.of("in-memory", new SampleStore.Floats(values.clone(), length), labels.clone(), sampleShape);
    }

    /** Uint8 samples (kept as bytes), e.g. images. */
    public static Dataset ofBytes(byte[] values, int[] labels, int... sampleShape) {
        int length = 1;
        for (int d : sampleShape) length *= d;
        if (length <= 0 || values.length != (long) length * labels.length) {
            throw new DataException(values.length + " values do not make " + labels.length + " samples of "
                    + java.util.Arrays.toString(sampleShape));
        }
        var store = SampleStore.Buffers.of(java.nio.ByteBuffer.wrap(values.clone()), java.nio.ByteOrder.LITTLE_ENDIAN,
                labels.length, length, ElementType.U8);
        return StoredDataset.of("in-memory", store, labels.clone(), sampleShape);
    }
}
