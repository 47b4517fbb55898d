package org.tinyfit.quant;

import java.util.List;
import org.tinyfit.graph.Graph;

/**
 * Where calibration samples come from: given the float model, one float array per graph input for
 * each sample (real values, in the graph's input order). It is asked only after the model has been
 * checked to be a float model, so it may rely on the inputs' shapes.
 */
@FunctionalInterface
public interface CalibrationSource {
    List<float[][]> samples(Graph g);

    /** Samples already in memory. */
    static CalibrationSource of(List<float[][]> samples) { return g -> samples; }
}
