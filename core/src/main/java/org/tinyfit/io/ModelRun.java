package org.tinyfit.io;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;

/**
 * One inference as {@code tinyfit run} does it: the graph in its stored order, in one arena laid out by
 * TFLite Micro's greedy planner, timed; its outputs given back in the model file's own layout
 * ({@link SourceLayout}: an ONNX image model's NCHW).
 *
 * @param plan    the arena plan the run used
 * @param millis  the wall-clock time of the run
 * @param outputs the output tensors as the model file describes them
 * @param values  their bytes, in that layout
 */
public record ModelRun(ArenaPlan plan, double millis, Tensor[] outputs, byte[][] values) {
    /** Runs {@code g} once on {@code inputs} (one per graph input, as stored); {@code fast}: the fast kernels where they exist, else the reference ones. */
    public static ModelRun of(Graph g, byte[][] inputs, boolean fast) {
        Schedule schedule = Schedule.stored(g);
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, schedule);
        Interpreter it = new Interpreter(g, schedule, plan, Interpreter.defaultProviders(), fast);
        long t0 = System.nanoTime();
        byte[][] result = it.run(inputs);
        double millis = (System.nanoTime() - t0) / 1e6;
        int[] outs = g.outputs();
        Tensor[] shown = new Tensor[outs.length];
        for (int k = 0; k < outs.length; k++) {
            shown[k] = SourceLayout.asInFile(g, outs[k]);
            result[k] = SourceLayout.toFile(g, outs[k], result[k]);
        }
        return new ModelRun(plan, millis, shown, result);
    }

    /**
     * Whether output {@code id} reads as class scores: one row of more than one value, made by a
     * softmax or shaped unlike every input (an autoencoder gives back its input's shape).
     */
    public static boolean classScores(Graph g, int id) {
        Shape s = g.tensor(id).shape();
        if (s.rank() == 0 || s.elements() != s.dim(-1) || s.elements() < 2) return false;
        for (Node n : g.nodes()) {
            for (int o : n.outputs()) if (o == id && n.op() instanceof Op.Softmax) return true;
        }
        for (int in : g.inputs()) if (g.tensor(in).shape().elements() == s.elements()) return false;
        return true;
    }
}
