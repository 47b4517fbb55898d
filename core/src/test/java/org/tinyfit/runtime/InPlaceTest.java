package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;

/** Plans that put an output over a dying input (where {@link org.tinyfit.memory.InPlace} allows it) run to the same results. */
class InPlaceTest {
    @Test
    void personDetectRunsInPlaceAndStillEqualsTflm() throws IOException {
        Graph g = GoldenTest.model("person_detect");
        Schedule s = Schedule.stored(g);
        ArenaPlan plan = TestPlans.inPlace(g, s);
        int aliased = 0;
        for (var n : g.nodes()) for (int t : n.inputs()) if (t >= 0 && !g.tensor(t).isConstant() && plan.offset(t) == plan.offset(n.output(0))) aliased++;
        assertTrue(aliased >= 14, "only " + aliased + " nodes run in place");
        GoldenTest.Golden gold = GoldenTest.golden(g, "person_detect", 1);
        assertArrayEquals(gold.output(), new Interpreter(g, s, plan).run(gold.inputs())[0]);
    }

    /** x -> depthwise (stride 2, SAME) -> relu6 -> avg pool -> max pool, float and int8. */
    static Graph chain(DType dt) {
        Random r = new Random(7);
        GraphBuilder b = new GraphBuilder("chain");
        Quantization q = dt == DType.I8 ? Quantization.perTensor(0.05f, 3) : null;
        int x = b.input("x", dt, q, 1, 9, 7, 3);
        byte[] w = dt == DType.F32 ? Bytes.f32(randomFloats(r, 27)) : randomBytes(r, 27);
        Quantization wq = dt == DType.I8 ? new Quantization(new float[] {0.02f, 0.03f, 0.01f}, new long[] {0, 0, 0}, 3) : null;
        int f = b.constant("w", dt, Shape.of(1, 3, 3, 3), wq, w);
        int bias = dt == DType.F32 ? b.constant("b", DType.F32, Shape.of(3), Bytes.f32(0.1f, -0.2f, 0.3f))
                : b.constant("b", DType.I32, Shape.of(3), Bytes.i32(10, -20, 30));
        Quantization oq = dt == DType.I8 ? Quantization.perTensor(0.04f, -5) : null;
        int d = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 2, 2, 1, 1, 1, Op.Act.NONE), "d", dt, oq, x, f, bias);
        int relu = b.node(new Op.Relu6(), "relu6", d);
        int avg = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.SAME, 1, 1, 3, 3, Op.Act.NONE), "avg", relu);
        int max = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "max", avg);
        return b.output(max).build();
    }

    @Test
    void perChannelAndElementWiseNodesRunInPlaceExactly() {
        for (DType dt : new DType[] {DType.F32, DType.I8}) {
            Graph g = chain(dt);
            Schedule s = Schedule.stored(g);
            byte[] input = dt == DType.F32 ? Bytes.f32(randomFloats(new Random(1), 189)) : randomBytes(new Random(1), 189);
            byte[] expected = new Interpreter(g, s, TestPlans.separate(g, 0)).run(new byte[][] {input})[0];
            ArenaPlan plan = TestPlans.inPlace(g, s);
            assertTrue(plan.offset(g.node(0).output(0)) == plan.offset(0) && plan.offset(g.node(3).output(0)) == plan.offset(0), "the test plan aliases the chain");
            for (boolean fast : new boolean[] {false, true}) {
                byte[] got = new Interpreter(g, s, plan, Interpreter.defaultProviders(), fast).run(new byte[][] {input})[0];
                assertArrayEquals(expected, got, dt + " fast=" + fast);
            }
        }
    }

    @Test
    void aConvolutionMayNotWriteOverItsInput() {
        GraphBuilder b = new GraphBuilder("conv");
        int x = b.input("x", DType.F32, 1, 8, 8, 2);
        int w = b.constant("w", DType.F32, Shape.of(4, 3, 3, 2), Bytes.f32(new float[72])); // widens: its rows outrun the input's
        int y = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "y", x, w, -1);
        int z = b.node(new Op.Relu(), "z", y);
        Graph g = b.output(z).build();
        long[] off = TestPlans.separate(g, 0).offsets();
        off[y] = off[x];
        GraphException e = assertThrows(GraphException.class, () -> new Interpreter(g, Schedule.stored(g), new ArenaPlan(off, 4000, "bad")));
        assertTrue(e.getMessage().contains("overlaps tensor 0 (x,") && e.getMessage().contains("tensor 2 (y,"), e.getMessage());
    }

    static float[] randomFloats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] v = new byte[n];
        r.nextBytes(v);
        return v;
    }
}
