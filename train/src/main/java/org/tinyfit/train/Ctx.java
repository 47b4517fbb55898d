package org.tinyfit.train;

/** The buffers one forward/backward pass reads and writes, indexed by tensor id. */
final class Ctx {
    /** Samples per chunk of work: fixed, so chunking (and thus every sum) is the same for any thread count. */
    static final int CHUNK = 8;

    final float[][] act;
    final float[][] grad;
    final Param[] params;
    /** Elements per sample of each activation tensor. */
    final int[] per;
    /** Whether a tensor's gradient is needed (false for graph inputs and constants). */
    final boolean[] needGrad;
    /** Whether a gradient flows back from a tensor: it depends on a param or a tracked input (set by {@link Net}). */
    final boolean[] flows;
    final Parallel par;
    int n;
    boolean training;
    long seed;

    Ctx(int tensors, Parallel par) {
        act = new float[tensors][];
        grad = new float[tensors][];
        params = new Param[tensors];
        per = new int[tensors];
        needGrad = new boolean[tensors];
        flows = new boolean[tensors];
        this.par = par;
    }

    int chunks() { return chunks(n); }

    static int chunks(int n) { return (n + CHUNK - 1) / CHUNK; }

    /** Runs body(chunk, fromSample, toSample) for every chunk of the current batch. */
    void forChunks(ChunkBody body) {
        int c = chunks();
        par.forEach(c, (int i) -> body.run(i, i * CHUNK, Math.min(n, (i + 1) * CHUNK)));
    }

    /** Like {@link #forChunks} but also tells which worker runs the chunk (for per-worker scratch). */
    void forChunks(WorkerChunkBody body) {
        int c = chunks();
        par.forEach(c, (i, worker) -> body.run(i, worker, i * CHUNK, Math.min(n, (i + 1) * CHUNK)));
    }

    @FunctionalInterface
    interface ChunkBody { void run(int chunk, int from, int to); }

    @FunctionalInterface
    interface WorkerChunkBody { void run(int chunk, int worker, int from, int to); }

    /** A value of a constant or activation: params first. */
    float[] value(int t) { return params[t] != null ? params[t].value : act[t]; }

    /** Where the gradient of a tensor goes, or null when none is needed. */
    float[] gradOf(int t) {
        if (params[t] != null) return params[t].trainable ? params[t].grad : null;
        return needGrad[t] && flows[t] ? grad[t] : null;
    }
}
