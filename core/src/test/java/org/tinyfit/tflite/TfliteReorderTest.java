package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;

class TfliteReorderTest {

    /** A valid order different from the stored one when the graph allows it: a topological order preferring the latest-ready node. */
    static int[] anotherOrder(Graph g) {
        int n = g.nodes().size();
        int[] missing = new int[n];
        for (Node node : g.nodes()) {
            for (int t : java.util.Arrays.stream(node.inputs()).distinct().toArray()) if (t >= 0 && g.producer(t) >= 0) missing[node.id()]++;
        }
        java.util.ArrayDeque<Integer> ready = new java.util.ArrayDeque<>();
        for (int i = 0; i < n; i++) if (missing[i] == 0) ready.push(i);
        int[] order = new int[n];
        int k = 0;
        while (!ready.isEmpty()) {
            int v = ready.pop();
            order[k++] = v;
            for (int t : g.node(v).outputs()) for (int c : g.consumers(t)) if (--missing[c] == 0) ready.push(c);
        }
        assertEquals(n, k);
        return order;
    }

    @TestFactory
    List<DynamicTest> reorderedModelsReadBackWithOnlyTheOrderChanged() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : SharedModels.all()) {
            tests.add(DynamicTest.dynamicTest(SharedModels.dir().relativize(p).toString(), () -> {
                byte[] original = SharedModels.bytes(p);
                Graph g = TfliteReader.read(original, "m.tflite");
                int[] order = anotherOrder(g);
                byte[] out = TfliteReorder.withOperatorOrder(original, order);
                assertEquals(original.length, out.length);
                Graph back = TfliteReader.read(out, "m.tflite");
                GraphAssert.same(g.reordered(order), back, p.getFileName().toString());
                int changed = 0;
                int first = -1, last = -1;
                for (int i = 0; i < out.length; i++) {
                    if (out[i] != original[i]) {
                        changed++;
                        if (first < 0) first = i;
                        last = i;
                    }
                }
                // Only entries of the operators vector may change: a span of at most 4 bytes per operator.
                assertTrue(changed == 0 || last - first < 4 * order.length, "bytes changed outside the operators vector");
            }));
        }
        return tests;
    }

    @Test
    void identityOrderLeavesTheFileUnchanged() {
        byte[] original = SharedModels.bytes(SharedModels.model("simple_add_model.tflite"));
        byte[] same = TfliteReorder.withOperatorOrder(original, new int[] {0});
        assertArrayEquals(original, same);
    }

    @Test
    void branchyModelGetsANewOrder() {
        // Two independent RELUs then an ADD: [1, 0, 2] is valid and differs from the stored order.
        RawModel m = new RawModel();
        int relu = m.opcode(BuiltinOperators.RELU);
        int add = m.opcode(BuiltinOperators.ADD);
        m.tensor(RawModel.T.activation("x", Schema.FLOAT32, 4));
        m.tensor(RawModel.T.activation("a", Schema.FLOAT32, 4));
        m.tensor(RawModel.T.activation("b", Schema.FLOAT32, 4));
        m.tensor(RawModel.T.activation("c", Schema.FLOAT32, 4));
        m.operators.add(RawModel.O.plain(relu, new int[] {0}, new int[] {1}));
        m.operators.add(RawModel.O.plain(relu, new int[] {0}, new int[] {2}));
        m.operators.add(RawModel.O.plain(add, new int[] {1, 2}, new int[] {3}));
        m.inputs = new int[] {0};
        m.outputs = new int[] {3};
        byte[] original = m.build();
        byte[] out = TfliteReorder.withOperatorOrder(original, new int[] {1, 0, 2});
        Graph back = TfliteReader.read(out, "m.tflite");
        assertArrayEquals(new int[] {2}, back.node(0).outputs());
        assertArrayEquals(new int[] {1}, back.node(1).outputs());
        assertFalse(java.util.Arrays.equals(original, out));
    }

    @Test
    void orderThatReadsBeforeWritingIsRejected() {
        byte[] original = SharedModels.bytes(SharedModels.model("hello_world_int8.tflite"));
        GraphException e = assertThrows(GraphException.class, () -> TfliteReorder.withOperatorOrder(original, new int[] {2, 1, 0}));
        assertTrue(e.getMessage().contains("writes later in the stored order"), e.getMessage());
        GraphException p = assertThrows(GraphException.class, () -> TfliteReorder.withOperatorOrder(original, new int[] {0, 0, 1}));
        assertTrue(p.getMessage().contains("not a permutation"), p.getMessage());
    }
}
