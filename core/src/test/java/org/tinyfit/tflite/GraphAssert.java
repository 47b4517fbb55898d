package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/** Compares two graphs tensor by tensor and node by node. */
final class GraphAssert {
    private GraphAssert() {}

    static void sameTensors(Graph want, Graph got, String what) {
        assertEquals(want.tensors().size(), got.tensors().size(), what + ": tensor count");
        for (int i = 0; i < want.tensors().size(); i++) {
            Tensor a = want.tensor(i), b = got.tensor(i);
            String where = what + ": tensor " + i;
            assertEquals(a.name(), b.name(), where);
            assertEquals(a.dtype(), b.dtype(), where);
            assertEquals(a.shape(), b.shape(), where);
            assertEquals(a.quant(), b.quant(), where);
            assertArrayEquals(a.data(), b.data(), where);
            assertEquals(a.variable(), b.variable(), where);
        }
        assertArrayEquals(want.inputs(), got.inputs(), what + ": inputs");
        assertArrayEquals(want.outputs(), got.outputs(), what + ": outputs");
    }

    static void same(Graph want, Graph got, String what) {
        sameTensors(want, got, what);
        assertEquals(want.nodes().size(), got.nodes().size(), what + ": node count");
        for (int i = 0; i < want.nodes().size(); i++) {
            Node a = want.node(i), b = got.node(i);
            assertEquals(a, b, what + ": node " + i);
        }
    }
}
