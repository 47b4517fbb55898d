package org.tinyfit.train;

import org.tinyfit.graph.Op;

/**
 * Add, Sub or Mul of two tensors with broadcasting (either may be a constant), with a fused
 * activation. Each operand has a map from the output's per-sample elements to its own elements
 * (null when the shapes are equal): an activation's index is per sample, a constant's is absolute.
 */
final class ElementwiseStep extends Step {
    enum Kind { ADD, SUB, MUL }

    private final Kind kind;
    private final int a, b, y;
    private final boolean aConst, bConst;
    private final int[] aMap, bMap;
    private final Op.Act act;

    ElementwiseStep(Kind kind, int a, int b, int y, boolean aConst, boolean bConst, int[] aMap, int[] bMap, Op.Act act) {
        this.kind = kind; this.a = a; this.b = b; this.y = y; this.aConst = aConst; this.bConst = bConst;
        this.aMap = aMap; this.bMap = bMap; this.act = act;
    }

    /** Where output element {@code j} of sample {@code s} reads an operand. */
    private static int at(int[] map, boolean isConst, int operandPer, int s, int j) {
        int k = map == null ? j : map[j];
        return isConst ? k : s * operandPer + k;
    }

    @Override void forward(Ctx c) {
        float[] av = c.value(a), bv = c.value(b), ys = c.act[y];
        int per = c.per[y], pa = c.per[a], pb = c.per[b];
        c.forChunks((k, from, to) -> {
            for (int s = from; s < to; s++) {
                for (int j = 0; j < per; j++) {
                    float p = av[at(aMap, aConst, pa, s, j)], q = bv[at(bMap, bConst, pb, s, j)];
                    ys[s * per + j] = switch (kind) { case ADD -> p + q; case SUB -> p - q; case MUL -> p * q; };
                }
            }
            Activations.forward(act, ys, from * per, to * per);
        });
    }

    @Override void backward(Ctx c) {
        float[] av = c.value(a), bv = c.value(b), ys = c.act[y], dy = c.grad[y];
        float[] da = c.gradOf(a), db = c.gradOf(b);
        int per = c.per[y];
        c.forChunks((k, from, to) -> Activations.backward(act, ys, dy, from * per, to * per));
        // constants are shared by every sample: sum their gradient serially (deterministic); activations
        // per chunk (chunks hold whole samples, so a broadcast activation's sums stay inside one chunk)
        if (da != null) accumulate(c, da, true, av, bv, dy, per);
        if (db != null) accumulate(c, db, false, av, bv, dy, per);
    }

    private void accumulate(Ctx c, float[] d, boolean first, float[] av, float[] bv, float[] dy, int per) {
        float sign = !first && kind == Kind.SUB ? -1f : 1f;
        boolean isConst = first ? aConst : bConst;
        int[] map = first ? aMap : bMap;
        int pa = c.per[a], pb = c.per[b], pd = first ? pa : pb;
        Ctx.ChunkBody body = (k, from, to) -> {
            for (int s = from; s < to; s++) {
                for (int j = 0; j < per; j++) {
                    float g = dy[s * per + j] * sign;
                    if (kind == Kind.MUL) g *= first ? bv[at(bMap, bConst, pb, s, j)] : av[at(aMap, aConst, pa, s, j)];
                    d[at(map, isConst, pd, s, j)] += g;
                }
            }
        };
        if (isConst) body.run(0, 0, c.n);
        else c.forChunks(body);
    }

    /**
     * The broadcast map of an operand of per-sample dims {@code in} (already aligned to the output's
     * rank, sizes 1 where it repeats) onto per-sample output dims {@code out}, or null when equal.
     */
    static int[] broadcastMap(int[] in, int[] out) {
        if (java.util.Arrays.equals(in, out)) return null;
        int rank = out.length, total = 1;
        for (int d : out) total *= d;
        int[] stride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) { stride[d] = in[d] == 1 ? 0 : s; s *= in[d]; }
        int[] map = new int[total];
        int[] idx = new int[rank];
        for (int j = 0; j < total; j++) {
            int o = 0;
            for (int d = 0; d < rank; d++) o += idx[d] * stride[d];
            map[j] = o;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) break;
                idx[d] = 0;
            }
        }
        return map;
    }
}
