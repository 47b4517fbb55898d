package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Judging candidates by the memory of tinyfit's optimized deployment (order, plan, in-place and partial
 * execution in tinyfit's C) rather
 * than by TensorFlow Lite Micro's arena for the stored order admits networks the latter rejects,
 * with the same seed and budget, and the best admitted network is at least as accurate.
 */
class JointOptimizationTest {
    @TempDir Path dir;

    @Test void optimizedMemoryAdmitsWhatTheStoredOrderRejects() throws Exception {
        SearchData data = Synthetic.data(Synthetic.images(600, 4));
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 3);
        Search probe = new Search(space, SearchTest.NANO, new Limits(64 * 1024, 256 * 1024, 0, "c"), new Search.Config(11, 4, 2, 2, 1, 0));
        // The SRAM limit that the most random candidates meet after tinyfit's order and plan but not
        // as stored (a limit in the band where judging by the stored order is wrong).
        List<Footprint> sample = new java.util.ArrayList<>();
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 300; i++) sample.add(probe.footprint(space.random(rng)));
        long limit = -1;
        int bestCount = 0;
        for (Footprint cut : sample) {
            int count = 0;
            for (Footprint f : sample) if (f.sramBytes() <= cut.sramBytes() && f.storedOrderSramBytes() > cut.sramBytes()) count++;
            if (count > bestCount) { bestCount = count; limit = cut.sramBytes(); }
        }
        assertTrue(limit > 0, "some candidate gains from the optimized order and plan");
        System.out.println("joint: limit " + limit + " B; " + bestCount + " of 300 random candidates fit only when optimized");
        Limits optimized = new Limits(limit, 256 * 1024, 0, "c");
        List<Record> a = SearchTest.run(data, dir.resolve("opt.db"), 12, 2, optimized);
        List<Record> b = SearchTest.run(data, dir.resolve("stored.db"), 12, 2, optimized.judgedByStoredOrder());
        int admittedOnlyByOptimized = 0;
        for (Record r : a) {
            if (r.trained() && optimized.judgedByStoredOrder().violation(r.footprint()) != null) admittedOnlyByOptimized++;
        }
        for (Record r : b) assertTrue(!r.trained() || r.footprint().storedOrderSramBytes() <= limit, "stored-order judging keeps its limit");
        assertTrue(admittedOnlyByOptimized > 0, "optimized judging trained networks that stored-order judging would reject");
        assertTrue(Pareto.best(a).accuracy() >= Pareto.best(b).accuracy(),
                "best admitted: optimized " + Pareto.best(a).accuracy() + " vs stored " + Pareto.best(b).accuracy());
    }
}
