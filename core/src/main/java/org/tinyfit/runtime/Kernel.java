package org.tinyfit.runtime;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;

/**
 * How one kind of node is computed. {@link #prepare} runs once, before any input is seen: it checks
 * the node's tensors (dtypes, shapes, quantization) and precomputes what every run needs (fixed-point
 * multipliers, activation ranges, lookup tables, loop bounds), throwing a {@link
 * org.tinyfit.graph.GraphException} that names the node ({@link Node#label()}) if it cannot run it.
 * The {@link PreparedKernel} it returns then runs the node on an {@link Arena}, reading its inputs
 * and writing its outputs only through the tensor ids of {@code node}.
 */
@FunctionalInterface
public interface Kernel {
    PreparedKernel prepare(Node node, Graph graph);
}
