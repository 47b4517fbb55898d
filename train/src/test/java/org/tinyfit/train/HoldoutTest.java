package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.data.DataException;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.Split;

/** The validation part of a training run: the last N samples, or a seeded stratified fraction. */
class HoldoutTest {
    /** ECG5000's shared training file is stored in class order, with classes of very different sizes. */
    static final Dataset ECG = Datasets.open(Path.of(System.getProperty("tinyfit.shared", "../../shared"), "data", "ecg5000-train.csv") + "#shape=140x1,test=5:4").train();

    @Property(tries = 40)
    void theStratifiedHoldOutKeepsEveryClassShareWithinOneSample(@ForAll @DoubleRange(min = 0.02, max = 0.6) double fraction, @ForAll long seed) {
        Split s = Holdout.parse("stratified:" + fraction).split(ECG, seed);
        int[] all = ECG.classCounts(), val = s.validation().classCounts();
        int[] train = s.train().classCounts();
        for (int k = 0; k < all.length; k++) {
            assertTrue(Math.abs(val[k] - all[k] * fraction) <= 1, "class " + k + ": " + val[k] + " of " + all[k] + " held out at " + fraction);
            assertEquals(all[k], train[k] + val[k], "class " + k);
        }
        assertEquals(ECG.size(), s.train().size() + s.validation().size());
    }

    @Test
    void theStratifiedHoldOutIsSeeded() {
        Holdout h = Holdout.DEFAULT;
        assertEquals(ids(h.split(ECG, 3).validation()), ids(h.split(ECG, 3).validation()));
        assertNotEquals(ids(h.split(ECG, 3).validation()), ids(h.split(ECG, 4).validation()));
    }

    @Test
    void aCountHoldsOutTheLastSamples() {
        Split s = Holdout.parse("40").split(ECG, 1);
        assertEquals(ECG.size() - 40, s.train().size());
        assertEquals(java.util.stream.IntStream.range(ECG.size() - 40, ECG.size()).boxed().toList(), ids(s.validation()));
    }

    @Test
    void mistakesAreOneLineDataErrors() {
        assertTrue(assertThrows(DataException.class, () -> Holdout.parse("ten")).getMessage().contains("stratified:F"));
        assertTrue(assertThrows(DataException.class, () -> Holdout.parse("stratified:1.5")).getMessage().contains("[0, 1)"));
        assertTrue(assertThrows(DataException.class, () -> Holdout.parse(ECG.size() + "").split(ECG, 1)).getMessage().contains("must be at least 0 and below the"));
    }

    /** Each sample's identity: its first value and its label, which the split must keep together. */
    private static java.util.List<Integer> ids(Dataset d) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < d.size(); i++) out.add(indexIn(d, i));
        return out;
    }

    private static int indexIn(Dataset d, int i) {
        float[] x = new float[d.sampleLength()];
        d.copySample(i, x, 0);
        float[] y = new float[ECG.sampleLength()];
        for (int j = 0; j < ECG.size(); j++) {
            ECG.copySample(j, y, 0);
            if (java.util.Arrays.equals(x, y) && ECG.label(j) == d.label(i)) return j;
        }
        throw new AssertionError("sample " + i + " is not in the data");
    }
}
