package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class MinPeakSchedulerTest {

    @Provide
    Arbitrary<Graph> smallDags() {
        return Arbitraries.longs().flatMap(seed -> Arbitraries.integers().between(1, 10).map(n -> RandomDags.build(seed, n)));
    }

    private static long bruteForceMinimumPeak(Graph g, LiveModel model) {
        long[] best = {Long.MAX_VALUE};
        RandomDags.forEachTopologicalOrder(g, order -> best[0] = Math.min(best[0], StepMemory.peakBytes(g, new Schedule(order), model)));
        return best[0];
    }

    private static MinPeakResult minimize(Graph g, LiveModel model) {
        return new MinPeakScheduler(MinPeakScheduler.DEFAULT_STATE_LIMIT, model).solve(g);
    }

    @Property(tries = 300, seed = "20261125")
    void dpPeakIsTheMinimumOverAllTopologicalOrders(@ForAll("smallDags") Graph g, @ForAll LiveModel model) {
        MinPeakResult r = minimize(g, model);
        assertTrue(r.exact(), "a graph of at most 10 nodes must be solved exactly");
        assertEquals(bruteForceMinimumPeak(g, model), r.peakBytes(), g.toString());
    }

    @Property(tries = 300, seed = "7")
    void resultIsATopologicalOrderWithTheReportedPeak(@ForAll("smallDags") Graph g, @ForAll LiveModel model) {
        MinPeakResult r = minimize(g, model);
        r.schedule().check(g);
        assertEquals(StepMemory.peakBytes(g, r.schedule(), model), r.peakBytes());
        assertTrue(r.peakBytes() >= r.lowerBoundBytes());
    }

    @Property(tries = 300, seed = "17")
    void inPlaceNeverNeedsMoreThanTflmsModel(@ForAll("smallDags") Graph g) {
        Schedule stored = Schedule.stored(g);
        long[] tflm = StepMemory.stepBytes(g, stored, LiveModel.TFLM);
        long[] inPlace = StepMemory.stepBytes(g, stored, LiveModel.IN_PLACE);
        for (int s = 0; s < tflm.length; s++) assertTrue(inPlace[s] <= tflm[s], "step " + s);
        assertTrue(minimize(g, LiveModel.IN_PLACE).peakBytes() <= minimize(g, LiveModel.TFLM).peakBytes());
    }

    @Property(tries = 300, seed = "11")
    void neverWorseThanTheStoredOrderAndTiesKeepIt(@ForAll("smallDags") Graph g, @ForAll LiveModel model) {
        MinPeakResult r = minimize(g, model);
        long stored = StepMemory.peakBytes(g, Schedule.stored(g), model);
        assertEquals(stored, r.storedPeakBytes());
        assertTrue(r.peakBytes() <= stored);
        if (r.peakBytes() == stored) {
            assertEquals(Schedule.stored(g), r.schedule());
            assertTrue(r.keptStoredOrder());
        } else {
            assertFalse(r.keptStoredOrder());
        }
    }

    @Property(tries = 200, seed = "13")
    void beamSearchUnderATinyLimitIsValidAndNeverWorseThanStored(@ForAll("smallDags") Graph g, @ForAll LiveModel model) {
        MinPeakResult r = new MinPeakScheduler(g.nodes().size(), model).solve(g);
        r.schedule().check(g);
        assertEquals(StepMemory.peakBytes(g, r.schedule(), model), r.peakBytes());
        assertTrue(r.peakBytes() <= r.storedPeakBytes());
        assertTrue(r.peakBytes() >= bruteForceMinimumPeak(g, model));
        assertTrue(r.peakBytes() >= r.lowerBoundBytes());
    }

    /** x -> a1 (200 B) -> a2 (4 B) and x -> b1 (200 B) -> b2 (4 B), joined; stored with both big tensors alive at once. */
    static Graph twoBranchesStoredBadly() {
        GraphBuilder b = new GraphBuilder("two-branches");
        int x = b.input("x", DType.I8, 1, 10);
        int a1 = fc(b, x, 200, "a1");
        int b1 = fc(b, x, 200, "b1");
        int a2 = fc(b, a1, 4, "a2");
        int b2 = fc(b, b1, 4, "b2");
        int c = b.node(new Op.Concat(1, Op.Act.NONE), "c", a2, b2);
        return b.output(c).build();
    }

    static int fc(GraphBuilder b, int from, int out, String name) {
        int in = b.tensorAt(from).shape().dim(1);
        int w = b.constant(name + "/w", DType.I8, Shape.of(out, in), new byte[out * in]);
        return b.node(new Op.FullyConnected(Op.Act.NONE, false), name, from, w, -1);
    }

    @Test
    void reorderingFinishesOneBranchBeforeStartingTheOther() {
        Graph g = twoBranchesStoredBadly();
        MinPeakResult r = MinPeakScheduler.minimize(g);
        // sizes are rounded up to 16 bytes as in TFLite Micro: x 16, a1 and b1 208, a2 and b2 16
        assertEquals(16 + 208 + 208, r.storedPeakBytes()); // x + a1 + b1 while b1 is computed
        assertEquals(16 + 208 + 16, r.peakBytes()); // x + a1 + a2, then x + a2 + b1
        assertArrayEquals(new int[] {0, 2, 1, 3, 4}, r.schedule().order());
        assertTrue(r.exact());
        assertFalse(r.keptStoredOrder());
        assertEquals(LiveRanges.of(g, r.schedule()).lowerBoundBytes(), r.peakBytes());
    }

    @Test
    void aChainAtTheLowerBoundIsNotSearched() {
        GraphBuilder b = new GraphBuilder("chain");
        int t = b.input("x", DType.I8, 1, 16);
        for (int i = 0; i < 5; i++) t = fc(b, t, 8 << i, "fc" + i);
        Graph g = b.output(t).build();
        MinPeakResult r = MinPeakScheduler.minimize(g);
        assertEquals(0, r.statesExplored());
        assertTrue(r.exact());
        assertEquals(r.lowerBoundBytes(), r.peakBytes());
        assertEquals(Schedule.stored(g), r.schedule());
    }

    @Test
    void aWideGraphBeyondTheLimitFallsBackToBeamSearchAndSaysSo() {
        GraphBuilder b = new GraphBuilder("wide");
        int x = b.input("x", DType.I8, 1, 10);
        int[] ends = new int[8];
        int[] firsts = new int[8];
        for (int i = 0; i < 8; i++) firsts[i] = fc(b, x, 100 + i, "first" + i);
        for (int i = 0; i < 8; i++) ends[i] = fc(b, firsts[i], 4, "end" + i);
        Graph g = b.output(b.node(new Op.Concat(1, Op.Act.NONE), "c", ends)).build();
        MinPeakResult limited = new MinPeakScheduler(100).solve(g);
        assertFalse(limited.exact());
        assertTrue(limited.beamWidth() > 0);
        assertTrue(limited.method().startsWith("beam search"), limited.method());
        MinPeakResult exact = MinPeakScheduler.minimize(g);
        assertTrue(exact.exact());
        assertTrue(limited.peakBytes() >= exact.peakBytes());
        assertTrue(exact.peakBytes() < exact.storedPeakBytes());
        limited.schedule().check(g);
    }

    @Test
    void aFourtyNodeBranchyGraphIsSolvedExactly() {
        GraphBuilder b = new GraphBuilder("four-branches");
        int x = b.input("x", DType.I8, 1, 64);
        int[] ends = new int[4];
        Random r = new Random(1);
        for (int i = 0; i < 4; i++) {
            int t = x;
            for (int k = 0; k < 9; k++) t = fc(b, t, 64 * (1 + r.nextInt(12)), "b" + i + "_" + k);
            t = fc(b, t, 16, "b" + i + "_end");
            ends[i] = t;
        }
        Graph g = b.output(b.node(new Op.Concat(1, Op.Act.NONE), "c", ends)).build();
        Graph interleaved = g.reordered(RandomDags.randomTopologicalOrder(g, new Random(2)));
        MinPeakResult res = MinPeakScheduler.minimize(interleaved);
        res.schedule().check(interleaved);
        assertTrue(res.exact());
        assertTrue(res.peakBytes() < res.storedPeakBytes(), res.toString());
        assertEquals(StepMemory.peakBytes(interleaved, res.schedule()), res.peakBytes());
    }

    @Test
    void theRandomGraphsIncludeManyWhereTheOrderMatters() {
        int improved = 0;
        for (long seed = 0; seed < 100; seed++) {
            MinPeakResult r = MinPeakScheduler.minimize(RandomDags.build(seed, 10));
            if (r.peakBytes() < r.storedPeakBytes()) improved++;
        }
        assertTrue(improved >= 10, improved + " of 100 random graphs had a better order than the stored one");
    }

    @Test
    void randomStoredOrdersOfOneGraphAllReachTheSamePeak() {
        Graph g = RandomDags.build(99, 10);
        long first = MinPeakScheduler.minimize(g).peakBytes();
        Random r = new Random(5);
        for (int i = 0; i < 20; i++) {
            Graph shuffled = g.reordered(RandomDags.randomTopologicalOrder(g, r));
            assertEquals(first, MinPeakScheduler.minimize(shuffled).peakBytes());
        }
    }
}
