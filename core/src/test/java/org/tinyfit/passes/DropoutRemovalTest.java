package org.tinyfit.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;

class DropoutRemovalTest {
    @Test void readersOfAChainOfDropoutsReadWhatCameBefore() {
        GraphBuilder b = new GraphBuilder("d");
        int x = b.input("x", DType.F32, 1, 4);
        int r = b.node(new Op.Relu(), "r", x);
        int d = b.node(new Op.Dropout(0.5f), "d2", b.node(new Op.Dropout(0.2f), "d1", r));
        Graph g = b.output(b.node(new Op.Relu6(), "y", d)).build();
        Graph removed = DropoutRemoval.apply(g);
        assertEquals(2, removed.nodes().size());
        assertEquals(removed.node(0).output(0), removed.node(1).input(0));
        assertEquals(3, removed.tensors().size(), "the dropouts' outputs are gone");
    }

    @Test void aDropoutThatWritesAGraphOutputHandsTheOutputToItsInput() {
        GraphBuilder b = new GraphBuilder("o");
        int x = b.input("x", DType.F32, 1, 4);
        int r = b.node(new Op.Relu(), "r", x);
        Graph g = b.output(b.node(new Op.Dropout(0.5f), "d", r)).build();
        Graph removed = DropoutRemoval.apply(g);
        assertEquals(1, removed.nodes().size());
        assertArrayEquals(removed.node(0).outputs(), removed.outputs());
        assertEquals("r", removed.tensor(removed.outputs()[0]).name());
    }
}
