package org.tinyfit.passes;

import org.tinyfit.graph.Graph;

/**
 * The inference form of a trained graph, the one that is exported and run on a device: batch norms
 * folded into the ops before them (with a ReLU or ReLU6 after them fused), then dropouts removed.
 */
public final class InferenceForm {
    private InferenceForm() {}

    public static Graph of(Graph trained) {
        return DropoutRemoval.apply(BatchNormFolding.fold(trained));
    }
}
