package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;

class QuantParamsTest {
    @Test
    void rangesAreThoseOfTheJavaTypes() {
        assertEquals(Byte.MIN_VALUE, QuantParams.qmin(DType.I8));
        assertEquals(Byte.MAX_VALUE, QuantParams.qmax(DType.I8));
        assertEquals(0, QuantParams.qmin(DType.U8));
        assertEquals(255, QuantParams.qmax(DType.U8));
        assertEquals(Short.MIN_VALUE, QuantParams.qmin(DType.I16));
        assertEquals(Short.MAX_VALUE, QuantParams.qmax(DType.I16));
        assertEquals(Integer.MIN_VALUE, QuantParams.qmin(DType.I32));
        assertEquals(Integer.MAX_VALUE, QuantParams.qmax(DType.I32));
        assertThrows(IllegalArgumentException.class, () -> QuantParams.qmin(DType.F32));
        assertThrows(IllegalArgumentException.class, () -> QuantParams.qmax(DType.I64));
    }

    @Test
    void scaleAndZeroPointAreReadOrTheNodeIsNamed() {
        GraphBuilder b = new GraphBuilder("p");
        int x = b.input("x", DType.I8, Quantization.perTensor(0.5f, -3), 1, 4);
        int y = b.node(new Op.Relu(), "y", DType.I8, null, x);
        Graph g = b.output(y).build();
        Node n = g.nodes().get(0);
        assertEquals(0.5f, QuantParams.scale(n, g.tensor(x), "input"));
        assertEquals(-3, QuantParams.zeroPoint(n, g.tensor(x), "input"));
        GraphException e = assertThrows(GraphException.class, () -> QuantParams.zeroPoint(n, g.tensor(y), "the output"));
        assertTrue(e.getMessage().startsWith(n.label() + ": the output (tensor " + y + ", i8) has no quantization"), e.getMessage());
    }
}
