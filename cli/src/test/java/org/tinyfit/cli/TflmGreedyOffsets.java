package org.tinyfit.cli;

import java.nio.file.Path;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.tflite.TfliteReader;

/** Prints tinyfit's TFLM-greedy arena offset of every arena tensor of a model in its stored order, one "offset ID BYTES" line each. */
public final class TflmGreedyOffsets {
    private TflmGreedyOffsets() {}

    public static void main(String[] args) {
        Graph g = TfliteReader.read(Path.of(args[0]));
        ArenaPlan p = new TflmGreedyPlanner().plan(g, Schedule.stored(g));
        for (int t = 0; t < g.tensors().size(); t++) if (p.inArena(t)) System.out.println("offset " + t + " " + p.offset(t));
    }
}
