package org.tinyfit.runtime.kernels.fast;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.BinaryKernel.AddSubQuant;
import org.tinyfit.runtime.kernels.BinaryKernel.Kind;
import org.tinyfit.runtime.kernels.BinaryKernel.MulQuant;
import org.tinyfit.runtime.kernels.BinaryKernel;
import org.tinyfit.runtime.kernels.fast.vector.VectorBinary;
import org.tinyfit.quant.FixedPoint;

/**
 * ADD, SUB and MUL by lookup: a large int8 op reads its result from a table of all 256 x 256 input
 * pairs, filled in prepare by the reference arithmetic (so the bytes are the same). Float of two
 * same-shape inputs runs on the Vector API ({@link VectorBinary}) where {@link Simd#AVAILABLE}. Other
 * float, int32 and small int8 ops run the reference ({@link BinaryKernel}), which also does every check.
 */
public final class FastBinary implements Kernel {
    /** Below this many output elements a lookup table (65536 entries, built in prepare) does not pay for itself. */
    static final int TABLE_MIN_ELEMENTS = 4096;

    private final Kind kind;
    private final Op.Act act;
    private final boolean simd;

    /** Float on the Vector API where {@link Simd#AVAILABLE}. */
    public FastBinary(Kind kind, Op.Act act) { this(kind, act, Simd.AVAILABLE); }

    /** {@code simd}: float of two same-shape inputs runs {@link VectorBinary} (only when {@link Simd#AVAILABLE}). */
    public FastBinary(Kind kind, Op.Act act, boolean simd) {
        this.kind = kind;
        this.act = act;
        this.simd = simd && Simd.AVAILABLE;
    }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        PreparedKernel reference = new BinaryKernel(kind, act).prepare(node, g);
        Tensor x = g.tensor(node.input(0)), y = g.tensor(node.input(1)), out = g.tensor(node.output(0));
        int n = out.shape().elements();
        if (x.dtype() == DType.F32 && simd && x.shape().elements() == n && y.shape().elements() == n) {
            float[] range = FixedPoint.activationRangeFloat(act);
            return VectorBinary.f32(kind, n, x.id(), y.id(), out.id(), range[0], range[1]);
        }
        if (x.dtype() != DType.I8 || n < TABLE_MIN_ELEMENTS) return reference;
        boolean sub = kind == Kind.SUB;
        byte[] table = int8Table(kind == Kind.MUL ? null : BinaryKernel.addSubQuant(node, x, y, out, act, sub),
                kind == Kind.MUL ? BinaryKernel.mulQuant(node, x, y, out, act) : null, sub);
        int[] outDims = out.shape().dims();
        boolean sameShape = x.shape().elements() == n && y.shape().elements() == n;
        int[] map1 = sameShape ? null : KernelSupport.broadcastIndex(node, x.shape().dims(), outDims);
        int[] map2 = sameShape ? null : KernelSupport.broadcastIndex(node, y.shape().dims(), outDims);
        return int8ByTable(node, table, n, x.id(), y.id(), out.id(), sameShape, map1, map2);
    }

    /** Entry {@code (x & 0xff) << 8 | (y & 0xff)}: the reference result for int8 inputs x and y. */
    static byte[] int8Table(AddSubQuant add, MulQuant mul, boolean sub) {
        byte[] table = new byte[1 << 16];
        for (int x = -128; x < 128; x++) {
            for (int y = -128; y < 128; y++) {
                int v;
                if (mul != null) {
                    v = mul.apply(x, y);
                } else {
                    v = BinaryKernel.addSub(add, x, y, sub);
                }
                table[(x & 0xff) << 8 | (y & 0xff)] = (byte) v;
            }
        }
        return table;
    }

    private static PreparedKernel int8ByTable(Node node, byte[] table, int n, int t1, int t2, int to, boolean sameShape, int[] map1, int[] map2) {
        if (sameShape) {
            return a -> {
                if (a.elements(t1) != n || a.elements(t2) != n || a.elements(to) != n) throw new IllegalStateException(node.label() + ": tensor sizes changed");
                byte[] p = a.array(t1), r = a.array(t2), o = a.array(to);
                int pb = a.offset(t1), rb = a.offset(t2), ob = a.offset(to);
                java.util.Objects.checkFromIndexSize(pb, n, p.length);
                java.util.Objects.checkFromIndexSize(rb, n, r.length);
                java.util.Objects.checkFromIndexSize(ob, n, o.length);
                for (int i = 0; i < n; i++) o[ob + i] = table[(p[pb + i] & 0xff) << 8 | (r[rb + i] & 0xff)];
            };
        }
        return a -> {
            for (int i = 0; i < n; i++) a.setI8(to, i, table[(a.i8(t1, map1[i]) & 0xff) << 8 | (a.i8(t2, map2[i]) & 0xff)]);
        };
    }

}
