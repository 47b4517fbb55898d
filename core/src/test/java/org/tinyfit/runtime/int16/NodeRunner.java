package org.tinyfit.runtime.int16;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/**
 * Runs a graph whose every node {@link Int16Kernels} handles, each tensor in its own buffer: the
 * test-side stand-in for an interpreter.
 */
final class NodeRunner {
    private final Graph graph;
    private final List<Int16Kernels.Kernel> kernels = new ArrayList<>();
    private final Map<Integer, ByteBuffer> buffers = new HashMap<>();

    NodeRunner(Graph graph, Int16Kernels.Reference reference) {
        this.graph = graph;
        for (Tensor t : graph.tensors()) {
            ByteBuffer b = t.isConstant() ? ByteBuffer.wrap(t.data().clone()) : ByteBuffer.allocate((int) t.bytes());
            buffers.put(t.id(), b.order(ByteOrder.LITTLE_ENDIAN));
        }
        for (Node n : graph.nodes()) kernels.add(Int16Kernels.prepare(n, graph, reference));
    }

    ByteBuffer tensor(int id) { return buffers.get(id); }

    void invoke() {
        for (Int16Kernels.Kernel k : kernels) k.invoke(buffers::get);
    }
}
