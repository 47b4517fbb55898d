package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir Path dir;

    private static byte[] pixels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37 + 200);
        return b;
    }

    @Test
    void readsPlainImagesAsUnsignedBytesInNhwc() throws Exception {
        byte[] px = pixels(3 * 2 * 4);
        Path images = TestFiles.write(dir, "train-images-idx3-ubyte", TestFiles.idxU8(px, 3, 2, 4));
        Path labels = TestFiles.write(dir, "train-labels-idx1-ubyte", TestFiles.idxU8(new byte[] {2, 0, 1}, 3));
        Dataset d = IdxReader.read(images, labels);
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {2, 4, 1}, d.sampleShape());
        assertEquals(Layout.IMAGE, d.layout());
        assertEquals(3, d.numClasses());
        assertEquals(2, d.label(0));
        float[] s1 = TestFiles.sample(d, 1);
        for (int i = 0; i < 8; i++) assertEquals(px[8 + i] & 0xFF, s1[i]);
    }

    @Test
    void readsGzippedFilesTheSameAsPlainOnes() throws Exception {
        byte[] px = pixels(5 * 3 * 3);
        byte[] lab = {0, 1, 2, 3, 4};
        Path plain = TestFiles.write(dir, "a-images-idx3-ubyte", TestFiles.idxU8(px, 5, 3, 3));
        Path plainL = TestFiles.write(dir, "a-labels-idx1-ubyte", TestFiles.idxU8(lab, 5));
        Path gz = TestFiles.write(dir, "b-images-idx3-ubyte.gz", TestFiles.gzip(TestFiles.idxU8(px, 5, 3, 3)));
        Path gzL = TestFiles.write(dir, "b-labels-idx1-ubyte.gz", TestFiles.gzip(TestFiles.idxU8(lab, 5)));
        Dataset a = IdxReader.read(plain, plainL), b = IdxReader.read(gz, gzL);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(TestFiles.sample(a, i), TestFiles.sample(b, i));
            assertEquals(a.label(i), b.label(i));
        }
    }

    @Test
    void truncatedFileIsReportedWithSizes() throws Exception {
        byte[] full = TestFiles.idxU8(pixels(4 * 28 * 28), 4, 28, 28);
        Path images = TestFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(full, full.length - 100));
        Path labels = TestFiles.write(dir, "train-labels-idx1-ubyte", TestFiles.idxU8(new byte[4], 4));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(images, labels));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("3136"), e.getMessage());
    }

    @Test
    void truncatedGzipIsReported() throws Exception {
        byte[] gz = TestFiles.gzip(TestFiles.idxU8(pixels(50 * 28 * 28), 50, 28, 28));
        Path images = TestFiles.write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length / 2));
        Path labels = TestFiles.write(dir, "train-labels-idx1-ubyte", TestFiles.idxU8(new byte[50], 50));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(images, labels));
        assertTrue(e.getMessage().startsWith(images.toString()), e.getMessage());
    }

    @Test
    void wrongMagicIsReported() throws Exception {
        Path images = TestFiles.write(dir, "x-images-idx3-ubyte", "PK\u0003\u0004 this is a zip".getBytes());
        Path labels = TestFiles.write(dir, "x-labels-idx1-ubyte", TestFiles.idxU8(new byte[1], 1));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(images, labels));
        assertTrue(e.getMessage().contains("wrong magic 50 4b 03 04"), e.getMessage());
    }

    @Test
    void hugeDimensionsInATinyFileFailBeforeAllocating() throws Exception {
        byte[] header = TestFiles.idxU8(new byte[16], 2_000_000_000, 1000, 1000);
        Path images = TestFiles.write(dir, "x-images-idx3-ubyte", header);
        Path gz = TestFiles.write(dir, "y-images-idx3-ubyte.gz", TestFiles.gzip(TestFiles.idxU8(new byte[16], 60000, 28, 28)));
        Path labels = TestFiles.write(dir, "x-labels-idx1-ubyte", TestFiles.idxU8(new byte[1], 1));
        assertThrows(DataException.class, () -> IdxReader.read(images, labels));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(gz, labels));
        assertTrue(e.getMessage().contains("60000x28x28"), e.getMessage());
    }

    @Test
    void labelCountMustMatchSampleCount() throws Exception {
        Path images = TestFiles.write(dir, "x-images-idx3-ubyte", TestFiles.idxU8(pixels(3 * 4), 3, 2, 2));
        Path labels = TestFiles.write(dir, "x-labels-idx1-ubyte", TestFiles.idxU8(new byte[2], 2));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(images, labels));
        assertTrue(e.getMessage().contains("2 labels for 3 samples"), e.getMessage());
    }

    @Test
    void unknownTypeCodeIsReported() throws Exception {
        byte[] f = TestFiles.idxU8(new byte[4], 1, 2, 2);
        f[2] = 0x07;
        Path images = TestFiles.write(dir, "x-images-idx3-ubyte", f);
        Path labels = TestFiles.write(dir, "x-labels-idx1-ubyte", TestFiles.idxU8(new byte[1], 1));
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(images, labels));
        assertTrue(e.getMessage().contains("type code 0x07"), e.getMessage());
    }

    @Test
    void realFashionMnistHas60000TrainingAnd10000TestImagesOfTenBalancedClasses() {
        Path root = TestFiles.fashionMnist();
        assumeTrue(Files.isDirectory(root), "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        DataSource src = Datasets.open(root.toString());
        Dataset train = src.train(), test = src.test().orElseThrow();
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        assertArrayEquals(new int[] {28, 28, 1}, train.sampleShape());
        assertEquals(10, train.numClasses());
        for (int c : train.classCounts()) assertEquals(6000, c);
        assertEquals(60000L * 784, ((StoredDataset) train).storedBytes(), "pixels stay one byte each in memory");
        for (int c : test.classCounts()) assertEquals(1000, c);
        // first training label of Fashion-MNIST is 9 (ankle boot); pixels are 0..255
        assertEquals(9, train.label(0));
        float[] x = TestFiles.sample(train, 0);
        float max = 0;
        for (float v : x) {
            assertTrue(v >= 0 && v <= 255);
            max = Math.max(max, v);
        }
        assertTrue(max > 200, "an image should have bright pixels, max " + max);
    }
}
