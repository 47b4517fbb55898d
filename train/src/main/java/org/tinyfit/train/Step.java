package org.tinyfit.train;

/** One node of the graph, as training runs it: a forward pass and a backward pass over a batch. */
abstract class Step {
    /** Allocates per-batch buffers for batches of up to {@code capacity} samples. */
    void allocate(Ctx c, int capacity) {}

    abstract void forward(Ctx c);

    /** Adds the gradients of this node's inputs (the output's gradient is complete when called). */
    abstract void backward(Ctx c);

    /** Sums per-chunk partial gradients into {@code into}, in chunk order (deterministic). */
    static void reduce(float[][] partial, int chunks, float[] into) {
        if (into == null) return;
        int len = into.length;
        for (int k = 0; k < chunks; k++) {
            float[] p = partial[k];
            for (int i = 0; i < len; i++) into[i] += p[i];
        }
    }

    static float[][] partials(int capacity, int size) {
        return new float[Ctx.chunks(capacity)][size];
    }
}
