package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir Path dir;

    @Test
    void firstColumnIsTheLabelByDefault() throws Exception {
        Path f = TestFiles.writeText(dir, "a.csv", "label,f1,f2\n1,0.5,-2\n0,3,4e2\n\n2,1,1\n");
        Dataset d = CsvReader.read(f, null, null);
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {2}, d.sampleShape());
        assertEquals(Layout.TABULAR, d.layout());
        assertEquals(3, d.numClasses());
        assertArrayEquals(new int[] {1, 0, 2}, new int[] {d.label(0), d.label(1), d.label(2)});
        assertArrayEquals(new float[] {3, 400}, TestFiles.sample(d, 1));
    }

    @Test
    void aFirstRowOfSamplesIsNotTakenForAHeader() throws Exception {
        Path f = TestFiles.writeText(dir, "noheader.csv", "1,0.25,-2\n0,3,4e2\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, null, null));
        assertEquals(f + " line 1: 1,0.25,-2 is a row of numbers, not a header; add a header row first (e.g. label,f1,f2,...), or the first sample is lost", e.getMessage());
        Path numbered = TestFiles.writeText(dir, "numbered.csv", "0,1,2\n1,0.5,7\n");
        assertEquals(1, CsvReader.read(numbered, null, null).size(), "whole-number column names stay a header");
    }

    @Test
    void labelColumnCanBeChosenByNameOrIndex() throws Exception {
        Path f = TestFiles.writeText(dir, "b.csv", "f1,\"target\",f2\r\n0.5,1,7\r\n0.25,0,8\r\n");
        Dataset byName = CsvReader.read(f, "target", null);
        Dataset byIndex = CsvReader.read(f, "1", null);
        for (Dataset d : new Dataset[] {byName, byIndex}) {
            assertEquals(1, d.label(0));
            assertArrayEquals(new float[] {0.25f, 8}, TestFiles.sample(d, 1));
        }
    }

    @Test
    void badValueNamesLineAndColumn() throws Exception {
        Path f = TestFiles.writeText(dir, "c.csv", "label,AGE,BILL\n0,30,100\n1,abc,5\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, null, null));
        assertTrue(e.getMessage().endsWith("c.csv line 3, column 2 (AGE): 'abc' is not a finite number"), e.getMessage());
    }

    @Test
    void emptyValueAndShortRowAreReported() throws Exception {
        Path empty = TestFiles.writeText(dir, "d.csv", "label,a,b\n0,,1\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(empty, null, null)).getMessage()
                .contains("line 2, column 2 (a): empty value"));
        Path shortRow = TestFiles.writeText(dir, "e.csv", "label,a,b\n0,1,2\n1,2\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(shortRow, null, null)).getMessage()
                .contains("line 3: 2 columns, the header has 3"));
    }

    @Test
    void nonIntegerOrNegativeLabelsAreRejected() throws Exception {
        Path f = TestFiles.writeText(dir, "f.csv", "label,a\n0.5,1\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(f, null, null)).getMessage()
                .contains("line 2, column 1 (label): 0.5 is not a class index"));
        Path g = TestFiles.writeText(dir, "g.csv", "label,a\n-1,1\n");
        assertThrows(DataException.class, () -> CsvReader.read(g, null, null));
    }

    @Test
    void unknownLabelColumnListsTheColumns() throws Exception {
        Path f = TestFiles.writeText(dir, "h.csv", "y,a,b\n0,1,2\n");
        DataException e = assertThrows(DataException.class, () -> CsvReader.read(f, "class", null));
        assertTrue(e.getMessage().contains("no column named 'class'") && e.getMessage().contains("y, a, b"), e.getMessage());
    }

    @Test
    void headerOnlyAndEmptyFilesAreReported() throws Exception {
        assertThrows(DataException.class, () -> CsvReader.read(TestFiles.writeText(dir, "i.csv", "label,a\n"), null, null));
        assertThrows(DataException.class, () -> CsvReader.read(TestFiles.writeText(dir, "j.csv", ""), null, null));
    }

    @Test
    void realEcg5000ReadsAsSequencesWithTheReadmeClassCounts() {
        Path f = TestFiles.shared().resolve("data/ecg5000-train.csv");
        assumeTrue(Files.isRegularFile(f));
        DataSource src = Datasets.open(f + "#shape=140x1");
        Dataset d = src.train();
        assertEquals(500, d.size());
        assertArrayEquals(new int[] {140, 1}, d.sampleShape());
        assertEquals(Layout.SEQUENCE, d.layout());
        assertArrayEquals(new int[] {292, 177, 10, 19, 2}, d.classCounts());
        assertTrue(src.test().isEmpty());
    }

    @Test
    void realCreditDefaultSplitsByRowIndexAsItsReadmeSays() {
        Path f = TestFiles.shared().resolve("data/credit-default.csv");
        assumeTrue(Files.isRegularFile(f));
        DataSource src = Datasets.open(f + "#label=label,test=5:4");
        Dataset train = src.train(), test = src.test().orElseThrow();
        assertEquals(24000, train.size());
        assertEquals(6000, test.size());
        assertArrayEquals(new int[] {23}, train.sampleShape());
        assertEquals(2, train.numClasses());
        int[] all = new int[2];
        for (Dataset d : new Dataset[] {train, test}) for (int k = 0; k < 2; k++) all[k] += d.classCounts()[k];
        assertArrayEquals(new int[] {23364, 6636}, all);
        // test row 0 is file row 4 (0-based data rows); the first data row is train row 0: LIMIT_BAL 20000
        assertEquals(20000f, TestFiles.sample(train, 0)[0]);
    }
}
