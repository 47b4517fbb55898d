package org.tinyfit.runtime;

/** A node ready to run: everything that does not depend on the data is already computed. */
@FunctionalInterface
public interface PreparedKernel {
    /** Reads the node's inputs from {@code arena} and writes its outputs there. */
    void run(Arena arena);
}
