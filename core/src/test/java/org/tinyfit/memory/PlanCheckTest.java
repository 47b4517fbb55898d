package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;

class PlanCheckTest {
    private final Graph g = TestGraphs.helloWorld(DType.F32); // x=0 (4 B), h1=2 (64 B), h2=4 (64 B), y=6 (4 B)
    private final Schedule s = Schedule.stored(g);

    private static long[] offsets(long x, long h1, long h2, long y) { return new long[] {x, -1, h1, -1, h2, -1, y}; }

    @Test
    void acceptsAPlanWhereOnlyDeadTensorsShareBytes() {
        PlanCheck.verify(g, s, new ArenaPlan(offsets(64, 0, 64, 0), 128, "hand"));
    }

    @Test
    void rejectsTwoLiveTensorsThatOverlap() {
        var e = assertThrows(PlanCheck.PlanException.class, () -> PlanCheck.verify(g, s, new ArenaPlan(offsets(64, 0, 32, 0), 128, "hand")));
        assertTrue(e.getMessage().contains("overlaps tensor 2"), e.getMessage());
    }

    @Test
    void rejectsATensorBeyondTheArena() {
        var e = assertThrows(PlanCheck.PlanException.class, () -> PlanCheck.verify(g, s, new ArenaPlan(offsets(64, 0, 64, 0), 100, "hand")));
        assertTrue(e.getMessage().contains("beyond the arena"), e.getMessage());
    }

    @Test
    void rejectsAnActivationLeftOutOfTheArena() {
        var e = assertThrows(PlanCheck.PlanException.class, () -> PlanCheck.verify(g, s, new ArenaPlan(offsets(-1, 0, 64, 0), 128, "hand")));
        assertTrue(e.getMessage().contains("tensor 0"), e.getMessage());
    }

    @Test
    void rejectsScratchBuffersThatOverlapLiveTensors() {
        Graph svdf = TestGraphs.svdfHead();
        Schedule st = Schedule.stored(svdf);
        ArenaPlan good = new TflmGreedyPlanner().plan(svdf, st);
        long[][] scratch = good.scratchOffsets();
        scratch[1][0] = good.offset(6);
        ArenaPlan bad = new ArenaPlan(good.offsets(), good.arenaBytes(), "hand", scratch);
        assertThrows(PlanCheck.PlanException.class, () -> PlanCheck.verify(svdf, st, bad));
    }
}
