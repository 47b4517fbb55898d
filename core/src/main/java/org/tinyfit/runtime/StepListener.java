package org.tinyfit.runtime;

import org.tinyfit.graph.Node;

/**
 * Called after each node runs, while its outputs are still in the arena (a later node may reuse
 * their bytes): the way to look at every intermediate tensor, e.g. to compare it with a golden run.
 */
@FunctionalInterface
public interface StepListener {
    void afterNode(int step, Node node, Arena arena);
}
