package org.tinyfit.spark;

import java.io.Serializable;
import org.tinyfit.search.Evaluation;

/** What a task sends back to the driver: one candidate's evaluation (and the checkpoint to go on from, after a first rung). */
record Figures(int id, double valAccuracy, byte[] model, double seconds, byte[] checkpoint, byte[] weights) implements Serializable {
    static Figures of(Evaluation e) {
        return new Figures(e.id(), e.valAccuracy(), e.model(), e.seconds(), e.checkpoint(), e.weights());
    }

    Evaluation evaluation() {
        return new Evaluation(id, valAccuracy, model, seconds, checkpoint, weights);
    }
}
