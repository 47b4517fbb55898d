package org.tinyfit.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class BatchNormFoldingTest {
    private static final Op.Conv2D CONV = new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE);

    /** x[1,1,1,2] → 1×1 conv with 2 output channels (w, bias b) → BatchNorm (γ, β, mean, var, ε = 0) → {@code after}. */
    private static Graph convBn(Op after, boolean bias) {
        GraphBuilder b = new GraphBuilder("bn");
        int x = b.input("x", DType.F32, 1, 1, 1, 2);
        int w = b.constant("w", DType.F32, Shape.of(2, 1, 1, 2), FloatGraphs.floats(1, 2, 3, 4));
        int y = bias ? b.node(CONV, "y", x, w, b.constant("b", DType.F32, Shape.of(2), FloatGraphs.floats(10, 20))) : b.node(CONV, "y", x, w);
        int z = b.node(new Op.BatchNorm(0f, 0.9f), "z", y, f(b, "gamma", 2, 3), f(b, "beta", 1, -1), f(b, "mean", 4, 8), f(b, "var", 4, 9));
        if (after != null) z = b.node(after, "out", z);
        return b.output(z).build();
    }

    private static int f(GraphBuilder b, String name, float... v) {
        return b.constant(name, DType.F32, Shape.of(v.length), FloatGraphs.floats(v));
    }

    @Test void theFilterIsScaledPerOutputChannelAndTheBiasShifted() {
        Graph folded = BatchNormFolding.fold(convBn(null, true));
        assertEquals(1, folded.nodes().size());
        Node conv = folded.node(0);
        assertEquals(CONV, conv.op());
        // s = γ/√var = [2/2, 3/3] = [1, 1]; bias = (b − mean)·s + β = [10 − 4 + 1, 20 − 8 − 1]
        assertArrayEquals(new float[] {1, 2, 3, 4}, FloatGraphs.floatsOf(folded.tensor(conv.input(1)).data()));
        assertArrayEquals(new float[] {7, 11}, FloatGraphs.floatsOf(folded.tensor(conv.input(2)).data()));
        assertEquals("z", folded.tensor(conv.output(0)).name(), "the op writes the BatchNorm's output");
    }

    @Test void aConvWithoutBiasGetsOne() {
        GraphBuilder b = new GraphBuilder("bn");
        int x = b.input("x", DType.F32, 1, 1, 1, 1);
        int y = b.node(CONV, "y", x, b.constant("w", DType.F32, Shape.of(2, 1, 1, 1), FloatGraphs.floats(1, -1)));
        int z = b.node(new Op.BatchNorm(0f, 0.9f), "z", y, f(b, "g", 4, 1), f(b, "be", 0, 5), f(b, "m", 1, 1), f(b, "v", 4, 1));
        Graph folded = BatchNormFolding.fold(b.output(z).build());
        Node conv = folded.node(0);
        assertArrayEquals(new float[] {2, -1}, FloatGraphs.floatsOf(folded.tensor(conv.input(1)).data()));
        assertArrayEquals(new float[] {-2, 4}, FloatGraphs.floatsOf(folded.tensor(conv.input(2)).data()));
        assertEquals("w/bias", folded.tensor(conv.input(2)).name());
    }

    @Test void aDepthwiseFilterIsScaledAlongItsLastAxis() {
        GraphBuilder b = new GraphBuilder("dw");
        int x = b.input("x", DType.F32, 1, 1, 1, 2);
        int w = b.constant("w", DType.F32, Shape.of(1, 1, 2, 2), FloatGraphs.floats(1, 1, 1, 1));
        int y = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 1, Op.Act.NONE), "y", x, w);
        int z = b.node(new Op.BatchNorm(0f, 0.9f), "z", y, f(b, "g", 2, 3), f(b, "be", 0, 0), f(b, "m", 0, 0), f(b, "v", 1, 1));
        Graph folded = BatchNormFolding.fold(b.output(z).build());
        assertArrayEquals(new float[] {2, 3, 2, 3}, FloatGraphs.floatsOf(folded.tensor(folded.node(0).input(1)).data()));
    }

    @Test void aReluOrRelu6AfterIsFusedButNotTanh() {
        Graph relu = BatchNormFolding.fold(convBn(new Op.Relu(), true));
        assertEquals(1, relu.nodes().size());
        assertEquals(Op.Act.RELU, ((Op.Conv2D) relu.node(0).op()).act());
        assertEquals("out", relu.tensor(relu.outputs()[0]).name());
        Graph relu6 = BatchNormFolding.fold(convBn(new Op.Relu6(), true));
        assertEquals(Op.Act.RELU6, ((Op.Conv2D) relu6.node(0).op()).act());
        Graph tanh = BatchNormFolding.fold(convBn(new Op.Tanh(), true));
        assertEquals(2, tanh.nodes().size());
        assertEquals(Op.Act.NONE, ((Op.Conv2D) tanh.node(0).op()).act());
        assertTrue(tanh.node(1).op() instanceof Op.Tanh);
    }

    @Test void aBatchNormIsLeftWhenItsInputIsReadElsewhereOrTheOpHasAnActivation() {
        GraphBuilder b = new GraphBuilder("shared");
        int x = b.input("x", DType.F32, 1, 1, 1, 1);
        int y = b.node(CONV, "y", x, b.constant("w", DType.F32, Shape.of(1, 1, 1, 1), FloatGraphs.floats(2)));
        int z = b.node(new Op.BatchNorm(0f, 0.9f), "z", y, f(b, "g", 1), f(b, "be", 0), f(b, "m", 0), f(b, "v", 1));
        Graph sharedInput = b.output(b.node(new Op.Add(Op.Act.NONE), "s", y, z)).build();
        assertSame(sharedInput.nodes().size(), BatchNormFolding.fold(sharedInput).nodes().size());

        GraphBuilder c = new GraphBuilder("act");
        int cx = c.input("x", DType.F32, 1, 1, 1, 1);
        int cy = c.node(new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.RELU), "y", cx, c.constant("w", DType.F32, Shape.of(1, 1, 1, 1), FloatGraphs.floats(2)));
        Graph withAct = c.output(c.node(new Op.BatchNorm(0f, 0.9f), "z", cy, f(c, "g", 1), f(c, "be", 0), f(c, "m", 0), f(c, "v", 1))).build();
        assertEquals(2, BatchNormFolding.fold(withAct).nodes().size());
    }

    @Test void aGraphWithoutBatchNormComesBackUnchanged() {
        GraphBuilder b = new GraphBuilder("plain");
        int x = b.input("x", DType.F32, 1, 2);
        Graph g = b.output(b.node(new Op.Relu(), "y", x)).build();
        Graph folded = BatchNormFolding.fold(g);
        assertEquals(g.nodes(), folded.nodes());
        assertEquals(g.tensors().size(), folded.tensors().size());
    }

    @Test void onlyOpsWithAFusedActivationTakeOne() {
        assertThrows(IllegalArgumentException.class, () -> FusedActivations.with(new Op.Relu(), Op.Act.RELU));
        assertEquals(new Op.Add(Op.Act.RELU6), FusedActivations.with(new Op.Add(Op.Act.NONE), Op.Act.RELU6));
    }
}
