package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class InPlaceTest {

    @Test
    void reluOverADyingInputCostsNoNewBytes() {
        GraphBuilder b = new GraphBuilder("relu");
        int x = b.input("x", DType.I8, 1, 96);
        int w = b.constant("w", DType.I8, Shape.of(48, 96), new byte[48 * 96]);
        int y = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, w, -1);
        int r = b.node(new Op.Relu(), "relu", y);
        int w2 = b.constant("w2", DType.I8, Shape.of(16, 48), new byte[16 * 48]);
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc2", r, w2, -1)).build();
        assertArrayEquals(new long[] {144, 96, 64}, StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.TFLM));
        assertArrayEquals(new long[] {144, 48, 64}, StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.IN_PLACE));
    }

    @Test
    void anInputStillReadLaterIsNotOverwritten() {
        GraphBuilder b = new GraphBuilder("residual");
        int x = b.input("x", DType.I8, 1, 64);
        int r = b.node(new Op.Relu(), "relu", x);
        int s = b.node(new Op.Add(Op.Act.NONE), "add", x, r);
        Graph g = b.output(s).build();
        // relu: x is read again by add, so relu needs its own 64 bytes; add then overwrites x.
        assertArrayEquals(new long[] {128, 128}, StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.IN_PLACE));
        assertArrayEquals(new long[] {128, 192}, StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.TFLM));
    }

    @Test
    void depthwiseInPlaceNeedsOneChannelPlaneOfScratch() {
        GraphBuilder b = new GraphBuilder("dw");
        int x = b.input("x", DType.I8, 1, 8, 8, 4);
        int w0 = b.constant("w0", DType.I8, Shape.of(4, 3, 3, 4), new byte[144]); // 3x3: not in place
        int y = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "pw", x, w0);
        int w = b.constant("w", DType.I8, Shape.of(1, 3, 3, 4), new byte[36]);
        int z = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 2, 2, 1, 1, 1, Op.Act.NONE), "dw", y, w);
        Graph g = b.output(b.node(new Op.Relu(), "relu", z)).build();
        InPlace.Rule rule = InPlace.rule(g, g.node(1));
        assertEquals(4 * 4, rule.scratchBytes());
        assertArrayEquals(new int[] {y}, rule.inputs());
        assertArrayEquals(new long[] {512, 256 + 16, 64}, StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.IN_PLACE));
        assertArrayEquals(new long[] {512, 256 + 64, 64 + 64}, StepMemory.stepBytes(g, Schedule.stored(g), LiveModel.TFLM));
    }

    @Test
    void depthwiseWithAMultiplierHasNoInPlaceRule() {
        GraphBuilder b = new GraphBuilder("dwm");
        int x = b.input("x", DType.I8, 1, 8, 8, 2);
        int w = b.constant("w", DType.I8, Shape.of(1, 3, 3, 4), new byte[36]);
        int z = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 2, Op.Act.NONE), "dw", x, w);
        Graph g = b.output(b.node(new Op.Relu(), "relu", z)).build();
        assertNull(InPlace.rule(g, g.node(0)));
    }
}
