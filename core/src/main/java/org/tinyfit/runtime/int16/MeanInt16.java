package org.tinyfit.runtime.int16;

import org.tinyfit.quant.FixedPoint;

/**
 * MEAN on int16 over any set of axes (TFLite Micro's {@code QuantizedMeanOrSum}): 32-bit sums over
 * the reduced axes, minus the zero point times the count; the rescale input/output is folded
 * together with 1/count into one multiplier before the 32-bit {@code MultiplyByQuantizedMultiplier}.
 */
public final class MeanInt16 {
    private MeanInt16() {}

    /** {@code reduced[d]}: whether dimension d is averaged over; {@code count}: elements per output. */
    public record Params(boolean[] reduced, long count, int inputZeroPoint, int outputZeroPoint, int multiplier, int shift) {}

    /** Prepare: axes may be negative or repeated; the scale ratio is input/output in double. */
    public static Params prepare(int[] inputShape, int[] axes, float inputScale, int inputZeroPoint, float outputScale,
                                 int outputZeroPoint) {
        int rank = inputShape.length;
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            int axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) throw new IllegalArgumentException("axis " + a + " is outside a rank-" + rank + " input");
            reduced[axis] = true;
        }
        long count = 1;
        for (int d = 0; d < rank; d++) if (reduced[d]) count *= inputShape[d];
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) inputScale / (double) outputScale);
        int multiplier = m.multiplier();
        int shift = m.shift();
        if (count > 0) {
            int s = 63 - Long.numberOfLeadingZeros(count);
            s = Math.min(s, 32);
            s = Math.min(s, 31 + shift);
            multiplier = (int) (((long) multiplier << s) / count);
            shift -= s;
        }
        return new Params(reduced, count, inputZeroPoint, outputZeroPoint, multiplier, shift);
    }

    /** {@code out} has one element per combination of the kept dimensions, in row-major order. */
    public static void run(short[] input, int[] inShape, short[] out, Params p) {
        int rank = inShape.length;
        int[] sums = new int[out.length];
        int[] outStride = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            outStride[d] = p.reduced[d] ? 0 : s;
            if (!p.reduced[d]) s *= inShape[d];
        }
        if (s != out.length) throw new IllegalArgumentException("the mean has " + s + " elements, the output holds " + out.length);
        for (int v : inShape) if (v == 0) return;
        int[] pos = new int[rank];
        int o = 0;
        for (int i = 0; i < input.length; i++) {
            sums[o] += input[i];
            for (int d = rank - 1; d >= 0; d--) {
                pos[d]++;
                o += outStride[d];
                if (pos[d] < inShape[d]) break;
                o -= outStride[d] * inShape[d];
                pos[d] = 0;
            }
        }
        if (p.count == 0) return;
        for (int i = 0; i < out.length; i++) {
            int shifted = (int) (sums[i] - (long) p.inputZeroPoint * p.count);
            int v = FixedPoint.multiplyByQuantizedMultiplier(shifted, p.multiplier, p.shift) + p.outputZeroPoint;
            out[i] = (short) FixedPoint.saturateInt16(v);
        }
    }
}
