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
        int w0 = b.constant("w0", DType.I8, Shape.of(4, 9, 9, 4), new byte[1296]); // 9x9: too tall a window to run in place
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

    private static Graph conv(int h, int c, int out, int k, int stride) {
        GraphBuilder b = new GraphBuilder("conv");
        int x = b.input("x", DType.I8, 1, h, h, c);
        int w = b.constant("w", DType.I8, Shape.of(out, k, k, c), new byte[out * k * k * c]);
        return b.output(b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.NONE), "conv", x, w)).build();
    }

    @Test
    void convolutionsRunInPlaceWhereTheirOutputOnlyLandsOnInputNothingReadsAnyMore() {
        // 1x1: a pixel buffer of the input's channels, whether the output is wider or narrower
        assertEquals(8, InPlace.rule(conv(8, 8, 32, 1, 1), conv(8, 8, 32, 1, 1).node(0)).scratchBytes());
        assertEquals(8, InPlace.rule(conv(8, 8, 4, 1, 1), conv(8, 8, 4, 1, 1).node(0)).scratchBytes());
        // a first layer 96x96x3 -> 48x48x8, stride 2: output row r lands on input rows 2r+2 and later are untouched
        Graph first = conv(96, 3, 8, 3, 2);
        assertEquals(0, InPlace.rowLag(first, first.node(0), (Op.Conv2D) first.node(0).op()));
        assertEquals(48 * 8, InPlace.rule(first, first.node(0)).scratchBytes());
        // 3x3 stride 1 keeping 16 channels: row r - 1 goes back once row r is computed (two row buffers)
        Graph same = conv(32, 16, 16, 3, 1);
        assertEquals(1, InPlace.rowLag(same, same.node(0), (Op.Conv2D) same.node(0).op()));
        assertEquals(2 * 32 * 16, InPlace.rule(same, same.node(0)).scratchBytes());
        // 3x3 stride 1 widening 16 -> 64 channels: its rows outrun the input's
        Graph wide = conv(32, 16, 64, 3, 1);
        assertEquals(-1, InPlace.rowLag(wide, wide.node(0), (Op.Conv2D) wide.node(0).op()));
        assertNull(InPlace.rule(wide, wide.node(0)));
    }
}
