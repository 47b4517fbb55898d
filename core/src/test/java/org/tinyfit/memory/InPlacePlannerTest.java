package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class InPlacePlannerTest {
    private static final InPlacePlanner PLANNER = new InPlacePlanner();

    /** x [1,8,8,4] -> conv 9x9 (4 ch; too tall a window to run in place) -> relu -> depthwise 3x3 stride 2 -> add(., y2) ; all float. */
    static Graph convReluDepthwise() {
        Random r = new Random(3);
        GraphBuilder b = new GraphBuilder("conv-relu-dw");
        int x = b.input("x", DType.F32, 1, 8, 8, 4);
        int w = b.constant("w", DType.F32, Shape.of(4, 9, 9, 4), FloatEval.bytes(FloatEval.gaussians(r, 1296)));
        int c = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "conv", x, w, -1);
        int relu = b.node(new Op.Relu(), "relu", c);
        int dw = b.constant("dw", DType.F32, Shape.of(1, 3, 3, 4), FloatEval.bytes(FloatEval.gaussians(r, 36)));
        int d = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 2, 2, 1, 1, 1, Op.Act.NONE), "d", relu, dw, -1);
        return b.output(d).build();
    }

    @Test
    void anOutputWritingOverADyingInputSharesItsOffset() {
        Graph g = convReluDepthwise();
        Schedule s = Schedule.stored(g);
        InPlacePlanner.Result r = PLANNER.solve(g, s);
        ArenaPlan p = r.plan();
        int conv = g.node(0).output(0), relu = g.node(1).output(0), dw = g.node(2).output(0);
        assertEquals(p.offset(conv), p.offset(relu));
        assertEquals(p.offset(relu), p.offset(dw));
        assertEquals(2, r.aliasedNodes());
        assertEquals(2, InPlacePlanCheck.verify(g, s, p));
    }

    @Test
    void aDepthwiseRunningInPlaceGetsItsScratchPlaneAfterItsKernelScratch() {
        Graph g = convReluDepthwise();
        ArenaPlan p = PLANNER.plan(g, Schedule.stored(g));
        long plane = p.scratchOffset(2, 0);
        long relu = p.offset(g.node(1).output(0));
        assertTrue(plane >= relu + 8 * 8 * 4 * 4 || plane + 4 * 4 * 4 <= relu, "the plane (" + plane + ") is apart from the input it overwrites (" + relu + ")");
    }

    @Test
    void thePlanReachesTheInPlaceLiveBytesBound() {
        Graph g = convReluDepthwise();
        Schedule s = Schedule.stored(g);
        InPlacePlanner.Result r = PLANNER.solve(g, s);
        // x (1 KiB) and the conv output (1 KiB) at the conv; then the 1 KiB chain and a 64 B plane
        assertEquals(2048, r.lowerBoundBytes());
        assertEquals(StepMemory.peakBytes(g, s, LiveModel.IN_PLACE), r.lowerBoundBytes());
        assertEquals(0, r.gapBytes());
        assertEquals(2048, r.plan().arenaBytes());
    }

    @Test
    void aChainOfActivationsNeedsOneBufferInPlaceAndTwoInTflm() {
        GraphBuilder b = new GraphBuilder("relus");
        int t = b.input("x", DType.F32, 1, 64);
        for (int i = 0; i < 4; i++) t = b.node(new Op.Relu(), "r" + i, t);
        Graph g = b.output(t).build();
        Schedule s = Schedule.stored(g);
        assertEquals(256, PLANNER.plan(g, s).arenaBytes());
        assertEquals(512, new TflmGreedyPlanner().plan(g, s).arenaBytes());
    }

    @Test
    void theOrdinaryCheckRejectsWhatTheInPlaceCheckAccepts() {
        Graph g = convReluDepthwise();
        Schedule s = Schedule.stored(g);
        ArenaPlan p = PLANNER.plan(g, s);
        assertThrows(PlanCheck.PlanException.class, () -> PlanCheck.verify(g, s, p));
        InPlacePlanCheck.verify(g, s, p);
    }

    @Test
    void theCheckRejectsAnOverlapThatIsNoInPlacePair() {
        Graph g = convReluDepthwise();
        Schedule s = Schedule.stored(g);
        ArenaPlan p = PLANNER.plan(g, s);
        long[] off = p.offsets();
        off[g.node(0).output(0)] = off[g.inputs()[0]]; // a convolution over its own input
        ArenaPlan bad = new ArenaPlan(off, p.arenaBytes(), "hand", p.scratchOffsets());
        var e = assertThrows(PlanCheck.PlanException.class, () -> InPlacePlanCheck.verify(g, s, bad));
        assertTrue(e.getMessage().contains("no in-place pair"), e.getMessage());
    }

    @Test
    void theCheckRejectsAnInPlaceDepthwiseWithoutItsPlane() {
        Graph g = convReluDepthwise();
        Schedule s = Schedule.stored(g);
        ArenaPlan p = PLANNER.plan(g, s);
        ArenaPlan noPlane = new ArenaPlan(p.offsets(), p.arenaBytes(), "hand");
        var e = assertThrows(PlanCheck.PlanException.class, () -> InPlacePlanCheck.verify(g, s, noPlane));
        assertTrue(e.getMessage().contains("scratch plane"), e.getMessage());
    }

    @Test
    void theCheckRejectsAPlaneOverTheTensorItsNodeOverwrites() {
        Graph g = convReluDepthwise();
        Schedule s = Schedule.stored(g);
        ArenaPlan p = PLANNER.plan(g, s);
        long[][] scratch = p.scratchOffsets();
        scratch[2][0] = p.offset(g.node(1).output(0));
        ArenaPlan bad = new ArenaPlan(p.offsets(), p.arenaBytes(), "hand", scratch);
        assertThrows(PlanCheck.PlanException.class, () -> InPlacePlanCheck.verify(g, s, bad));
    }

    @Test
    void anInputStillReadLaterIsNotOverwritten() {
        GraphBuilder b = new GraphBuilder("fork");
        int x = b.input("x", DType.F32, 1, 64);
        int y = b.node(new Op.Relu(), "y", x);
        int z = b.node(new Op.Add(Op.Act.NONE), "z", x, y);
        Graph g = b.output(z).build();
        ArenaPlan p = PLANNER.plan(g, Schedule.stored(g));
        assertNotEquals(p.offset(x), p.offset(y), "x is read again by z");
        assertTrue(p.offset(z) == p.offset(x) || p.offset(z) == p.offset(y), "z writes over an input dying with it");
        InPlacePlanCheck.verify(g, Schedule.stored(g), p);
    }

    @Property(tries = 150, seed = "5")
    void plansOfRandomGraphsPassTheCheckAndNeverBeatTheBound(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int nodes) {
        Graph g = RandomDags.build(seed, nodes);
        Schedule s = RandomGraphs.randomSchedule(g, seed);
        InPlacePlanner.Result r = PLANNER.solve(g, s);
        InPlacePlanCheck.verify(g, s, r.plan());
        assertTrue(r.plan().arenaBytes() >= r.lowerBoundBytes());
        assertEquals(r.plan().arenaBytes() - r.lowerBoundBytes(), r.gapBytes());
    }

    @Test
    void mostRandomResidualGraphsReachTheBound() {
        int reached = 0, aliased = 0;
        for (long seed = 0; seed < 40; seed++) {
            Graph g = RandomGraphs.build(RandomGraphs.Kind.MIXED, seed, 5);
            InPlacePlanner.Result r = PLANNER.solve(g, Schedule.stored(g));
            if (r.reachesBound()) reached++;
            if (r.aliasedNodes() > 0) aliased++;
        }
        assertTrue(aliased >= 10, aliased + " of 40 graphs had a node run in place");
        assertTrue(reached >= 36, reached + " of 40 plans reached the bound");
    }
}
