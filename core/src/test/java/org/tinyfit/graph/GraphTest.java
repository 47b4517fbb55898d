package org.tinyfit.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {
    private static byte[] zeros(int n) { return new byte[n]; }

    static Graph smallCnn() {
        GraphBuilder b = new GraphBuilder("small");
        int x = b.input("x", DType.F32, 1, 28, 28, 1);
        int w = b.constant("w", DType.F32, Shape.of(8, 3, 3, 1), zeros(8 * 9 * 4));
        int bias = b.constant("b", DType.F32, Shape.of(8), zeros(32));
        int c = b.node(new Op.Conv2D(Op.Padding.SAME, 2, 2, 1, 1, Op.Act.RELU), "conv", x, w, bias);
        int p = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "pool", c);
        int r = b.node(new Op.Reshape(new int[] {1, -1}), "flat", p);
        int fw = b.constant("fw", DType.F32, Shape.of(10, 7 * 7 * 8), zeros(10 * 392 * 4));
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", r, fw, -1);
        int s = b.node(new Op.Softmax(1f), "prob", fc);
        return b.output(s).build();
    }

    @Test
    void builderInfersShapesThroughAConvNet() {
        Graph g = smallCnn();
        assertEquals(5, g.nodes().size());
        assertEquals(Shape.of(1, 14, 14, 8), g.tensor(g.node(0).output(0)).shape());
        assertEquals(Shape.of(1, 7, 7, 8), g.tensor(g.node(1).output(0)).shape());
        assertEquals(Shape.of(1, 392), g.tensor(g.node(2).output(0)).shape());
        assertEquals(Shape.of(1, 10), g.tensor(g.outputs()[0]).shape());
        assertArrayEquals(new int[] {1}, g.consumers(g.node(0).output(0)));
        assertEquals(0, g.producer(g.node(0).output(0)));
    }

    @Test
    void convWithWrongChannelCountIsRejectedNamingTheNode() {
        GraphBuilder b = new GraphBuilder("bad");
        int x = b.input("x", DType.F32, 1, 32, 32, 3);
        int w = b.constant("w", DType.F32, Shape.of(8, 3, 3, 4), zeros(8 * 9 * 4 * 4));
        GraphException e = assertThrows(GraphException.class,
                () -> b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), "c", x, w));
        assertTrue(e.getMessage().startsWith("node 0 (CONV_2D): input 0 has shape [1,32,32,3]"), e.getMessage());
    }

    @Test
    void aCycleIsRejected() {
        List<Tensor> ts = List.of(
                Tensor.activation(0, "in", DType.F32, Shape.of(1, 4), null),
                Tensor.activation(1, "a", DType.F32, Shape.of(1, 4), null),
                Tensor.activation(2, "b", DType.F32, Shape.of(1, 4), null));
        List<Node> ns = List.of(
                new Node(0, new Op.Add(Op.Act.NONE), new int[] {0, 2}, new int[] {1}),
                new Node(1, new Op.Relu(), new int[] {1}, new int[] {2}));
        GraphException e = assertThrows(GraphException.class, () -> new Graph("cyc", ts, ns, new int[] {0}, new int[] {2}));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void elementCountOverflowIsRejected() {
        GraphException e = assertThrows(GraphException.class, () -> Shape.of(65536, 65536, 4));
        assertTrue(e.getMessage().contains("elements"), e.getMessage());
    }

    @Test
    void declaredShapeMismatchNamesTheNode() {
        List<Tensor> ts = List.of(
                Tensor.activation(0, "in", DType.F32, Shape.of(1, 8, 8, 2), null),
                Tensor.activation(1, "out", DType.F32, Shape.of(1, 3, 3, 2), null));
        Graph g = new Graph("g", ts, List.of(new Node(0, new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), new int[] {0}, new int[] {1})), new int[] {0}, new int[] {1});
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.check(g));
        assertEquals("node 0 (AVERAGE_POOL_2D): output 0 (tensor 1) is declared [1,3,3,2], but its inputs give [1,4,4,2]", e.getMessage());
    }

    @Test
    void reorderedKeepsTensorsAndRenumbersNodes() {
        GraphBuilder b = new GraphBuilder("branches");
        int x = b.input("x", DType.F32, 1, 4);
        int a = b.node(new Op.Relu(), "a", x);
        int c = b.node(new Op.Tanh(), "c", x);
        int s = b.node(new Op.Add(Op.Act.NONE), "s", a, c);
        Graph g = b.output(s).build();
        Graph r = g.reordered(new int[] {1, 0, 2});
        assertEquals(new Op.Tanh(), r.node(0).op());
        assertEquals(g.tensors(), r.tensors());
        assertThrows(GraphException.class, () -> g.reordered(new int[] {2, 0, 1}));
    }

    @Test
    void anUnknownOpMayReadABufferNoNodeWritesButAKnownOpMayNot() {
        List<Tensor> ts = List.of(
                Tensor.activation(0, "in", DType.I8, Shape.of(1, 4), null),
                Tensor.activation(1, "npu_scratch", DType.I8, Shape.of(64), null),
                Tensor.activation(2, "out", DType.I8, Shape.of(1, 4), null));
        Graph g = new Graph("npu", ts, List.of(new Node(0, new Op.Opaque("CUSTOM:ethos-u", 32), new int[] {0, 1}, new int[] {2})), new int[] {0}, new int[] {2});
        assertEquals(-1, g.producer(1));
        GraphException e = assertThrows(GraphException.class, () -> new Graph("relu", ts,
                List.of(new Node(0, new Op.Add(Op.Act.NONE), new int[] {0, 1}, new int[] {2})), new int[] {0}, new int[] {2}));
        assertTrue(e.getMessage().contains("which no node writes"), e.getMessage());
    }
}
