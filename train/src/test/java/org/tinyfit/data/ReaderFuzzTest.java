package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Damaged files either open or fail with a one-line {@link DataException}; nothing else escapes. */
class ReaderFuzzTest {
    private static final byte[] IDX = TestFiles.idxU8(new byte[12 * 16], 12, 4, 4);
    private static final byte[] IDX_LABELS = TestFiles.idxU8(new byte[12], 12);
    private static final byte[] NPY = TestFiles.npy(1, "<f4", false, new long[] {6, 2, 3},
            TestFiles.f32(ByteOrder.LITTLE_ENDIAN, new float[36]));
    private static final byte[] NPY_LABELS = TestFiles.npy(1, "|u1", false, new long[] {6}, new byte[6]);
    private static final byte[] CSV = "label,a,b,c\n0,1.5,2,3\n1,4,5,6e3\n2,7,8,9\n".getBytes();

    @Provide
    Arbitrary<int[]> edits() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofMinSize(1).ofMaxSize(6);
    }

    /** Each edit picks a position and a byte value; a negative-free int packs both. Also truncates sometimes. */
    private static byte[] damage(byte[] good, int[] edits, int cut) {
        byte[] b = good.clone();
        for (int e : edits) b[e % b.length] = (byte) (e >>> 8);
        return cut > 0 ? Arrays.copyOf(b, Math.max(0, b.length - cut)) : b;
    }

    private static void openOrFailCleanly(Path dir, String name, byte[] data, String labelsName, byte[] labels)
            throws IOException {
        Path dir2 = Files.createTempDirectory(dir, "f");
        Path f = TestFiles.write(dir2, name, data);
        if (labelsName != null) TestFiles.write(dir2, labelsName, labels);
        try {
            DataSource s = Datasets.open(f.toString());
            Dataset d = s.train();
            float[] x = new float[d.sampleLength()];
            for (int i = 0; i < d.size(); i++) {
                d.copySample(i, x, 0);
                assertTrue(d.label(i) >= 0 && d.label(i) < d.numClasses());
            }
        } catch (DataException e) {
            assertFalse(e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
            assertTrue(e.getMessage().length() < 400, e.getMessage());
        } finally {
            try (var files = Files.list(dir2)) {
                for (Path p : files.toList()) Files.delete(p);
            }
            Files.delete(dir2);
        }
    }

    @Property(tries = 200)
    void damagedIdxNeverEscapesAsAnotherException(@ForAll("edits") int[] edits, @ForAll @IntRange(min = 0, max = 40) int cut)
            throws IOException {
        Path dir = Files.createTempDirectory("fuzz-idx");
        dir.toFile().deleteOnExit();
        openOrFailCleanly(dir, "train-images-idx3-ubyte", damage(IDX, edits, cut % 3 == 0 ? cut : 0),
                "train-labels-idx1-ubyte", IDX_LABELS);
        openOrFailCleanly(dir, "train-images-idx3-ubyte.gz",
                damage(TestFiles.gzip(IDX), edits, cut % 2 == 0 ? cut : 0), "train-labels-idx1-ubyte", IDX_LABELS);
    }

    @Property(tries = 200)
    void damagedNpyNeverEscapesAsAnotherException(@ForAll("edits") int[] edits, @ForAll @IntRange(min = 0, max = 40) int cut)
            throws IOException {
        Path dir = Files.createTempDirectory("fuzz-npy");
        dir.toFile().deleteOnExit();
        openOrFailCleanly(dir, "x.npy", damage(NPY, edits, cut % 3 == 0 ? cut : 0), "y.npy", NPY_LABELS);
        openOrFailCleanly(dir, "x.npy", NPY, "y.npy", damage(NPY_LABELS, edits, cut % 2 == 0 ? cut : 0));
        openOrFailCleanly(dir, "d.npz", damage(TestFiles.npz(true, "x", NPY, "y", NPY_LABELS), edits, cut % 2 == 0 ? cut : 0),
                null, null);
    }

    @Property(tries = 200)
    void damagedCsvNeverEscapesAsAnotherException(@ForAll("edits") int[] edits, @ForAll @IntRange(min = 0, max = 40) int cut)
            throws IOException {
        Path dir = Files.createTempDirectory("fuzz-csv");
        dir.toFile().deleteOnExit();
        openOrFailCleanly(dir, "d.csv", damage(CSV, edits, cut % 3 == 0 ? cut : 0), null, null);
    }
}
