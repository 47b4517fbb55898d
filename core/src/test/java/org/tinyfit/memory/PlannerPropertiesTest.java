package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.tinyfit.graph.Graph;

class PlannerPropertiesTest {
    private static final TflmGreedyPlanner TFLM = new TflmGreedyPlanner();
    private static final MinimumArenaPlanner MIN = new MinimumArenaPlanner(20_000);

    @Property(tries = 150, seed = "20261125")
    void noPlanOverlapsLiveTensorsOrFallsBelowTheBound(@ForAll RandomGraphs.Kind kind, @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 1, max = 6) int blocks, @ForAll boolean shuffled) {
        Graph g = RandomGraphs.build(kind, seed, blocks);
        Schedule s = shuffled ? RandomGraphs.randomSchedule(g, seed) : Schedule.stored(g);
        long bound = MemoryProfile.of(g, s).lowerBoundBytes();
        ArenaPlan tflm = TFLM.plan(g, s);
        PlanCheck.verify(g, s, tflm);
        assertTrue(tflm.arenaBytes() >= bound, "TFLM plan " + tflm.arenaBytes() + " B below the bound " + bound + " B");
        MinimumArenaPlanner.Result best = MIN.solve(g, s);
        PlanCheck.verify(g, s, best.plan());
        assertTrue(best.plan().arenaBytes() >= bound, "minimum plan below the bound");
        assertTrue(best.plan().arenaBytes() <= tflm.arenaBytes(), "minimum plan " + best.plan().arenaBytes() + " B above TFLM's " + tflm.arenaBytes() + " B");
        assertEquals(bound, best.lowerBoundBytes());
        assertEquals(best.plan().arenaBytes() - bound, best.gapBytes());
    }
}
