package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A candidate slightly over the limits is pruned into them (Compression.pruneToFit) instead of being rejected. */
class PruneRepairTest {
    static final Genome.Recipe RECIPE = new Genome.Recipe(0.003f, 2, 128, 0);
    static final SearchSpace IMAGES = new SearchSpace(new int[] {28, 28, 1}, 10, 4);

    static Genome twoStages(boolean residual) {
        return new Genome(List.of(new Genome.Stage(Genome.Block.CONV, 32, 3, 1, true, false),
                new Genome.Stage(Genome.Block.DWSEP, 64, 3, 1, true, residual)), List.of(64), 0f, RECIPE);
    }

    static Search search(Limits limits) {
        return new Search(IMAGES, SearchTest.NANO, limits, new Search.Config(1, 4, 2, 1, 4, 0));
    }

    @Test void overTheSramLimitThePeakLayerLosesChannelsAndTheRestKeepTheirs() {
        for (boolean residual : new boolean[] {false, true}) {
            Genome g = twoStages(residual);
            Footprint f = search(new Limits(1 << 30, 1 << 30, 0, "tflm")).footprint(g);
            Limits tight = new Limits(f.sramBytes() * 85 / 100, 1 << 30, 0, "tflm");
            Search s = search(tight);
            assertTrue(tight.violation(f) != null, "over the limit to begin with");
            Genome p = s.pruned(g);
            assertNotNull(p, "residual " + residual);
            assertEquals(null, tight.violation(s.footprint(p)), "the pruned genome meets the limit: " + p.key());
            assertTrue(p.stages().get(0).width() < 32, "the 28x28 output of the first stage sets the peak: " + p.key());
            assertEquals(g.stages().size(), p.stages().size());
            assertEquals(g.recipe(), p.recipe());
            assertEquals(g.stages().get(1).kernel(), p.stages().get(1).kernel());
            assertTrue(IMAGES.valid(p));
        }
    }

    @Test void overTheFlashLimitTheDenseLayersAndWideStagesShrink() {
        SearchSpace rows = new SearchSpace(new int[] {20}, 3, 4);
        Genome g = new Genome(List.of(), List.of(256, 256), 0f, RECIPE);
        Search probe = new Search(rows, SearchTest.NANO, new Limits(1 << 30, 1 << 30, 0, "tflm"), new Search.Config(1, 4, 2, 1, 4, 0));
        Footprint f = probe.footprint(g);
        Limits tight = new Limits(1 << 30, f.flashBytes() * 9 / 10, 0, "tflm");
        Search s = new Search(rows, SearchTest.NANO, tight, new Search.Config(1, 4, 2, 1, 4, 0));
        Genome p = s.pruned(g);
        assertNotNull(p);
        assertEquals(null, tight.violation(s.footprint(p)), p.key());
        assertTrue(p.dense().get(0) + p.dense().get(1) < 512, p.key());
    }

    @Test void limitsNoPruningMeetsGiveNull() {
        assertNull(search(new Limits(2000, 1 << 30, 0, "tflm")).pruned(twoStages(false)));
    }
}
