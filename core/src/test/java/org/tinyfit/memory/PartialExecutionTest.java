package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

class PartialExecutionTest {

    private static int conv(GraphBuilder b, Random r, int x, int out, int k, int stride, String name) {
        int in = b.tensorAt(x).shape().dim(3);
        int w = FloatEval.randomConstant(b, r, name + "/w", out, k, k, in);
        int bias = FloatEval.randomConstant(b, r, name + "/b", out);
        return b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.RELU), name, x, w, bias);
    }

    private static int dw(GraphBuilder b, Random r, int x, int stride, String name) {
        int c = b.tensorAt(x).shape().dim(3);
        int w = FloatEval.randomConstant(b, r, name + "/w", 1, 3, 3, c);
        int bias = FloatEval.randomConstant(b, r, name + "/b", c);
        return b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, stride, stride, 1, 1, 1, Op.Act.RELU6), name, x, w, bias);
    }

    /** A MobileNet-like float net whose peak is a pointwise conv writing 8x8x32 from 8x8x8. */
    static Graph mobileNetLike(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("mobilenet-like");
        int x = b.input("x", DType.F32, 1, 16, 16, 4);
        int t = conv(b, r, x, 8, 3, 2, "conv0");
        t = dw(b, r, t, 1, "dw1");
        t = conv(b, r, t, 32, 1, 1, "pw1");
        t = dw(b, r, t, 2, "dw2");
        t = conv(b, r, t, 16, 1, 1, "pw2");
        t = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 4, 4, 4, 4, Op.Act.NONE), "gap", t);
        return b.output(t).build();
    }

    private static long constantBytes(Graph g) {
        return g.tensors().stream().filter(Tensor::isConstant).mapToLong(Tensor::bytes).sum();
    }

    @Test
    void splittingThePointwiseConvAndItsDepthwiseLowersThePeak() {
        Graph g = mobileNetLike(1);
        PartialExecution.Result r = PartialExecution.apply(g);
        assertFalse(r.splits().isEmpty());
        assertEquals("pw1", r.splits().get(0).headName());
        assertEquals(StepMemory.peakBytes(g, Schedule.stored(g), LiveModel.IN_PLACE), r.peakBytesBefore());
        assertEquals(StepMemory.peakBytes(r.graph(), Schedule.stored(r.graph()), LiveModel.IN_PLACE), r.peakBytesAfter());
        assertTrue(r.peakBytesAfter() < r.peakBytesBefore(), r.peakBytesAfter() + " vs " + r.peakBytesBefore());
        // before: pw1 writes 8x8x32 floats over its 8x8x8 input (pixel by pixel, in place), then dw2
        // (stride 2) runs over them in place through a 4x4 plane: 8,192 + 64 bytes
        assertEquals(2048 * 4 + 64, r.peakBytesBefore());
    }

    @Test
    void theSplitGraphComputesExactlyWhatTheOriginalComputes() {
        Graph g = mobileNetLike(2);
        Graph split = PartialExecution.apply(g).graph();
        assertTrue(split.nodes().size() > g.nodes().size());
        float[] x = FloatEval.randomInput(g, 3);
        assertArrayEquals(FloatEval.run(g, x)[0], FloatEval.run(split, x)[0], 0f);
    }

    @Test
    void slicedFiltersTakeTheSameFlashInAll() {
        Graph g = mobileNetLike(4);
        assertEquals(constantBytes(g), constantBytes(PartialExecution.apply(g).graph()));
    }

    @Test
    void perChannelQuantizationIsSlicedWithTheFilter() {
        GraphBuilder b = new GraphBuilder("q");
        b.input("x", DType.I8, 1, 2, 2, 2);
        Quantization q = new Quantization(new float[] {1, 2, 3, 4}, new long[] {0}, 0);
        int w = b.constant("w", DType.I8, Shape.of(4, 1, 1, 2), q, new byte[] {0, 1, 10, 11, 20, 21, 30, 31});
        Graph g = b.output(0).build();
        GraphEdit e = new GraphEdit(g);
        e.slicedConstant(w, 0, 1, 3);
        assertEquals(1, e.replaceNodes(0, -1, java.util.List.of()).tensors().size(), "constants no node reads are dropped");
        Tensor sliced = sliceOf(g, w, 0, 1, 3);
        assertArrayEquals(new byte[] {10, 11, 20, 21}, sliced.data());
        assertArrayEquals(new float[] {2, 3}, sliced.quant().scales());
        Tensor alongChannels = sliceOf(g, w, 3, 1, 2);
        assertArrayEquals(new byte[] {1, 11, 21, 31}, alongChannels.data());
        assertArrayEquals(new float[] {1, 2, 3, 4}, alongChannels.quant().scales(), "quantization along another axis is kept");
    }

    private static Tensor sliceOf(Graph g, int t, int axis, int from, int to) {
        GraphEdit e = new GraphEdit(g);
        int id = e.slicedConstant(t, axis, from, to);
        return e.tensorForTest(id);
    }

    static Graph randomChain(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("chain-" + seed);
        int size = 4 + r.nextInt(9);
        int t = b.input("x", DType.F32, 1, size, size, 1 + r.nextInt(4));
        int layers = 1 + r.nextInt(4);
        for (int i = 0; i < layers; i++) {
            int ch = new int[] {4, 6, 8, 12, 16}[r.nextInt(5)];
            t = conv(b, r, t, ch, r.nextBoolean() ? 1 : 3, 1, "pw" + i);
            if (r.nextBoolean()) t = dw(b, r, t, 1 + r.nextInt(2), "dw" + i);
            if (r.nextInt(3) == 0) t = b.node(new Op.Relu(), "relu" + i, t);
            if (r.nextInt(3) == 0) t = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.SAME, 2, 2, 2, 2, Op.Act.NONE), "pool" + i, t);
        }
        return b.output(t).build();
    }

    @Test
    void randomChainsOftenGetSplit() {
        int split = 0;
        for (long seed = 0; seed < 40; seed++) if (!PartialExecution.apply(randomChain(seed)).splits().isEmpty()) split++;
        assertTrue(split >= 10, split + " of 40 random chains were split");
    }

    @Property(tries = 40, seed = "3")
    void randomChainsSplitBitExactlyAndNeverRaiseThePeak(@ForAll long seed) {
        Graph g = randomChain(seed);
        PartialExecution.Result res = PartialExecution.apply(g);
        assertTrue(res.peakBytesAfter() <= res.peakBytesBefore());
        assertEquals(res.splits().isEmpty(), res.peakBytesAfter() == res.peakBytesBefore());
        float[] x = FloatEval.randomInput(g, seed);
        assertArrayEquals(FloatEval.run(g, x)[0], FloatEval.run(res.graph(), x)[0], 0f);
    }
}
