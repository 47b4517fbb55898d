package org.tinyfit.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.runtime.int16.Int16Kernels;

/**
 * Runs the nodes {@link Int16Kernels} handles (16-bit activations, integer SVDF) on the arena: each
 * tensor is handed to the kernel as a little-endian view of exactly its own bytes (read-only for
 * constants), so those kernels, too, can touch nothing outside their tensors.
 */
public final class Int16Provider implements KernelProvider {
    @Override
    public Kernel kernelFor(Node node, Graph graph) {
        if (!Int16Kernels.handles(node, graph)) return null;
        return (n, g) -> {
            Int16Kernels.Kernel k;
            try {
                k = Int16Kernels.prepare(n, g);
            } catch (IllegalArgumentException | IllegalStateException e) {
                String m = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new GraphException(m.startsWith(n.label()) ? m : n.label() + ": " + m, e);
            }
            return arena -> k.invoke(t -> view(arena, t));
        };
    }

    private static ByteBuffer view(Arena arena, int t) {
        ByteBuffer b = ByteBuffer.wrap(arena.array(t), arena.offset(t), arena.byteCount(t)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return arena.writable(t) ? b : b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
