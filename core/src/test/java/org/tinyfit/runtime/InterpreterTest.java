package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;

class InterpreterTest {
    /** x[1,2] -> FC1 (relu) -> h1, x -> FC2 -> h2, y = h1 + h2. */
    static Graph diamond() {
        GraphBuilder b = new GraphBuilder("diamond");
        int x = b.input("x", DType.F32, 1, 2);
        int w1 = b.constant("w1", DType.F32, Shape.of(2, 2), Bytes.f32(1, 2, 3, 4));
        int b1 = b.constant("b1", DType.F32, Shape.of(2), Bytes.f32(0.5f, -100));
        int w2 = b.constant("w2", DType.F32, Shape.of(2, 2), Bytes.f32(-1, 0, 0, 1));
        int h1 = b.node(new Op.FullyConnected(Op.Act.RELU, false), "h1", x, w1, b1);
        int h2 = b.node(new Op.FullyConnected(Op.Act.NONE, false), "h2", x, w2, -1);
        int y = b.node(new Op.Add(Op.Act.NONE), "y", h1, h2);
        return b.output(y).build();
    }

    private static final float[] DIAMOND_EXPECTED = {
        // x = (1, 2): h1 = relu(1+4+0.5, 3+8-100) = (5.5, 0); h2 = (-1, 2); y = (4.5, 2)
        4.5f, 2f
    };

