package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/** TFLite Micro's greedy planner with an offline plan: fixed tensors first, the rest first-fit around them. */
class TflmOfflinePlanTest {
    private static final TflmGreedyPlanner TFLM = new TflmGreedyPlanner();

    private static long[] online(int n) {
        long[] a = new long[n];
        Arrays.fill(a, -1);
        return a;
    }

    @Property(tries = 60, seed = "20261204")
    void anAllOnlinePlanIsTheGreedyPlan(@ForAll RandomGraphs.Kind kind, @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 1, max = 5) int blocks) {
        Graph g = RandomGraphs.build(kind, seed, blocks);
        LiveRanges r = LiveRanges.of(g, Schedule.stored(g));
        ArenaPlan greedy = TFLM.plan(r);
        ArenaPlan offline = TFLM.planWithOffline(r, online(g.tensors().size()));
        assertArrayEquals(greedy.offsets(), offline.offsets());
        assertEquals(greedy.arenaBytes(), offline.arenaBytes());
    }

    @Property(tries = 60, seed = "20261205")
    void aPlanWithoutScratchBuffersIsKeptExactly(@ForAll RandomGraphs.Kind kind, @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 1, max = 5) int blocks) {
        Graph g = RandomGraphs.build(kind, seed, blocks);
        Schedule s = Schedule.stored(g);
        LiveRanges r = LiveRanges.of(g, s);
        ArenaPlan best = new MinimumArenaPlanner(5_000).plan(g, s);
        ArenaPlan kept = TFLM.planWithOffline(g, s, toInts(best.offsets()));
        boolean scratch = r.buffers().stream().anyMatch(ArenaBuffer::isScratch);
        if (!scratch) {
            assertArrayEquals(best.offsets(), kept.offsets());
            assertEquals(best.arenaBytes(), kept.arenaBytes());
        }
        PlanCheck.verify(g, s, kept);
        assertTrue(kept.arenaBytes() >= r.lowerBoundBytes());
    }

    /** x -> QUANTIZE -> SVDF (two scratch buffers: 64 x 4 B and 64 x 4 B) with fixed tensors leaving a gap below. */
    @Test
    void scratchBuffersGoFirstFitAroundTheFixedTensors() {
        Graph g = TestGraphs.svdfHead();
        Schedule s = Schedule.stored(g);
        int[] at = new int[g.tensors().size()];
        Arrays.fill(at, -1);
        // x (int16 [1,96], 192 B) at 1024, q (int8 [1,96], 96 -> 96 B) at 512, the SVDF output (64 B) at 0.
        at[0] = 1024;
        at[1] = 512;
        at[g.outputs()[0]] = 0;
        ArenaPlan p = TFLM.planWithOffline(g, s, at);
        assertEquals(1024, p.offset(0));
        assertEquals(512, p.offset(1));
        // At the SVDF's step q (512..608) and the output (0..64) are live. Of the two 256-byte
        // scratch buffers the later-requested goes first (equal sizes) and takes the gap 64..512;
        // the other no longer fits there (192 B left) and goes above q.
        assertEquals(64, p.scratchOffset(1, 1));
        assertEquals(608, p.scratchOffset(1, 0));
        assertEquals(1024 + 192, p.arenaBytes());
    }

    @Test
    void overlappingOfflineTensorsAreRefused() {
        GraphBuilder b = new GraphBuilder("chain");
        int x = b.input("x", DType.F32, 1, 8);
        int y = b.node(new Op.Relu(), "y", x);
        int z = b.node(new Op.Relu(), "z", y);
        Graph g = b.output(z).build();
        GraphException e = assertThrows(GraphException.class, () -> TFLM.planWithOffline(g, Schedule.stored(g), new int[] {0, 16, 0}));
        assertTrue(e.getMessage().startsWith("the offline plan (OfflineMemoryAllocation) is unsafe: plan by tflm-offline overlaps tensor 0"), e.getMessage());
        // x and z are never live together: sharing bytes is fine.
        ArenaPlan ok = TFLM.planWithOffline(g, Schedule.stored(g), new int[] {0, 32, 0});
        assertEquals(64, ok.arenaBytes());
    }

    @Test
    void offsetsForVariablesAreRefusedAndForConstantsIgnored() {
        Graph g = TestGraphs.svdfHead();
        int[] at = new int[g.tensors().size()];
        Arrays.fill(at, -1);
        int state = -1;
        for (int t = 0; t < at.length; t++) if (g.tensor(t).variable()) state = t;
        at[state] = 4096;
        int[] withVariable = at.clone();
        assertThrows(GraphException.class, () -> TFLM.planWithOffline(g, Schedule.stored(g), withVariable));
        at[state] = -1;
        at[2] = 4096; // a weight: not in the arena
        assertEquals(TFLM.plan(g, Schedule.stored(g)).arenaBytes(), TFLM.planWithOffline(g, Schedule.stored(g), at).arenaBytes());
        assertThrows(GraphException.class, () -> TFLM.planWithOffline(g, Schedule.stored(g), new int[1]));
    }

    @Test
    void aMobileNetChainGetsTheMinimumArenaThroughAnOfflinePlan() {
        Graph g = mobileNetChain();
        MemoryOptimization m = MemoryOptimization.of(g, java.util.List.of(new TflmGreedyPlanner(), new MinimumArenaPlanner()));
        assertTrue(m.hasOfflinePlan());
        assertEquals(m.storedArenaBytes(), m.optimizedArenaBytes(), "a chain has one order");
        assertTrue(m.bestPlanArenaBytes() < m.optimizedArenaBytes(), m.bestPlanArenaBytes() + " vs " + m.optimizedArenaBytes());
        assertEquals(m.lowerBoundBytes(), m.bestPlanArenaBytes());
        assertEquals(m.bestPlanArenaBytes(), m.writtenArenaBytes(true));
        assertEquals(m.optimizedArenaBytes(), m.writtenArenaBytes(false));
        int[] offsets = m.offlineTensorOffsets();
        ArenaPlan again = TFLM.planWithOffline(g, m.writtenOrder(true), offsets);
        assertEquals(m.bestPlanArenaBytes(), again.arenaBytes());
        for (int t = 0; t < offsets.length; t++) {
            assertEquals(LiveRanges.needsArena(g.tensor(t)), offsets[t] >= 0, "tensor " + t);
        }
    }

    /** A float MobileNet-like chain: conv 3x3/2, then depthwise + pointwise pairs, where greedy placement fragments. */
    static Graph mobileNetChain() {
        GraphBuilder b = new GraphBuilder("mobilenet-chain");
        int x = b.input("x", DType.F32, 1, 48, 48, 3);
        x = conv(b, x, 3, 8, 3, 2);
        int c = 8;
        int[][] blocks = {{1, 16}, {2, 32}, {1, 32}, {2, 64}, {1, 64}};
        for (int[] blk : blocks) {
            int w = b.constant("dw" + x, DType.F32, Shape.of(1, 3, 3, c), new byte[9 * c * 4]);
            x = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, blk[0], blk[0], 1, 1, 1, Op.Act.RELU6), "dw" + x, x, w);
            x = conv(b, x, c, blk[1], 1, 1);
            c = blk[1];
        }
        return b.output(x).build();
    }

    private static int conv(GraphBuilder b, int x, int in, int out, int k, int stride) {
        int w = b.constant("w" + x, DType.F32, Shape.of(out, k, k, in), new byte[out * k * k * in * 4]);
        return b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.RELU6), "c" + x, x, w);
    }

    private static int[] toInts(long[] a) {
        int[] o = new int[a.length];
        for (int i = 0; i < a.length; i++) o[i] = (int) a[i];
        return o;
    }
}
