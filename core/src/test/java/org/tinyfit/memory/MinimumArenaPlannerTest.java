package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;

class MinimumArenaPlannerTest {

    /** Buffers 0..n-1 as tensors of a pretend graph with one step per time. */
    static LiveRanges ranges(long[] sizes, int[] first, int[] last) {
        List<ArenaBuffer> buffers = new ArrayList<>();
        int[] tensorBuffer = new int[sizes.length];
        int steps = 0;
        for (int i = 0; i < sizes.length; i++) {
            buffers.add(new ArenaBuffer(i, -1, -1, sizes[i], sizes[i], first[i], last[i]));
            tensorBuffer[i] = i;
            steps = Math.max(steps, last[i]);
        }
        return new LiveRanges(buffers, steps, 16, tensorBuffer);
    }

    /** Reference: the smallest arena over every assignment of 16-byte-grid offsets (cut only when already no better). */
    static long bruteForceMinimum(LiveRanges r) {
        List<ArenaBuffer> b = r.buffers();
        long total = 0;
        for (ArenaBuffer x : b) total += x.alignedBytes();
        long[] best = {total};
        search(b, new long[b.size()], 0, 0, best);
        return best[0];
    }

    private static void search(List<ArenaBuffer> b, long[] at, int i, long top, long[] best) {
        if (top >= best[0]) return;
        if (i == b.size()) { best[0] = top; return; }
        for (long o = 0; o + b.get(i).alignedBytes() < best[0]; o += 16) {
            boolean ok = true;
            for (int j = 0; j < i && ok; j++) {
                if (b.get(j).overlapsInTime(b.get(i)) && o < at[j] + b.get(j).alignedBytes() && at[j] < o + b.get(i).alignedBytes()) ok = false;
            }
            if (!ok) continue;
            at[i] = o;
            search(b, at, i + 1, Math.max(top, o + b.get(i).alignedBytes()), best);
        }
    }

    @Property(tries = 200, seed = "7")
    void provenMinimalPlansMatchABruteForceSearch(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random rnd = new Random(seed);
        int n = 3 + rnd.nextInt(5);
        long[] sizes = new long[n];
        int[] first = new int[n];
        int[] last = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = 16L * (1 + rnd.nextInt(3));
            first[i] = rnd.nextInt(6);
            last[i] = first[i] + rnd.nextInt(3);
        }
        LiveRanges r = ranges(sizes, first, last);
        MinimumArenaPlanner.Result result = new MinimumArenaPlanner().solve(r);
        assertTrue(result.provenMinimal(), result.explanation());
        assertEquals(bruteForceMinimum(r), result.plan().arenaBytes());
    }

    /**
     * Seven blocks (16-byte units: 2 at 0..2, 2 at 0, 1 at 2..3, 2 at 4..6, 2 at 5..6, 1 at 3..4, 1 at 2..4)
     * never have more than 64 B live, yet no placement fits in 64 B: the 16-byte blocks chain times 2..4
     * together so that the holes the 32-byte blocks leave are always on the wrong side. 80 B is the minimum.
     */
    static LiveRanges unreachable() {
        return ranges(new long[] {32, 32, 16, 32, 32, 16, 16}, new int[] {0, 0, 2, 4, 5, 3, 2}, new int[] {2, 0, 3, 6, 6, 4, 4});
    }

    @Test
    void aGapThatNoPlanCanCloseIsReportedAsProvenFragmentation() {
        LiveRanges r = unreachable();
        assertEquals(64, r.lowerBoundBytes());
        assertEquals(80, bruteForceMinimum(r));
        MinimumArenaPlanner.Result result = new MinimumArenaPlanner().solve(r);
        assertTrue(result.provenMinimal(), result.explanation());
        assertEquals(80, result.plan().arenaBytes());
        assertEquals(16, result.gapBytes());
        assertTrue(result.explanation().contains("cannot be reached"), result.explanation());
    }

    @Test
    void aChainReachesItsBound() {
        Graph g = TestGraphs.helloWorld(DType.F32);
        MinimumArenaPlanner.Result result = new MinimumArenaPlanner().solve(g, Schedule.stored(g));
        assertEquals(128, result.lowerBoundBytes());
        assertEquals(128, result.plan().arenaBytes());
        assertTrue(result.provenMinimal());
        assertEquals(0, result.gapBytes());
    }

    @Test
    void aTinyBudgetStillGivesASafePlanButNoProof() {
        LiveRanges r = unreachable();
        MinimumArenaPlanner.Result result = new MinimumArenaPlanner(1).solve(r);
        assertFalse(result.provenMinimal());
        assertTrue(result.plan().arenaBytes() >= r.lowerBoundBytes());
        assertTrue(result.explanation().contains("search stopped"), result.explanation());
    }

    @Test
    void beyondTheExactLimitTheBestHeuristicPlanIsReturnedUnproven() {
        int extra = MinimumArenaPlanner.EXACT_LIMIT_BUFFERS;
        long[] sizes = new long[7 + extra];
        int[] first = new int[sizes.length];
        int[] last = new int[sizes.length];
        LiveRanges hard = unreachable();
        for (int i = 0; i < 7; i++) {
            ArenaBuffer b = hard.buffers().get(i);
            sizes[i] = b.alignedBytes();
            first[i] = b.firstTime();
            last[i] = b.lastTime();
        }
        for (int i = 7; i < sizes.length; i++) {
            sizes[i] = 16;
            first[i] = 10 + i;
            last[i] = 10 + i;
        }
        LiveRanges r = ranges(sizes, first, last);
        MinimumArenaPlanner.Result result = new MinimumArenaPlanner().solve(r);
        assertFalse(result.provenMinimal());
        assertEquals(64, result.lowerBoundBytes());
        assertTrue(result.gapBytes() >= 16);
        assertTrue(result.explanation().contains("more than the exact search takes"), result.explanation());
    }
}
