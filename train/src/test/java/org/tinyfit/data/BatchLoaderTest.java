package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    static List<Integer> epochOrder(BatchLoader loader, int epoch) {
        List<Integer> seen = new ArrayList<>();
        Batch b = loader.newBatch();
        loader.startEpoch(epoch);
        while (loader.next(b)) {
            for (int j = 0; j < b.size(); j++) seen.add((int) b.features()[j * b.sampleLength()]);
        }
        return seen;
    }

    @Test
    void anEpochVisitsEverySampleOnceWithItsLabel() {
        Dataset d = SplitsTest.indexed(103, 5);
        BatchLoader loader = BatchLoader.builder(d).batchSize(10).shuffle(3).build();
        Batch b = loader.newBatch();
        loader.startEpoch(0);
        Set<Integer> seen = new HashSet<>();
        int batches = 0;
        while (loader.next(b)) {
            batches++;
            for (int j = 0; j < b.size(); j++) {
                int id = (int) b.features()[j];
                assertTrue(seen.add(id));
                assertEquals(d.label(id), b.labels()[j]);
            }
        }
        assertEquals(103, seen.size());
        assertEquals(11, batches);
        assertEquals(loader.batchesPerEpoch(), batches);
    }

    @net.jqwik.api.Property(tries = 60)
    void everyEpochYieldsBatchesPerEpochBatchesOfDistinctSamples(
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 120) int n,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 40) int batchSize,
            @net.jqwik.api.ForAll boolean dropLast, @net.jqwik.api.ForAll long seed) {
        BatchLoader loader = BatchLoader.builder(SplitsTest.indexed(n, 3)).batchSize(batchSize).shuffle(seed)
                .dropLast(dropLast).build();
        List<Integer> seen = epochOrder(loader, 2);
        assertEquals(new HashSet<>(seen).size(), seen.size());
        assertEquals(dropLast ? n / batchSize * batchSize : n, seen.size());
        Batch b = loader.newBatch();
        loader.startEpoch(0);
        int batches = 0;
        while (loader.next(b)) batches++;
        assertEquals(loader.batchesPerEpoch(), batches);
    }

    @Test
    void shuffleIsSeededPerEpoch() {
        Dataset d = SplitsTest.indexed(200, 2);
        BatchLoader a = BatchLoader.builder(d).batchSize(16).shuffle(42).build();
        BatchLoader b = BatchLoader.builder(d).batchSize(16).shuffle(42).build();
        assertEquals(epochOrder(a, 1), epochOrder(b, 1));
        assertNotEquals(epochOrder(a, 0), epochOrder(a, 1));
        assertNotEquals(epochOrder(a, 0), epochOrder(BatchLoader.builder(d).batchSize(16).shuffle(43).build(), 0));
        List<Integer> stored = epochOrder(BatchLoader.builder(d).batchSize(16).build(), 0);
        for (int i = 0; i < 200; i++) assertEquals(i, stored.get(i));
    }

    @Test
    void dropLastSkipsTheShortBatchAndOtherwiseItsTailIsZero() {
        Dataset d = SplitsTest.indexed(25, 2);
        assertEquals(20, epochOrder(BatchLoader.builder(d).batchSize(10).dropLast(true).build(), 0).size());
        BatchLoader loader = BatchLoader.builder(d).batchSize(10).build();
        Batch b = loader.newBatch();
        loader.startEpoch(0);
        loader.next(b);
        loader.next(b);
        assertTrue(loader.next(b));
        assertEquals(5, b.size());
        for (int j = 5; j < 10; j++) assertEquals(0f, b.features()[j]);
        assertFalse(loader.next(b));
    }

    @Test
    void augmentationOfASampleDoesNotDependOnBatchSizeOrOrder() {
        float[] v = new float[40 * 16];
        for (int i = 0; i < v.length; i++) v[i] = i % 16 + 1 + 100 * (i / 16);
        int[] y = new int[40];
        Dataset d = InMemory.of(v, y, 4, 4, 1);
        Augmentation crop = new Augmentation.RandomCrop(1), flip = new Augmentation.HorizontalFlip(0.5);
        float[][] one = collect(BatchLoader.builder(d).batchSize(7).shuffle(9).augment(crop, flip).build());
        float[][] two = collect(BatchLoader.builder(d).batchSize(40).seed(9).augment(crop, flip).build());
        for (int i = 0; i < 40; i++) assertArrayEquals(one[i], two[i], "sample " + i);
        int changed = 0;
        for (int i = 0; i < 40; i++) if (!java.util.Arrays.equals(one[i], TestFiles.sample(d, i))) changed++;
        assertTrue(changed > 20, "augmentation should change most samples, changed " + changed);
    }

    /** Samples of epoch 0 by dataset index (recovered from the largest value, 100 × index + 1..16). */
    private static float[][] collect(BatchLoader loader) {
        float[][] out = new float[loader.dataset().size()][];
        Batch b = loader.newBatch();
        loader.startEpoch(0);
        while (loader.next(b)) {
            for (int j = 0; j < b.size(); j++) {
                float[] s = java.util.Arrays.copyOfRange(b.features(), j * 16, (j + 1) * 16);
                float max = 0;
                for (float f : s) max = Math.max(max, f);
                out[(int) (max / 100)] = s;
            }
        }
        return out;
    }

    @Test
    void normalizationIsAppliedAfterAugmentation() {
        Dataset d = InMemory.of(new float[] {1, 2, 3, 4}, new int[1], 2, 2, 1);
        Normalization n = new Normalization(new float[] {1}, new float[] {2});
        BatchLoader loader = BatchLoader.builder(d).batchSize(1).augment(new Augmentation.HorizontalFlip(1)).normalize(n).build();
        Batch b = loader.newBatch();
        assertTrue(loader.next(b));
        assertArrayEquals(new float[] {2, 0, 6, 4}, b.features());
    }

    @Test
    void fillingBatchesAllocatesNothingPerBatch() {
        byte[] px = new byte[512 * 28 * 28];
        Dataset d = InMemory.ofBytes(px, new int[512], 28, 28, 1);
        BatchLoader loader = BatchLoader.builder(d).batchSize(64).shuffle(1)
                .augment(new Augmentation.RandomCrop(2), new Augmentation.HorizontalFlip(0.5)).build();
        Batch b = loader.newBatch();
        for (int e = 0; e < 20; e++) { // warm up
            loader.startEpoch(e);
            while (loader.next(b)) { }
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        int batches = 0;
        for (int e = 20; e < 30; e++) {
            loader.startEpoch(e);
            while (loader.next(b)) batches++;
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(80, batches);
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes over 80 batches");
    }

    @Test
    void aBatchFromAnotherLoaderIsRefused() {
        Dataset d = SplitsTest.indexed(10, 2);
        BatchLoader loader = BatchLoader.builder(d).batchSize(4).build();
        assertThrows(DataException.class, () -> loader.next(new Batch(5, new int[] {1})));
    }

    @Test
    void oneHotMarksEachLabel() {
        Dataset d = InMemory.of(new float[] {0, 0, 0}, new int[] {2, 0, 1}, 1);
        BatchLoader loader = BatchLoader.builder(d).batchSize(4).build();
        Batch b = loader.newBatch();
        loader.next(b);
        float[] t = new float[12];
        b.oneHot(t, 3);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0}, t);
    }

    @Test
    void startingAnEpochAtABatchYieldsWhatAnUninterruptedEpochYieldsFromThere() {
        Dataset d = SplitsTest.indexed(53, 4);
        BatchLoader loader = BatchLoader.builder(d).batchSize(10).shuffle(9)
                .augment(new Augmentation.GaussianNoise(0.5)).build();
        Batch b = loader.newBatch();
        List<float[]> whole = new ArrayList<>();
        List<int[]> wholeLabels = new ArrayList<>();
        loader.startEpoch(2);
        while (loader.next(b)) {
            whole.add(java.util.Arrays.copyOf(b.features(), b.size() * b.sampleLength()));
            wholeLabels.add(java.util.Arrays.copyOf(b.labels(), b.size()));
        }
        loader.startEpoch(2, 3);
        for (int k = 3; k < whole.size(); k++) {
            assertTrue(loader.next(b));
            assertArrayEquals(whole.get(k), java.util.Arrays.copyOf(b.features(), b.size() * b.sampleLength()));
            assertArrayEquals(wholeLabels.get(k), java.util.Arrays.copyOf(b.labels(), b.size()));
        }
        assertFalse(loader.next(b));
        assertThrows(DataException.class, () -> loader.startEpoch(0, 7));
    }
}
