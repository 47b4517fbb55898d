package org.tinyfit.runtime.kernels.fast.vector;

import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.F32;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.L;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.load;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.S;

import jdk.incubator.vector.FloatVector;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.BinaryKernel.Kind;
import org.tinyfit.runtime.kernels.Conv2DKernel;

/** float ADD, SUB and MUL of two same-shape tensors, a vector of elements at a time, then the clamp: the reference's values. */
public final class VectorBinary {
    private VectorBinary() {}

    public static PreparedKernel f32(Kind kind, int n, int t1, int t2, int to, float min, float max) {
        FloatVector lo = FloatVector.broadcast(S, min), hi = FloatVector.broadcast(S, max);
        return a -> {
            if (a.elements(t1) != n || a.elements(t2) != n || a.elements(to) != n) throw new IllegalStateException("tensor sizes changed");
            byte[] p = a.array(t1), q = a.array(t2), o = a.array(to);
            int pb = a.offset(t1), qb = a.offset(t2), ob = a.offset(to);
            int i = 0;
            for (; i + L <= n; i += L) {
                FloatVector x = load(p, pb + 4 * i), y = load(q, qb + 4 * i);
                FloatVector v = switch (kind) { case ADD -> x.add(y); case SUB -> x.sub(y); case MUL -> x.mul(y); };
                v.max(lo).min(hi).reinterpretAsBytes().intoArray(o, ob + 4 * i);
            }
            for (; i < n; i++) {
                float x = (float) F32.get(p, pb + 4 * i), y = (float) F32.get(q, qb + 4 * i);
                float v = switch (kind) { case ADD -> x + y; case SUB -> x - y; case MUL -> x * y; };
                F32.set(o, ob + 4 * i, Conv2DKernel.clamp(v, min, max));
            }
        };
    }
}
