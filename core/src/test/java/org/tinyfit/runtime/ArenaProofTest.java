package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.TflmGreedyPlanner;

class ArenaProofTest {
    static MemoryOptimization optimize(Graph g) {
        return MemoryOptimization.of(g, List.of(new TflmGreedyPlanner(), new MinimumArenaPlanner()));
    }

    @Test
    void personDetectSplitRunsInItsPlannedArenaAndMatchesTheOriginal() throws Exception {
        Graph g = GoldenTest.model("person_detect");
        MemoryOptimization m = optimize(g);
        ArenaProof p = ArenaProof.of(g, m);
        assertTrue(p.verified(), p.check());
        assertEquals("verified by running", p.check());
        assertEquals(m.partialExecutionPeakBytes() + p.gapBytes(), p.arenaBytes(), "the plan is the in-place peak plus the gap it reports");
        // the row bands' PADs run in place, which lowers the live-bytes bound more than any first-fit
        // placement of the bands follows; the plan itself must still be under half TFLite Micro's arena
        assertTrue(p.gapBytes() * 5 < p.arenaBytes(), "gap " + p.gapBytes());
        assertTrue(p.arenaBytes() * 2 < m.storedArenaBytes(), p.arenaBytes() + " vs " + m.storedArenaBytes());
        assertTrue(p.arenaBytes() < m.storedArenaBytes(), p.arenaBytes() + " vs " + m.storedArenaBytes());
    }

    /** Two float towers x -> 512 -> 16, joined: the split and reordered graph must still compute the same. */
    @Test
    void aBranchyFloatModelIsProvenToo() {
        GraphBuilder b = new GraphBuilder("two-towers");
        int x = b.input("x", DType.F32, 1, 16);
        int a = fc(b, fc(b, x, 512, "a1", 1), 16, "a2", 2);
        int c = fc(b, fc(b, x, 512, "b1", 3), 16, "b2", 4);
        Graph g = b.output(b.node(new Op.Concat(1, Op.Act.NONE), "c", a, c)).build();
        ArenaProof p = ArenaProof.of(g, optimize(g));
        assertTrue(p.verified(), p.check());
    }

    @Test
    void seededInputsAreTheSameEveryTimeAndFillEveryInput() {
        GraphBuilder b = new GraphBuilder("add");
        int x = b.input("x", DType.I8, 1, 8), y = b.input("y", DType.F32, 1, 3);
        int rx = b.node(new Op.Reshape(new int[] {8}), "rx", x), ry = b.node(new Op.Reshape(new int[] {3}), "ry", y);
        Graph g = b.output(rx, ry).build();
        byte[][] one = ArenaProof.seededInputs(g), two = ArenaProof.seededInputs(g);
        assertEquals(8, one[0].length);
        assertEquals(12, one[1].length);
        assertArrayEquals(one[0], two[0]);
        assertArrayEquals(one[1], two[1]);
    }

    static int fc(GraphBuilder b, int from, int out, String name, int seed) {
        int in = b.tensorAt(from).shape().dim(1);
        float[] w = new float[out * in];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian() * 0.1f;
        return b.node(new Op.FullyConnected(Op.Act.RELU, false), name, from, b.constant(name + "/w", DType.F32, Shape.of(out, in), Bytes.f32(w)), -1);
    }
}
