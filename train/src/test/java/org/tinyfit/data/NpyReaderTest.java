package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyReaderTest {
    @TempDir Path dir;

    private static final float[] VALUES = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

    private static byte[] encode(String descr, float[] v) {
        ByteOrder o = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = descr.substring(1);
        int size = Integer.parseInt(kind.substring(1));
        ByteBuffer b = ByteBuffer.allocate(size * v.length).order(o);
        for (float f : v) {
            switch (kind) {
                case "u1", "i1" -> b.put((byte) f);
                case "i2" -> b.putShort((short) f);
                case "i4" -> b.putInt((int) f);
                case "i8" -> b.putLong((long) f);
                case "f4" -> b.putFloat(f);
                case "f8" -> b.putDouble(f);
                default -> throw new IllegalArgumentException(kind);
            }
        }
        return b.array();
    }

    private Path labels(int n) throws Exception {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i % 3;
        return TestFiles.write(dir, "y.npy", TestFiles.npy(1, "<i8", false, new long[] {n}, TestFiles.i64(y)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"|u1", "|i1", "<i2", "<i4", "<i8", "<f4", "<f8", ">f4", ">i4"})
    void everySupportedDtypeReadsTheSameValues(String descr) throws Exception {
        Path x = TestFiles.write(dir, "x.npy", TestFiles.npy(1, descr, false, new long[] {3, 2, 2}, encode(descr, VALUES)));
        Dataset d = NpyReader.read(x, labels(3));
        assertArrayEquals(new int[] {2, 2}, d.sampleShape());
        assertEquals(Layout.SEQUENCE, d.layout());
        assertArrayEquals(new float[] {8, 9, 10, 11}, TestFiles.sample(d, 2));
        assertEquals(2, d.label(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void formatVersionsOneTwoAndThreeAreRead(int major) throws Exception {
        Path x = TestFiles.write(dir, "x.npy",
                TestFiles.npy(major, "<f4", false, new long[] {2, 2, 3, 1}, TestFiles.f32(ByteOrder.LITTLE_ENDIAN, VALUES)));
        Dataset d = NpyReader.read(x, labels(2));
        assertArrayEquals(new int[] {2, 3, 1}, d.sampleShape());
        assertArrayEquals(Arrays.copyOfRange(VALUES, 6, 12), TestFiles.sample(d, 1));
    }

    @Test
    void uint8FeaturesStayBytesInTheStore() throws Exception {
        byte[] px = new byte[100 * 64];
        Arrays.fill(px, (byte) 255);
        Path x = TestFiles.write(dir, "x.npy", TestFiles.npy(1, "|u1", false, new long[] {100, 8, 8, 1}, px));
        StoredDataset d = (StoredDataset) NpyReader.read(x, labels(100));
        assertEquals(100 * 64, d.storedBytes());
        assertEquals(255f, TestFiles.sample(d, 99)[63]);
    }

    @Test
    void fortranOrderIsRejectedWithAFix() throws Exception {
        Path x = TestFiles.write(dir, "x.npy", TestFiles.npy(1, "<f4", true, new long[] {3, 4}, encode("<f4", VALUES)));
        DataException e = assertThrows(DataException.class, () -> NpyReader.read(x, labels(3)));
        assertTrue(e.getMessage().contains("Fortran-order") && e.getMessage().contains("ascontiguousarray"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"<f2", "<c8", "<U5", "|O", "<u4"})
    void unsupportedDtypesAreNamed(String descr) throws Exception {
        Path x = TestFiles.write(dir, "x.npy", TestFiles.npy(1, descr, false, new long[] {1, 1}, new byte[16]));
        DataException e = assertThrows(DataException.class, () -> NpyReader.read(x, labels(1)));
        assertTrue(e.getMessage().contains("dtype '" + descr + "' is not supported"), e.getMessage());
    }

    @Test
    void truncatedDataAndLyingShapesFailBeforeMapping() throws Exception {
        byte[] full = TestFiles.npy(1, "<f4", false, new long[] {3, 4}, encode("<f4", VALUES));
        Path cut = TestFiles.write(dir, "x.npy", Arrays.copyOf(full, full.length - 4));
        DataException e = assertThrows(DataException.class, () -> NpyReader.read(cut, labels(3)));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("48 bytes"), e.getMessage());
        Path huge = TestFiles.write(dir, "h.npy",
                TestFiles.npy(1, "<f8", false, new long[] {4_000_000_000L, 4_000_000_000L, 4_000_000_000L}, new byte[8]));
        assertThrows(DataException.class, () -> NpyReader.read(huge, labels(3)));
    }

    @Test
    void headerLengthLargerThanTheFileIsReported() throws Exception {
        byte[] f = TestFiles.npy(2, "<f4", false, new long[] {1, 1}, new byte[4]);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 0x7fff_0000);
        Path x = TestFiles.write(dir, "x.npy", f);
        DataException e = assertThrows(DataException.class, () -> NpyReader.read(x, labels(1)));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());
    }

    @Test
    void badMagicAndUnknownVersionAreReported() throws Exception {
        Path x = TestFiles.write(dir, "x.npy", "not numpy at all".getBytes());
        assertTrue(assertThrows(DataException.class, () -> NpyReader.read(x, labels(1))).getMessage().contains("not a .npy file"));
        byte[] f = TestFiles.npy(1, "<f4", false, new long[] {1, 1}, new byte[4]);
        f[6] = 9;
        Path v = TestFiles.write(dir, "v.npy", f);
        assertTrue(assertThrows(DataException.class, () -> NpyReader.read(v, labels(1))).getMessage().contains("version 9"));
    }

    @Test
    void labelCountMustMatch() throws Exception {
        Path x = TestFiles.write(dir, "x.npy", TestFiles.npy(1, "<f4", false, new long[] {3, 4}, encode("<f4", VALUES)));
        DataException e = assertThrows(DataException.class, () -> NpyReader.read(x, labels(2)));
        assertTrue(e.getMessage().contains("2 labels for 3 samples"), e.getMessage());
    }

    @Test
    void npzStoredAndCompressedGiveTheSameDataset() throws Exception {
        byte[] x = TestFiles.npy(1, "|u1", false, new long[] {3, 2, 2, 1}, encode("|u1", VALUES));
        byte[] y = TestFiles.npy(1, "<i8", false, new long[] {3}, TestFiles.i64(2, 1, 0));
        Path stored = TestFiles.write(dir, "s.npz", TestFiles.npz(false, "x", x, "y", y));
        Path deflated = TestFiles.write(dir, "c.npz", TestFiles.npz(true, "x", x, "y", y));
        for (Path p : new Path[] {stored, deflated}) {
            Dataset d = NpzReader.read(p, "x", "y");
            assertArrayEquals(new int[] {2, 2, 1}, d.sampleShape());
            assertArrayEquals(new float[] {4, 5, 6, 7}, TestFiles.sample(d, 1));
            assertEquals(0, d.label(2));
        }
    }

    @Test
    void npzMissingArrayListsWhatIsThere() throws Exception {
        byte[] x = TestFiles.npy(1, "<f4", false, new long[] {3, 4}, encode("<f4", VALUES));
        Path p = TestFiles.write(dir, "m.npz", TestFiles.npz(true, "images", x));
        DataException e = assertThrows(DataException.class, () -> NpzReader.read(p, "x", "y"));
        assertTrue(e.getMessage().contains("no array named 'x'") && e.getMessage().contains("images"), e.getMessage());
    }

    @Test
    void npzThatIsNotAZipIsReported() throws Exception {
        Path p = TestFiles.write(dir, "bad.npz", "garbage".getBytes());
        assertThrows(DataException.class, () -> NpzReader.read(p, "x", "y"));
    }
}
