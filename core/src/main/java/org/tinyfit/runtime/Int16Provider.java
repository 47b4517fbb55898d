package org.tinyfit.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.runtime.int16.Int16Kernels;
import org.tinyfit.runtime.kernels.fast.SvdfFast;

/**
 * Runs the nodes {@link Int16Kernels} handles (16-bit activations, integer SVDF) on the arena: each
 * tensor is handed to the kernel as a little-endian view of exactly its own bytes (read-only for
 * constants), so those kernels, too, can touch nothing outside their tensors. The views are made on
 * a node's first run and kept. With the fast kernels, integer SVDF runs in place on the arena
 * ({@link SvdfFast}, same bytes as the reference).
 */
public final class Int16Provider implements KernelProvider {
    @Override
    public Kernel kernelFor(Node node, Graph graph) { return kernelFor(node, graph, false); }

    @Override
    public Kernel kernelFor(Node node, Graph graph, boolean fast) {
        if (!Int16Kernels.handles(node, graph)) return null;
        if (fast && node.op() instanceof Op.Svdf) return (n, g) -> svdfInPlace(n, g);
        return (n, g) -> {
            Int16Kernels.Kernel k = guarded(n, () -> Int16Kernels.prepare(n, g));
            ByteBuffer[] views = new ByteBuffer[g.tensors().size()];
            Arena[] viewed = new Arena[1];
            Int16Kernels.Tensors tensors = t -> {
                ByteBuffer b = views[t];
                return b != null ? b : (views[t] = view(viewed[0], t));
            };
            return arena -> {
                if (viewed[0] != arena) {
                    Arrays.fill(views, null);
                    viewed[0] = arena;
                }
                k.invoke(tensors);
            };
        };
    }

    private static PreparedKernel svdfInPlace(Node n, Graph g) {
        SvdfFast svdf = guarded(n, () -> SvdfFast.prepare(n, g));
        int ti = n.input(0), ts = n.input(4), to = n.output(0);
        return arena -> {
            if (!arena.writable(ts) || !arena.writable(to)) throw KernelSupport.fail(n, "its state and output must be writable tensors");
            svdf.run(arena.array(ti), arena.offset(ti), arena.array(ts), arena.offset(ts), arena.array(to), arena.offset(to));
        };
    }

    private static <T> T guarded(Node n, java.util.function.Supplier<T> prepare) {
        try {
            return prepare.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new GraphException(m.startsWith(n.label()) ? m : n.label() + ": " + m, e);
        }
    }

    private static ByteBuffer view(Arena arena, int t) {
        ByteBuffer b = ByteBuffer.wrap(arena.array(t), arena.offset(t), arena.byteCount(t)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return arena.writable(t) ? b : b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
