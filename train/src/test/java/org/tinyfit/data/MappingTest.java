package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingTest {
    @TempDir Path dir;

    @Test
    void samplesReadTheSameAcrossChunkBoundaries() throws Exception {
        int n = 37, len = 5;
        float[] v = new float[n * len];
        for (int i = 0; i < v.length; i++) v[i] = i * 0.5f;
        byte[] npy = TestFiles.npy(1, "<f4", false, new long[] {n, len}, TestFiles.f32(ByteOrder.LITTLE_ENDIAN, v));
        Path f = TestFiles.write(dir, "x.npy", npy);
        NpyReader.Header h = NpyReader.header(f);
        // 3 samples (60 bytes) per chunk at most: 64-byte chunks round down to whole samples
        SampleStore.Buffers chunked = Mapping.map(f, h.dataOffset(), n, len, ElementType.F32, ByteOrder.LITTLE_ENDIAN, 64);
        assertEquals(3, chunked.samplesPerChunk());
        assertEquals(13, chunked.chunks().size());
        float[] x = new float[len];
        for (int i = 0; i < n; i++) {
            chunked.copy(i, x, 0);
            for (int j = 0; j < len; j++) assertEquals(v[i * len + j], x[j], "sample " + i);
        }
    }

    @Test
    void npyFeaturesAreMemoryMappedNotCopiedToTheHeap() throws Exception {
        byte[] px = new byte[1000 * 784];
        Path x = TestFiles.write(dir, "x.npy", TestFiles.npy(1, "|u1", false, new long[] {1000, 28, 28, 1}, px));
        TestFiles.write(dir, "y.npy", TestFiles.npy(1, "|u1", false, new long[] {1000}, new byte[1000]));
        StoredDataset d = (StoredDataset) Datasets.open(x.toString()).train();
        SampleStore.Buffers store = assertInstanceOf(SampleStore.Buffers.class, d.store());
        assertInstanceOf(MappedByteBuffer.class, store.chunks().get(0));
        assertEquals(ElementType.U8, store.type());
    }

    @Test
    void plainIdxIsMappedAndGzippedIdxStaysUnsignedBytes() throws Exception {
        byte[] idx = TestFiles.idxU8(new byte[10 * 4], 10, 2, 2);
        TestFiles.write(dir, "train-images-idx3-ubyte", idx);
        TestFiles.write(dir, "train-labels-idx1-ubyte", TestFiles.idxU8(new byte[10], 10));
        StoredDataset plain = (StoredDataset) Datasets.open(dir.toString()).train();
        assertInstanceOf(MappedByteBuffer.class, ((SampleStore.Buffers) plain.store()).chunks().get(0));
        Path gzDir = java.nio.file.Files.createDirectory(dir.resolve("gz"));
        TestFiles.write(gzDir, "train-images-idx3-ubyte.gz", TestFiles.gzip(idx));
        TestFiles.write(gzDir, "train-labels-idx1-ubyte.gz", TestFiles.gzip(TestFiles.idxU8(new byte[10], 10)));
        StoredDataset gz = (StoredDataset) Datasets.open(gzDir.toString()).train();
        assertEquals(40, gz.storedBytes());
        assertEquals(ElementType.U8, ((SampleStore.Buffers) gz.store()).type());
    }
}
