package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
    static final SearchSpace IMAGES = new SearchSpace(new int[] {28, 28, 1}, 10, 4);
    static final SearchSpace ROWS = new SearchSpace(new int[] {23}, 2, 4);
    static final SearchSpace SEQUENCES = new SearchSpace(new int[] {140, 1}, 5, 4);

    @Property(tries = 60)
    void randomAndMutatedGenomesAlwaysCompile(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int generations) {
        for (SearchSpace space : new SearchSpace[] {IMAGES, ROWS, SEQUENCES}) {
            SplittableRandom rng = new SplittableRandom(seed);
            Genome g = space.random(rng);
            assertTrue(space.valid(g), g.key());
            for (int i = 0; i < generations; i++) {
                Genome child = space.mutate(g, rng);
                assertTrue(space.valid(child), child.key());
                g = child;
            }
        }
    }

    @Property(tries = 30)
    void genomeSurvivesItsJsonForm(@ForAll long seed) {
        Genome g = IMAGES.mutate(IMAGES.random(new SplittableRandom(seed)), new SplittableRandom(seed + 1));
        assertEquals(g, Genome.fromJson(g.toJson()));
    }

    @Test void mutationChangesTheGenome() {
        SplittableRandom rng = new SplittableRandom(3);
        Genome g = IMAGES.random(rng);
        int changed = 0;
        for (int i = 0; i < 20; i++) if (!IMAGES.mutate(g, rng).equals(g)) changed++;
        assertEquals(20, changed);
    }

    @Test void tabularCandidatesAreMlpsAndImageCandidatesHaveConvolutions() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 20; i++) {
            Genome r = ROWS.random(rng);
            assertTrue(r.stages().isEmpty() && !r.dense().isEmpty(), r.key());
            assertNotEquals(0, IMAGES.random(rng).stages().size());
        }
    }

    @Test void sequenceCandidatesAreOneDimensionalConvolutions() {
        SplittableRandom rng = new SplittableRandom(8);
        for (int i = 0; i < 20; i++) {
            Genome g = SEQUENCES.random(rng);
            String spec = SEQUENCES.spec(g).toJson();
            assertTrue(spec.contains("conv1d") && !spec.contains("\"conv\""), spec);
        }
    }

    @Test void oneClassIsRefusedInOneLine() {
        SearchException e = assertThrows(SearchException.class, () -> new SearchSpace(new int[] {5}, 1, 3));
        assertEquals("the data has 1 class; a classifier needs at least 2", e.getMessage());
    }

    @Test void narrowingShrinksTheFootprint() {
        Search s = new Search(IMAGES, org.tinyfit.device.DeviceCatalog.builtin().find("arduino-nano-33-ble-sense"),
                new Limits(64 * 1024, 256 * 1024, 0, "tflm"), new Search.Config(1, 4, 2, 1, 1, 0));
        Genome g = new Genome(java.util.List.of(new Genome.Stage(Genome.Block.CONV, 64, 3, 1, true, false)), java.util.List.of(64), 0f,
                new Genome.Recipe(0.003f, 1, 128, 0));
        Footprint before = s.footprint(g), after = s.footprint(Search.narrowed(g));
        assertTrue(after.sramBytes() < before.sramBytes() && after.flashBytes() < before.flashBytes(), before + " -> " + after);
    }
}