    @Test
    void runsAGraphInTheStoredOrder() {
        Graph g = diamond();
        Interpreter it = new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 0));
        assertArrayEquals(DIAMOND_EXPECTED, Bytes.toF32(it.run(new byte[][] {Bytes.f32(1, 2)})[0]));
    }

    @Test
    void aReorderedScheduleGivesTheSameOutputs() {
        Graph g = diamond();
        Schedule reordered = new Schedule(new int[] {1, 0, 2});
        Interpreter it = new Interpreter(g, reordered, TestPlans.firstFit(g, reordered));
        assertArrayEquals(DIAMOND_EXPECTED, Bytes.toF32(it.run(new byte[][] {Bytes.f32(1, 2)})[0]));
    }

    @Test
    void anyValidPlanGivesTheSameOutputs() {
        Graph g = diamond();
        for (ArenaPlan p : List.of(TestPlans.separate(g, 7), TestPlans.separateReversed(g), TestPlans.firstFit(g, Schedule.stored(g)))) {
            Interpreter it = new Interpreter(g, Schedule.stored(g), p);
            assertArrayEquals(DIAMOND_EXPECTED, Bytes.toF32(it.run(new byte[][] {Bytes.f32(1, 2)})[0]), p.planner());
        }
    }

    @Test
    void runningTwiceGivesTheSameOutputs() {
        Graph g = diamond();
        Interpreter it = new Interpreter(g, Schedule.stored(g), TestPlans.firstFit(g, Schedule.stored(g)));
        byte[] first = it.run(new byte[][] {Bytes.f32(1, 2)})[0];
        it.run(new byte[][] {Bytes.f32(-3, 7)});
        assertArrayEquals(first, it.run(new byte[][] {Bytes.f32(1, 2)})[0]);
    }

    @Test
    void anOverlappingPlanIsRejectedNamingBothTensors() {
        Graph g = diamond();
        long[] off = TestPlans.separate(g, 0).offsets();
        off[g.nodes().get(1).output(0)] = off[g.nodes().get(0).output(0)]; // h2 over h1, both live at the ADD
        GraphException e = assertThrows(GraphException.class, () -> new Interpreter(g, Schedule.stored(g), new ArenaPlan(off, 1000, "bad")));
        assertTrue(e.getMessage().contains("h1") && e.getMessage().contains("h2"), e.getMessage());
    }

    @Test
    void aPlanMissingATensorIsRejected() {
        Graph g = diamond();
        long[] off = TestPlans.separate(g, 0).offsets();
        off[0] = -1;
        GraphException e = assertThrows(GraphException.class, () -> new Interpreter(g, Schedule.stored(g), new ArenaPlan(off, 1000, "bad")));
        assertTrue(e.getMessage().contains("tensor 0 (x)"), e.getMessage());
    }

    @Test
    void wrongInputCountIsAOneLineError() {
        Graph g = diamond();
        Interpreter it = new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 0));
        GraphException e = assertThrows(GraphException.class, () -> it.run(new byte[][] {Bytes.f32(1, 2), Bytes.f32(1)}));
        assertEquals("the model has 1 input, got 2", e.getMessage());
    }

    @Test
    void wrongInputSizeIsAOneLineError() {
        Graph g = diamond();
        Interpreter it = new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 0));
        GraphException e = assertThrows(GraphException.class, () -> it.run(new byte[][] {Bytes.f32(1, 2, 3)}));
        assertEquals("input 0 (x) needs 8 bytes (f32[1,2]), got 12", e.getMessage());
    }

    @Test
    void anOpaqueOpIsNamedAsUnsupported() {
        GraphBuilder b = new GraphBuilder("opaque");
        int x = b.input("x", DType.F32, 1, 2);
        int y = b.nodeWithShape(new Op.Opaque("FOO", 999), "y", DType.F32, Shape.of(1, 2), null, x);
        Graph g = b.output(y).build();
        GraphException e = assertThrows(GraphException.class, () -> new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 0)));
        assertEquals("node 0 (FOO): not supported by tinyfit's runtime", e.getMessage());
    }

    @Test
    void theListenerSeesEveryNodeAfterItRuns() {
        Graph g = diamond();
        Interpreter it = new Interpreter(g, Schedule.stored(g), TestPlans.firstFit(g, Schedule.stored(g)));
        List<String> seen = new ArrayList<>();
        it.run(new byte[][] {Bytes.f32(1, 2)}, (step, node, arena) -> seen.add(step + ":" + node.id() + "=" + arena.f32(node.output(0), 0)));
        assertEquals(List.of("0:0=5.5", "1:1=-1.0", "2:2=4.5"), seen);
    }

    @Test
    void aProviderIsConsultedBeforeTheBuiltinKernels() {
        Graph g = diamond();
        KernelProvider negateAdds = (node, graph) -> node.op() instanceof Op.Add
                ? (n, gr) -> a -> { for (int i = 0; i < 2; i++) a.setF32(n.output(0), i, -1f); }
                : null;
        Interpreter it = new Interpreter(g, Schedule.stored(g), TestPlans.separate(g, 0), List.of(negateAdds), false);
        assertArrayEquals(new float[] {-1f, -1f}, Bytes.toF32(it.run(new byte[][] {Bytes.f32(1, 2)})[0]));
    }

    @Test
    void variablesKeepTheirStateAcrossRunsUntilReset() {
        List<Tensor> ts = new ArrayList<>();
        ts.add(Tensor.activation(0, "x", DType.F32, Shape.of(1), null));
        ts.add(new Tensor(1, "state", DType.F32, Shape.of(1), null, null, true));
        ts.add(Tensor.activation(2, "y", DType.F32, Shape.of(1), null));
        Graph g = new Graph("acc", ts, List.of(new Node(0, new Op.Add(Op.Act.NONE), new int[] {0, 1}, new int[] {2})), new int[] {0}, new int[] {2}, Map.of());
        long[] off = {0, -1, 4};
        KernelProvider accumulate = (node, graph) -> (n, gr) -> a -> {
            float v = a.f32(0, 0) + a.f32(1, 0);
            a.setF32(1, 0, v);
            a.setF32(2, 0, v);
        };
        Interpreter it = new Interpreter(g, Schedule.stored(g), new ArenaPlan(off, 8, "t"), List.of(accumulate), false);
        it.run(new byte[][] {Bytes.f32(2)});
        assertEquals(5f, Bytes.toF32(it.run(new byte[][] {Bytes.f32(3)})[0])[0]);
        it.resetVariables();
        assertEquals(3f, Bytes.toF32(it.run(new byte[][] {Bytes.f32(3)})[0])[0]);
    }
}
