package org.tinyfit.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeInferenceRobustnessTest {
    @Test
    void absentFirstInputIsAGraphExceptionNamingTheNode() {
        Tensor w = Tensor.constant(0, "w", DType.F32, Shape.of(2, 2), null, new byte[16]);
        Tensor y = Tensor.activation(1, "y", DType.F32, Shape.of(1, 2), null);
        Node n = new Node(0, new Op.FullyConnected(Op.Act.NONE, false), new int[] {-1, 0}, new int[] {1});
        Graph g = new Graph("g", List.of(w, y), List.of(n), new int[0], new int[] {1});
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.check(g));
        assertEquals("node 0 (FULLY_CONNECTED): input 0 is missing", e.getMessage());
    }

    @Test
    void oversizedParameterTensorIsRejectedBeforeItIsRead() {
        Tensor x = Tensor.activation(0, "x", DType.F32, Shape.of(1, 4), null);
        Tensor pads = Tensor.constant(1, "pads", DType.I32, Shape.of(1000, 2), null, new byte[8000]);
        Tensor y = Tensor.activation(2, "y", DType.F32, Shape.of(1, 4), null);
        Node n = new Node(0, new Op.Pad(), new int[] {0, 1}, new int[] {2});
        Graph g = new Graph("g", List.of(x, pads, y), List.of(n), new int[] {0}, new int[] {2});
        GraphException e = assertThrows(GraphException.class, () -> ShapeInference.check(g));
        assertEquals("node 0 (PAD): paddings (tensor 1) has 2000 values, more than the 4 expected", e.getMessage());
    }

    @Test
    void cycleThroughAWidelyReadTensorIsFoundQuickly() {
        // node 0 writes t1, read by 3000 nodes; node 0 reads the output of the last one: a cycle.
        int readers = 3000;
        java.util.ArrayList<Tensor> ts = new java.util.ArrayList<>();
        java.util.ArrayList<Node> ns = new java.util.ArrayList<>();
        ts.add(Tensor.activation(0, "in", DType.F32, Shape.of(4), null));
        ts.add(Tensor.activation(1, "hub", DType.F32, Shape.of(4), null));
        ns.add(new Node(0, new Op.Add(Op.Act.NONE), new int[] {0, readers + 1}, new int[] {1}));
        for (int i = 0; i < readers; i++) {
            ts.add(Tensor.activation(2 + i, "r" + i, DType.F32, Shape.of(4), null));
            ns.add(new Node(1 + i, new Op.Relu(), new int[] {1}, new int[] {2 + i}));
        }
        GraphException e = assertThrows(GraphException.class, () -> new Graph("g", ts, ns, new int[] {0}, new int[] {2}));
        assertTrue(e.getMessage().startsWith("the graph has a cycle of 2 nodes: node 0 (ADD) -> node " + readers + " (RELU) -> node 0 (ADD)"), e.getMessage());
    }
}
