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
}
