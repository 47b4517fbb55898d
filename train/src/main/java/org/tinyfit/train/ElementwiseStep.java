package org.tinyfit.train;

import org.tinyfit.graph.Op;

/** Add, Sub or Mul of two tensors of the same shape (either may be a trainable constant), with a fused activation. */
final class ElementwiseStep extends Step {
    enum Kind { ADD, SUB, MUL }

    private final Kind kind;
    private final int a, b, y;
    private final boolean aConst, bConst;
    private final Op.Act act;

    ElementwiseStep(Kind kind, int a, int b, int y, boolean aConst, boolean bConst, Op.Act act) {
        this.kind = kind; this.a = a; this.b = b; this.y = y; this.aConst = aConst; this.bConst = bConst; this.act = act;
    }

    @Override void forward(Ctx c) {
        float[] av = c.value(a), bv = c.value(b), ys = c.act[y];
        int per = c.per[y];
        c.forChunks((k, from, to) -> {
            for (int i = from * per; i < to * per; i++) {
                float p = av[aConst ? i % per : i], q = bv[bConst ? i % per : i];
                ys[i] = switch (kind) { case ADD -> p + q; case SUB -> p - q; case MUL -> p * q; };
            }
            Activations.forward(act, ys, from * per, to * per);
        });
    }

    @Override void backward(Ctx c) {
        float[] av = c.value(a), bv = c.value(b), ys = c.act[y], dy = c.grad[y];
        float[] da = c.gradOf(a), db = c.gradOf(b);
        int per = c.per[y];
        c.forChunks((k, from, to) -> Activations.backward(act, ys, dy, from * per, to * per));
        // constants are shared by every sample: sum their gradient serially (deterministic); activations per chunk
        if (da != null) accumulate(c, da, aConst, true, av, bv, dy, per);
        if (db != null) accumulate(c, db, bConst, false, av, bv, dy, per);
    }

    private void accumulate(Ctx c, float[] d, boolean isConst, boolean first, float[] av, float[] bv, float[] dy, int per) {
        float sign = !first && kind == Kind.SUB ? -1f : 1f;
        Ctx.ChunkBody body = (k, from, to) -> {
            for (int i = from * per; i < to * per; i++) {
                float g = dy[i] * sign;
                if (kind == Kind.MUL) g *= first ? bv[bConst ? i % per : i] : av[aConst ? i % per : i];
                d[isConst ? i % per : i] += g;
            }
        };
        if (isConst) body.run(0, 0, c.n);
        else c.forChunks(body);
    }
}
