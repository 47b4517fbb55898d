package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SplitsTest {
    /** Sample i holds the single value i, so a sample tells its own index. */
    static Dataset indexed(int n, int classes) {
        float[] v = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
            y[i] = (i / 3) % classes;
        }
        return InMemory.of(v, y, 1);
    }

    static Set<Integer> ids(Dataset d) {
        Set<Integer> s = new HashSet<>();
        float[] x = new float[1];
        for (int i = 0; i < d.size(); i++) {
            d.copySample(i, x, 0);
            s.add((int) x[0]);
        }
        return s;
    }

    @Property(tries = 50)
    void randomSplitIsAPartitionOfTheRequestedSize(@ForAll @IntRange(min = 1, max = 500) int n,
            @ForAll @DoubleRange(min = 0, max = 1) double fraction, @ForAll long seed) {
        Split s = Splits.random(indexed(n, 3), fraction, seed);
        Set<Integer> train = ids(s.train()), val = ids(s.validation());
        assertEquals(n, train.size() + val.size());
        train.retainAll(val);
        assertTrue(train.isEmpty());
        assertEquals(Math.round(n * fraction), s.validation().size());
    }

    @Test
    void sameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        Dataset d = indexed(1000, 4);
        assertEquals(ids(Splits.random(d, 0.2, 7).validation()), ids(Splits.random(d, 0.2, 7).validation()));
        assertNotEquals(ids(Splits.random(d, 0.2, 7).validation()), ids(Splits.random(d, 0.2, 8).validation()));
        assertEquals(ids(Splits.stratified(d, 0.2, 7).validation()), ids(Splits.stratified(d, 0.2, 7).validation()));
    }

    @Property(tries = 30)
    void stratifiedSplitKeepsEachClassProportion(@ForAll @IntRange(min = 2, max = 9) int classes, @ForAll long seed) {
        Dataset d = indexed(900, classes);
        Split s = Splits.stratified(d, 0.25, seed);
        int[] all = d.classCounts(), val = s.validation().classCounts();
        for (int k = 0; k < classes; k++) assertEquals(Math.round(all[k] * 0.25), val[k], "class " + k);
        assertEquals(classes, s.train().numClasses());
    }

    @Test
    void everyNthPutsIndexRemainderInValidation() {
        Split s = Splits.everyNth(indexed(23, 2), 5, 4);
        assertEquals(Set.of(4, 9, 14, 19), ids(s.validation()));
        assertEquals(19, s.train().size());
        assertThrows(DataException.class, () -> Splits.everyNth(indexed(5, 2), 5, 5));
    }

    @Test
    void partsKeepStoredOrder() {
        Split s = Splits.random(indexed(200, 2), 0.5, 1);
        float prev = -1;
        for (int i = 0; i < s.train().size(); i++) {
            float v = TestFiles.sample(s.train(), i)[0];
            assertTrue(v > prev);
            prev = v;
        }
    }
}
