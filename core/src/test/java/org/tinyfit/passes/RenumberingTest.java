package org.tinyfit.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

class RenumberingTest {
    @Test void nodesAreNumberedInTheOrderGivenAndTensorsInTheirOldOrder() {
        List<Tensor> t = new ArrayList<>();
        t.add(Tensor.activation(0, "x", DType.F32, Shape.of(1, 2), null));
        t.add(Tensor.constant(1, "unread", DType.F32, Shape.of(1), null, FloatGraphs.floats(1)));
        t.add(Tensor.activation(2, "a", DType.F32, Shape.of(1, 2), null));
        t.add(Tensor.activation(3, "orphan", DType.F32, Shape.of(1, 2), null));
        t.add(Tensor.activation(4, "b", DType.F32, Shape.of(1, 2), null));
        Graph like = new Graph("g", List.of(t.get(0)), List.of(), new int[] {0}, new int[] {0}, Map.of("k", "v"));
        List<Node> nodes = List.of(new Node(7, new Op.Relu(), new int[] {0}, new int[] {2}), new Node(3, new Op.Relu6(), new int[] {2}, new int[] {4}));
        Graph g = Renumbering.rebuild(like, t, nodes, new int[] {0}, new int[] {4});
        assertEquals(List.of("x", "a", "b"), g.tensors().stream().map(Tensor::name).toList());
        assertEquals(new Node(0, new Op.Relu(), new int[] {0}, new int[] {1}), g.node(0));
        assertEquals(new Node(1, new Op.Relu6(), new int[] {1}, new int[] {2}), g.node(1));
        assertArrayEquals(new int[] {2}, g.outputs());
        assertEquals(Map.of("k", "v"), g.metadata());
    }

    @Test void anAbsentOptionalInputStaysAbsent() {
        List<Tensor> t = List.of(Tensor.activation(0, "x", DType.F32, Shape.of(1, 1, 1, 1), null),
                Tensor.constant(1, "w", DType.F32, Shape.of(1, 1, 1, 1), null, FloatGraphs.floats(2)),
                Tensor.activation(2, "y", DType.F32, Shape.of(1, 1, 1, 1), null));
        Graph like = new Graph("g", t, List.of(), new int[] {0}, new int[] {0});
        Node conv = new Node(0, new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE), new int[] {0, 1, -1}, new int[] {2});
        assertArrayEquals(new int[] {0, 1, -1}, Renumbering.rebuild(like, t, List.of(conv), new int[] {0}, new int[] {2}).node(0).inputs());
    }
}
