package org.tinyfit.train;

import java.util.List;

/** An optimizer's memory: the step count and per-param slots (momentum, second moments), saved in checkpoints. */
public final class OptimizerState {
    long step;
    final float[][][] slots;

    public OptimizerState(List<Param> params, int slotCount) {
        slots = new float[params.size()][slotCount][];
        for (int p = 0; p < params.size(); p++) {
            for (int s = 0; s < slotCount; s++) slots[p][s] = params.get(p).trainable ? new float[params.get(p).value.length] : new float[0];
        }
    }

    float[] slot(int param, int slot) { return slots[param][slot]; }

    public long step() { return step; }
}
