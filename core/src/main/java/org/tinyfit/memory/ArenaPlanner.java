package org.tinyfit.memory;

import org.tinyfit.graph.Graph;

/** Places a graph's activations and scratch buffers in one arena for a given schedule. */
public interface ArenaPlanner {
    ArenaPlan plan(Graph g, Schedule schedule);

    String name();
}
