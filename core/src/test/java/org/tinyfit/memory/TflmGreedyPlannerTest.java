package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;

class TflmGreedyPlannerTest {
    private final TflmGreedyPlanner planner = new TflmGreedyPlanner();

    private ArenaPlan plan(Graph g) {
        ArenaPlan p = planner.plan(g, Schedule.stored(g));
        PlanCheck.verify(g, Schedule.stored(g), p);
        return p;
    }

    @Test
    void floatHelloWorldNeedsTwoHiddenLayersOfSixtyFourBytes() {
        ArenaPlan p = plan(TestGraphs.helloWorld(DType.F32));
        assertEquals(128, p.arenaBytes());
        // the 64-byte hidden tensors first, the later (h2) at 0 and h1 above it; the input goes
        // below h1 (h2 is not live yet), the output above h2.
        assertEquals(64, p.offset(2));
        assertEquals(0, p.offset(4));
        assertEquals(0, p.offset(0));
        assertEquals(64, p.offset(6));
        assertEquals(-1, p.offset(1), "constants are not in the arena");
    }

    @Test
    void int8HelloWorldRoundsEveryTensorUpToSixteenBytes() {
        assertEquals(32, plan(TestGraphs.helloWorld(DType.I8)).arenaBytes());
    }

    @Test
    void twoInputsAndTheirSumAreAllLiveTogether() {
        assertEquals(3 * 16384, plan(TestGraphs.simpleAdd()).arenaBytes());
    }

    @Test
    void int8SvdfPlansTwoInt32ScratchBuffersBesideItsInputAndOutput() {
        Graph g = TestGraphs.svdfHead();
        ArenaPlan p = plan(g);
        // input of the svdf (96) + output (64) + scratch 64*4 + scratch 64*4; the variable state is not in the arena.
        assertEquals(96 + 64 + 256 + 256, p.arenaBytes());
        assertEquals(-1, p.offset(5), "the variable state lives in the persistent tail");
        // equal sizes: the later request (scratch 1) is placed first.
        assertEquals(0, p.scratchOffset(1, 1));
        assertEquals(256, p.scratchOffset(1, 0));
    }

    @Test
    void ofTwoEqualBuffersLiveTogetherTheLaterAddedGoesLower() {
        GraphBuilder b = new GraphBuilder("tie");
        int x = b.input("x", DType.I8, 1, 32);
        int y = b.node(new Op.Relu(), "y", x);
        Graph g = b.output(y).build();
        ArenaPlan p = plan(g);
        assertEquals(0, p.offset(y));
        assertEquals(32, p.offset(x));
    }

    @Test
    void buffersSortBySizeDescendingThenByLaterAddedFirst() {
        List<ArenaBuffer> buffers = List.of(
                new ArenaBuffer(0, -1, -1, 16, 16, 0, 1),
                new ArenaBuffer(1, 0, -1, 32, 32, 1, 2),
                new ArenaBuffer(2, 1, -1, 16, 16, 2, 2),
                new ArenaBuffer(-1, 1, 0, 32, 32, 2, 2));
        assertArrayEquals(new int[] {3, 1, 2, 0}, TflmGreedyPlanner.order(buffers));
    }

    @Test
    void aBufferGoesInTheFirstGapBigEnough() {
        // placed in id order: a [0,32) live 0..3, b [32,48) live 0..1, c [48,80) live 0..3; d (16 B, live 2..3) takes b's place, dead by then.
        List<ArenaBuffer> buffers = List.of(
                new ArenaBuffer(0, -1, -1, 32, 32, 0, 3),
                new ArenaBuffer(1, -1, -1, 16, 16, 0, 1),
                new ArenaBuffer(2, -1, -1, 32, 32, 0, 3),
                new ArenaBuffer(3, -1, -1, 16, 16, 2, 3));
        long[] at = FirstFit.place(buffers, new int[] {0, 1, 2, 3});
        assertArrayEquals(new long[] {0, 32, 48, 32}, at);
    }

    @Test
    void opaqueKernelsWithShapeDrivenScratchRequestIt() {
        GraphBuilder b = new GraphBuilder("opaque");
        int x = b.input("x", DType.F32, 1, 4, 4, 3);
        int y = b.input("y", DType.F32, 1, 4, 4, 3);
        int z = b.input("z", DType.F32, 1, 4, 4, 3);
        int sum = b.nodeWithShape(new Op.Opaque("ADD_N", 106), "sum", DType.F32, org.tinyfit.graph.Shape.of(1, 4, 4, 3), null, x, y, z);
        int pads = b.constant("pads", DType.I32, org.tinyfit.graph.Shape.of(4, 2), new byte[32]);
        int pad = b.nodeWithShape(new Op.Opaque("MIRROR_PAD", 100), "pad", DType.F32, org.tinyfit.graph.Shape.of(1, 4, 4, 3), null, sum, pads);
        Graph g = b.output(pad).build();
        var addN = ScratchRequirement.of(g, g.node(0));
        assertEquals(1, addN.size());
        assertEquals(3L * ScratchRequirement.POINTER_BYTES, addN.get(0).bytes());
        var mirror = ScratchRequirement.of(g, g.node(1));
        assertEquals(List.of(16L, 16L), mirror.stream().map(ScratchRequirement::bytes).toList());
        assertTrue(mirror.get(0).source().contains("mirror_pad.cc"));
        PlanCheck.verify(g, Schedule.stored(g), plan(g));
    }
}
