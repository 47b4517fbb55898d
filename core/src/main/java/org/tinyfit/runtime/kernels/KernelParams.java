package org.tinyfit.runtime.kernels;

import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;

/**
 * The integer parameters the int8 kernels compute while preparing, for code that must reproduce
 * them exactly (the C generator): every value comes from the same method the kernel itself calls,
 * so generated code and the runtime cannot drift apart.
 */
public final class KernelParams {
    private KernelParams() {}

    /**
     * A requantization: accumulators use {@code (input + inputOffset)} and {@code (filter +
     * filterOffset)}; channel c's accumulator is scaled by {@code (multipliers[c], shifts[c])}, gets
     * {@code outputOffset} added and is clamped to {@code [actMin, actMax]}.
     */
    public record Requant(int inputOffset, int filterOffset, int outputOffset, int[] multipliers, int[] shifts, int actMin, int actMax) {
        public Requant {
            multipliers = multipliers.clone();
            shifts = shifts.clone();
        }

        @Override public int[] multipliers() { return multipliers.clone(); }

        @Override public int[] shifts() { return shifts.clone(); }
    }

    /** CONV_2D or DEPTHWISE_CONV_2D (what {@code ConvQuant.of} gives). */
    public static Requant conv(Node node, Tensor input, Tensor filter, Tensor output, Op.Act act, int channels) {
        ConvQuant q = ConvQuant.of(node, input, filter, output, act, channels);
        return new Requant(q.inputOffset(), 0, q.outputOffset(), q.multipliers(), q.shifts(), q.actMin(), q.actMax());
    }

    /** FULLY_CONNECTED with {@code outDepth} outputs (per-tensor multipliers repeated per output). */
    public static Requant fullyConnected(Node node, Tensor input, Tensor weights, Tensor output, Op.Act act, int outDepth) {
        FullyConnectedKernel.Quant q = FullyConnectedKernel.quant(node, input, weights, output, act, outDepth);
        return new Requant(q.inputOffset(), q.filterOffset(), q.outputOffset(), q.multipliers(), q.shifts(), q.actMin(), q.actMax());
    }

    /** An int8 ADD or SUB: both inputs scaled to a common scale after a left shift, then to the output. */
    public record AddSub(int in1Offset, int in2Offset, int outOffset, int leftShift, int m1, int s1, int m2, int s2, int mOut, int sOut,
                         int actMin, int actMax) {}

    public static AddSub addSub(Node node, Tensor x, Tensor y, Tensor out, Op.Act act, boolean sub) {
        BinaryKernel.AddSubQuant q = BinaryKernel.addSubQuant(node, x, y, out, act, sub);
        return new AddSub(q.in1Offset(), q.in2Offset(), q.outOffset(), q.leftShift(), q.m1(), q.s1(), q.m2(), q.s2(), q.mOut(), q.sOut(),
                q.actMin(), q.actMax());
    }

    /** An int8 softmax's input scaling (a multiplier with a left shift) and the smallest difference to the row maximum that counts. */
    public record Softmax(int inputMultiplier, int inputLeftShift, int diffMin, int outputBits) {}

    public static Softmax softmax(float beta, float inputScale, int outputBits) {
        SoftmaxKernel.Int8Params p = SoftmaxKernel.int8Params(beta, inputScale, outputBits);
        return new Softmax(p.inputMultiplier(), p.inputLeftShift(), p.diffMin(), p.outputBits());
    }

    /** An integer requantization (QUANTIZE from int8 to int8): its multiplier and shift. */
    public static int[] requantize(float inputScale, float outputScale) {
        org.tinyfit.runtime.FixedPoint.Multiplier m = QuantizeKernel.requantizeMultiplier(inputScale, outputScale);
        return new int[] {m.multiplier(), m.shift()};
    }

    /**
     * The first index STRIDED_SLICE reads along an axis of {@code axisSize} elements (negative
     * indices count from the end; clamped; a masked axis starts at its first element).
     */
    public static int sliceStart(int begin, int stride, boolean masked, int axisSize) {
        return StridedSliceKernel.startForAxis(begin, stride, masked, axisSize);
    }

    /** The index STRIDED_SLICE stops before along an axis (see {@link #sliceStart}). */
    public static int sliceStop(int end, int stride, boolean masked, boolean shrink, boolean offset, int axisSize, int start) {
        return StridedSliceKernel.endForAxis(end, stride, masked, shrink, offset, axisSize, start);
    }
}
