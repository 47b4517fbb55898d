package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir Path dir;

    private static byte[] f32npy(int n, int len) {
        float[] v = new float[n * len];
        for (int i = 0; i < v.length; i++) v[i] = i;
        return TestFiles.npy(1, "<f4", false, new long[] {n, len}, TestFiles.f32(ByteOrder.LITTLE_ENDIAN, v));
    }

    private static byte[] labelsNpy(int n) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i % 2;
        return TestFiles.npy(1, "<i8", false, new long[] {n}, TestFiles.i64(y));
    }

    @Test
    void directoryWithIdxFilesOpensTrainAndTestParts() throws Exception {
        TestFiles.write(dir, "train-images-idx3-ubyte.gz", TestFiles.gzip(TestFiles.idxU8(new byte[6 * 4], 6, 2, 2)));
        TestFiles.write(dir, "train-labels-idx1-ubyte.gz", TestFiles.gzip(TestFiles.idxU8(new byte[] {0, 1, 2, 0, 1, 2}, 6)));
        TestFiles.write(dir, "t10k-images-idx3-ubyte", TestFiles.idxU8(new byte[2 * 4], 2, 2, 2));
        TestFiles.write(dir, "t10k-labels-idx1-ubyte", TestFiles.idxU8(new byte[] {1, 1}, 2));
        DataSource s = Datasets.open(dir.toString());
        assertEquals(6, s.train().size());
        assertEquals(2, s.test().orElseThrow().size());
        assertEquals(1, s.test().get().label(0));
        DataSource single = Datasets.open(dir.resolve("t10k-images-idx3-ubyte").toString());
        assertEquals(2, single.train().size());
    }

    @Test
    void directoryWithNpyPairOpensWithItsTestPair() throws Exception {
        TestFiles.write(dir, "x.npy", f32npy(10, 3));
        TestFiles.write(dir, "y.npy", labelsNpy(10));
        TestFiles.write(dir, "x_test.npy", f32npy(4, 3));
        TestFiles.write(dir, "y_test.npy", labelsNpy(4));
        DataSource s = Datasets.open(dir.toString());
        assertEquals(10, s.train().size());
        assertEquals(4, s.test().orElseThrow().size());
        assertEquals(10, Datasets.open(dir.resolve("x.npy").toString()).train().size());
    }

    @Test
    void trainAndTestAgreeOnTheClassCount() throws Exception {
        TestFiles.write(dir, "x.npy", f32npy(4, 3));
        TestFiles.write(dir, "y.npy", TestFiles.npy(1, "<i8", false, new long[] {4}, TestFiles.i64(0, 1, 0, 1)));
        TestFiles.write(dir, "x_test.npy", f32npy(2, 3));
        TestFiles.write(dir, "y_test.npy", TestFiles.npy(1, "<i8", false, new long[] {2}, TestFiles.i64(4, 0)));
        DataSource s = Datasets.open(dir.toString());
        assertEquals(5, s.train().numClasses());
        assertEquals(5, s.test().orElseThrow().numClasses());
    }

    @Test
    void npyWithNamedLabelsAndShapeOption() throws Exception {
        Path x = TestFiles.write(dir, "feats.npy", f32npy(8, 6));
        TestFiles.write(dir, "classes.npy", labelsNpy(8));
        DataSource s = Datasets.open(x + "#labels=classes.npy,shape=3x2");
        assertArrayEquals(new int[] {3, 2}, s.train().sampleShape());
        assertEquals(Layout.SEQUENCE, s.train().layout());
        DataException e = assertThrows(DataException.class, () -> Datasets.open(x.toString()));
        assertTrue(e.getMessage().contains("#labels=FILE.npy"), e.getMessage());
    }

    @Test
    void npzOpensByArrayNames() throws Exception {
        Path p = TestFiles.write(dir, "d.npz", TestFiles.npz(true, "images", f32npy(5, 4), "classes", labelsNpy(5),
                "images_test", f32npy(3, 4), "classes_test", labelsNpy(3)));
        DataSource s = Datasets.open(p + "#x=images,y=classes");
        assertEquals(5, s.train().size());
        assertEquals(3, s.test().orElseThrow().size());
    }

    @Test
    void csvTestRuleSplitsByIndex() throws Exception {
        StringBuilder csv = new StringBuilder("label,a,b\n");
        for (int i = 0; i < 20; i++) csv.append(i % 3).append(',').append(i).append(",0\n");
        Path f = TestFiles.writeText(dir, "t.csv", csv.toString());
        DataSource s = Datasets.open(f + "#test=5:4");
        assertEquals(16, s.train().size());
        assertEquals(4, s.test().orElseThrow().size());
        assertEquals(9f, TestFiles.sample(s.test().get(), 1)[0]);
        assertEquals(3, s.test().get().numClasses());
    }

    @Test
    void csvTestFileWithTheSameColumnsIsTheTestPart() throws Exception {
        Path f = TestFiles.writeText(dir, "ecg-train.csv", "label,a,b\n0,1,2\n1,3,4\n0,5,6\n");
        TestFiles.writeText(dir, "ecg-test.csv", "label,a,b\n1,7,8\n2,9,10\n");
        DataSource s = Datasets.open(f + "#test=ecg-test.csv,shape=2x1");
        assertEquals(3, s.train().size());
        assertEquals(2, s.test().orElseThrow().size());
        assertEquals(2, s.test().get().label(1));
        assertEquals(9f, TestFiles.sample(s.test().get(), 1)[0]);
        assertArrayEquals(new int[] {2, 1}, s.test().get().sampleShape());
        assertEquals(3, s.train().numClasses(), "train and test agree on the class count");
        assertEquals(3, s.test().get().numClasses());
        DataSource byLabel = Datasets.open(f + "#test=ecg-test.csv,label=b");
        assertEquals(8, byLabel.test().orElseThrow().label(0));
    }

    @Test
    void testFilesThatDoNotMatchAreOneLineErrors() throws Exception {
        Path f = TestFiles.writeText(dir, "a.csv", "label,a,b\n0,1,2\n");
        TestFiles.writeText(dir, "other.csv", "label,a,c\n0,1,2\n");
        TestFiles.writeText(dir, "short.csv", "label,a\n0,1\n");
        TestFiles.writeText(dir, "b.txt", "label,a,b\n0,1,2\n");
        String[][] cases = {
            {"#test=other.csv", "column 3 is 'c', the data's is 'b'"},
            {"#test=short.csv", "2 columns, the data has 3"},
            {"#test=b.txt", "must be of the data file's kind"},
            {"#test=nothing.csv", "test= takes M:R"},
        };
        for (String[] c : cases) {
            DataException e = assertThrows(DataException.class, () -> Datasets.open(f + c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void userMistakesAreOneLineErrors() throws Exception {
        Path f = TestFiles.writeText(dir, "t.csv", "label,a\n0,1\n");
        String[] bad = {
            dir.resolve("missing.csv").toString(),
            f + "#colour=red",
            f + "#shape=3x",
            f + "#shape=2x2",
            f + "#test=5",
            f + "#label",
            TestFiles.writeText(dir, "notes.txt", "hello").toString(),
            dir.toString(),
        };
        for (String spec : bad) {
            DataException e = assertThrows(DataException.class, () -> Datasets.open(spec), spec);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        Files.delete(dir.resolve("notes.txt"));
    }
}
