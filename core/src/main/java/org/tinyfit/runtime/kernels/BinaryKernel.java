package org.tinyfit.runtime.kernels;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * ADD, SUB and MUL with broadcasting, float and int8, as TFLite Micro's reference kernels. The int8
 * ADD/SUB rescale both inputs to a common scale (left shift 20) and then to the output; note that
 * SUB computes its multipliers in float where ADD uses double, exactly as TFLite Micro does.
 */
public final class BinaryKernel implements Kernel {
    public enum Kind { ADD, SUB, MUL }

    private final Kind kind;
    private final Op.Act act;

    public BinaryKernel(Kind kind, Op.Act act) {
        this.kind = kind;
        this.act = act;
    }

    /** int8 ADD/SUB parameters: input and output offsets, the common left shift, and the three rescales. */
    public record AddSubQuant(int in1Offset, int in2Offset, int outOffset, int leftShift, int m1, int s1, int m2, int s2, int mOut, int sOut, int actMin, int actMax) {}

    /** int8 MUL parameters. */
    public record MulQuant(int in1Offset, int in2Offset, int outOffset, int m, int s, int actMin, int actMax) {
        /** The reference result for int8 inputs {@code x} and {@code y}. */
        public int apply(int x, int y) {
            return FixedPoint.clamp(outOffset + FixedPoint.multiplyByQuantizedMultiplier((in1Offset + x) * (in2Offset + y), m, s), actMin, actMax);
        }
    }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor x = KernelSupport.input(g, node, 0, "input 1");
        Tensor y = KernelSupport.input(g, node, 1, "input 2");
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireDType(node, x, "input 0", DType.F32, DType.I8, DType.I32);
        KernelSupport.requireDType(node, y, "input 1", x.dtype());
        KernelSupport.requireDType(node, out, "the output", x.dtype());
        int[] outDims = out.shape().dims();
        int[] map1 = KernelSupport.broadcastIndex(node, x.shape().dims(), outDims);
        int[] map2 = KernelSupport.broadcastIndex(node, y.shape().dims(), outDims);
        int n = out.shape().elements();
        int t1 = x.id(), t2 = y.id(), to = out.id();
        switch (x.dtype()) {
            case F32 -> {
                float[] r = FixedPoint.activationRangeFloat(act);
                return a -> {
                    for (int i = 0; i < n; i++) {
                        float p = a.f32(t1, map1[i]), q = a.f32(t2, map2[i]);
                        float v = switch (kind) { case ADD -> p + q; case SUB -> p - q; case MUL -> p * q; };
                        a.setF32(to, i, Conv2DKernel.clamp(v, r[0], r[1]));
                    }
                };
            }
            case I32 -> {
                int lo = act == Op.Act.RELU || act == Op.Act.RELU6 ? 0 : act == Op.Act.RELU_N1_TO_1 ? -1 : Integer.MIN_VALUE;
                int hi = act == Op.Act.RELU6 ? 6 : act == Op.Act.RELU_N1_TO_1 ? 1 : Integer.MAX_VALUE;
                return a -> {
                    for (int i = 0; i < n; i++) {
                        int p = a.i32(t1, map1[i]), q = a.i32(t2, map2[i]);
                        int v = switch (kind) { case ADD -> p + q; case SUB -> p - q; case MUL -> p * q; };
                        a.setI32(to, i, FixedPoint.clamp(v, lo, hi));
                    }
                };
            }
            default -> { }
        }
        if (kind == Kind.MUL) {
            MulQuant q = mulQuant(node, x, y, out, act);
            return a -> {
                for (int i = 0; i < n; i++) a.setI8(to, i, q.apply(a.i8(t1, map1[i]), a.i8(t2, map2[i])));
            };
        }
        AddSubQuant q = addSubQuant(node, x, y, out, act, kind == Kind.SUB);
        boolean sub = kind == Kind.SUB;
        if (x.shape().elements() == n && y.shape().elements() == n) {
            // same shapes: one pass over the raw bytes (the arena checks the sizes once per run)
            return a -> {
                if (a.elements(t1) != n || a.elements(t2) != n || a.elements(to) != n) throw new IllegalStateException(node.label() + ": tensor sizes changed");
                byte[] p = a.array(t1), r = a.array(t2), o = a.array(to);
                int pb = a.offset(t1), rb = a.offset(t2), ob = a.offset(to);
                for (int i = 0; i < n; i++) o[ob + i] = (byte) addSub(q, p[pb + i], r[rb + i], sub);
            };
        }
        return a -> {
            for (int i = 0; i < n; i++) a.setI8(to, i, addSub(q, a.i8(t1, map1[i]), a.i8(t2, map2[i]), sub));
        };
    }

    /** The reference int8 ADD (or SUB) of {@code x} and {@code y}. */
    public static int addSub(AddSubQuant q, int x, int y, boolean sub) {
        int s1 = (q.in1Offset() + x) * (1 << q.leftShift());
        int s2 = (q.in2Offset() + y) * (1 << q.leftShift());
        int v1 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(s1, q.m1(), q.s1());
        int v2 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(s2, q.m2(), q.s2());
        int raw = sub ? v1 - v2 : v1 + v2;
        int out = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(raw, q.mOut(), q.sOut()) + q.outOffset();
        return FixedPoint.clamp(out, q.actMin(), q.actMax());
    }

    /** Prepares int8 ADD/SUB as TFLite Micro does (SUB's multipliers in float, ADD's in double). */
    public static AddSubQuant addSubQuant(Node node, Tensor x, Tensor y, Tensor out, Op.Act act, boolean sub) {
        float sx = QuantParams.scale(node, x, "input 0"), sy = QuantParams.scale(node, y, "input 1"), so = QuantParams.scale(node, out, "output");
        int leftShift = out.dtype() == DType.I16 ? 15 : 20;
        double r1, r2, rOut;
        if (sub) {
            float twiceMax = 2 * Math.max(sx, sy);
            r1 = (double) (sx / twiceMax);
            r2 = (double) (sy / twiceMax);
            rOut = (double) (twiceMax / ((1 << leftShift) * so));
        } else {
            double twiceMax = 2 * (double) Math.max(sx, sy);
            r1 = (double) sx / twiceMax;
            r2 = (double) sy / twiceMax;
            rOut = twiceMax / ((1 << leftShift) * (double) so);
        }
        FixedPoint.Multiplier m1 = smallerThanOne(node, r1), m2 = smallerThanOne(node, r2), mo = smallerThanOne(node, rOut);
        int outZp = QuantParams.zeroPoint(node, out, "output");
        int[] range = FixedPoint.activationRange(act, so, outZp, QuantParams.qmin(out.dtype()), QuantParams.qmax(out.dtype()));
        return new AddSubQuant(-QuantParams.zeroPoint(node, x, "input 0"), -QuantParams.zeroPoint(node, y, "input 1"), outZp, leftShift,
                m1.multiplier(), m1.shift(), m2.multiplier(), m2.shift(), mo.multiplier(), mo.shift(), range[0], range[1]);
    }

    private static FixedPoint.Multiplier smallerThanOne(Node node, double real) {
        if (!(real > 0 && real < 1)) throw KernelSupport.fail(node, "a rescaling multiplier is " + real + ", outside (0, 1): check the tensors' scales");
        return FixedPoint.quantizeMultiplier(real);
    }

    /** Prepares int8 MUL. */
    public static MulQuant mulQuant(Node node, Tensor x, Tensor y, Tensor out, Op.Act act) {
        float sx = QuantParams.scale(node, x, "input 0"), sy = QuantParams.scale(node, y, "input 1"), so = QuantParams.scale(node, out, "output");
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) sx * (double) sy / (double) so);
        int outZp = QuantParams.zeroPoint(node, out, "output");
        int[] range = FixedPoint.activationRange(act, so, outZp, QuantParams.qmin(out.dtype()), QuantParams.qmax(out.dtype()));
        return new MulQuant(-QuantParams.zeroPoint(node, x, "input 0"), -QuantParams.zeroPoint(node, y, "input 1"), outZp, m.multiplier(), m.shift(), range[0], range[1]);
    }
}
