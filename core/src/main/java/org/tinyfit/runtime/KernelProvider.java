package org.tinyfit.runtime;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;

/**
 * A set of kernels the interpreter consults before its own: it returns the kernel for {@code node}
 * (for example one for 16-bit activations, or for SVDF), or {@code null} when it does not handle
 * that node, in which case the interpreter's built-in kernels (or its "not supported" error) apply.
 */
@FunctionalInterface
public interface KernelProvider {
    Kernel kernelFor(Node node, Graph graph);

    /**
     * As {@link #kernelFor(Node, Graph)}, told whether the interpreter runs its fast kernels (a
     * provider may then pick an optimized kernel with the same results); by default the same kernel.
     */
    default Kernel kernelFor(Node node, Graph graph, boolean fast) { return kernelFor(node, graph); }
}
