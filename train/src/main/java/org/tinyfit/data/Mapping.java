package org.tinyfit.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Memory-maps the sample area of a file in chunks of whole samples, so files over 2 GB work too. */
final class Mapping {
    private static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE - 8;

    private Mapping() {}

    static SampleStore.Buffers map(Path file, long offset, int count, int sampleLength, ElementType type, ByteOrder order)
            throws IOException {
        return map(file, offset, count, sampleLength, type, order, MAX_CHUNK_BYTES);
    }

    /** As above with chunks of at most {@code maxChunkBytes} (rounded down to whole samples, at least one). */
    static SampleStore.Buffers map(Path file, long offset, int count, int sampleLength, ElementType type, ByteOrder order,
            long maxChunkBytes) throws IOException {
        long sampleBytes = (long) sampleLength * type.bytes();
        if (sampleBytes > MAX_CHUNK_BYTES) {
            throw new DataException(file + ": one sample is " + sampleBytes + " bytes; samples over 2 GB are not supported");
        }
        int samplesPerChunk = (int) Math.max(1, Math.min(Math.max(count, 1), maxChunkBytes / Math.max(sampleBytes, 1)));
        List<ByteBuffer> chunks = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long first = 0; first < count; first += samplesPerChunk) {
                long n = Math.min(samplesPerChunk, count - first);
                ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, offset + first * sampleBytes, n * sampleBytes);
                chunks.add(b.order(order));
            }
        }
        if (chunks.isEmpty()) chunks.add(ByteBuffer.allocate(0).order(order));
        return new SampleStore.Buffers(chunks, samplesPerChunk, count, sampleLength, type);
    }
}
