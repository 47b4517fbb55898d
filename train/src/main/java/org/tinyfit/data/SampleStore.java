package org.tinyfit.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Where the values of a dataset's samples live; samples are converted to float only when copied out. */
sealed interface SampleStore permits SampleStore.Floats, SampleStore.Buffers {
    int count();

    int sampleLength();

    void copy(int index, float[] dst, int offset);

    /** Bytes of values held (on the heap or mapped). */
    long storedBytes();

    /** Samples held as floats on the heap, one after another. */
    record Floats(float[] values, int sampleLength) implements SampleStore {
        public Floats {
            if (sampleLength <= 0 || values.length % sampleLength != 0) {
                throw new IllegalArgumentException(values.length + " values do not split into samples of " + sampleLength);
            }
        }

        @Override public int count() { return values.length / sampleLength; }

        @Override public void copy(int index, float[] dst, int offset) {
            System.arraycopy(values, index * sampleLength, dst, offset, sampleLength);
        }

        @Override public long storedBytes() { return 4L * values.length; }
    }

    /**
     * Samples in their stored encoding inside byte buffers (heap or memory-mapped). Each chunk holds
     * {@code samplesPerChunk} whole samples (the last maybe fewer), so no sample straddles two buffers.
     * Only absolute reads are used, so concurrent readers are safe.
     */
    record Buffers(List<ByteBuffer> chunks, int samplesPerChunk, int count, int sampleLength, ElementType type)
            implements SampleStore {
        public Buffers {
            chunks = List.copyOf(chunks);
            long capacity = 0;
            for (ByteBuffer b : chunks) capacity += b.limit();
            if (capacity < (long) count * sampleLength * type.bytes()) {
                throw new IllegalArgumentException("buffers hold " + capacity + " bytes, need "
                        + (long) count * sampleLength * type.bytes());
            }
        }

        /** One buffer holding all samples. */
        static Buffers of(ByteBuffer data, ByteOrder order, int count, int sampleLength, ElementType type) {
            return new Buffers(List.of(data.duplicate().order(order)), Math.max(count, 1), count, sampleLength, type);
        }

        @Override public void copy(int index, float[] dst, int offset) {
            ByteBuffer b = chunks.get(index / samplesPerChunk);
            int base = (index % samplesPerChunk) * sampleLength * type.bytes();
            int n = sampleLength;
            switch (type) {
                case U8 -> { for (int i = 0; i < n; i++) dst[offset + i] = b.get(base + i) & 0xFF; }
                case I8 -> { for (int i = 0; i < n; i++) dst[offset + i] = b.get(base + i); }
                case I16 -> { for (int i = 0; i < n; i++) dst[offset + i] = b.getShort(base + 2 * i); }
                case I32 -> { for (int i = 0; i < n; i++) dst[offset + i] = b.getInt(base + 4 * i); }
                case I64 -> { for (int i = 0; i < n; i++) dst[offset + i] = b.getLong(base + 8 * i); }
                case F32 -> { for (int i = 0; i < n; i++) dst[offset + i] = b.getFloat(base + 4 * i); }
                case F64 -> { for (int i = 0; i < n; i++) dst[offset + i] = (float) b.getDouble(base + 8 * i); }
            }
        }

        @Override public long storedBytes() { return (long) count * sampleLength * type.bytes(); }
    }
}
