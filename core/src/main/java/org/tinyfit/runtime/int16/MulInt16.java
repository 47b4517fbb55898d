package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.quant.FixedPoint;

/**
 * MUL on int16 with broadcasting (TFLite Micro's reference kernel): zero points must be 0; the
 * 32-bit product of the two inputs is rescaled by {@code scale1 * scale2 / output_scale}.
 */
public final class MulInt16 {
    private MulInt16() {}

    public record Params(int multiplier, int shift, int activationMin, int activationMax) {}

    public static Params prepare(float scale1, int zeroPoint1, float scale2, int zeroPoint2, float outputScale,
                                 int outputZeroPoint, Op.Act act) {
        if (zeroPoint1 != 0 || zeroPoint2 != 0 || outputZeroPoint != 0) {
            throw new IllegalArgumentException("int16 MUL needs zero points of 0, got " + zeroPoint1 + ", " + zeroPoint2 + " and " + outputZeroPoint);
        }
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) scale1 * (double) scale2 / (double) outputScale);
        int[] range = FixedPoint.activationRange(act, outputScale, outputZeroPoint, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(m.multiplier(), m.shift(), range[0], range[1]);
    }

    public static short apply(int x, int y, Params p) {
        int v = FixedPoint.multiplyByQuantizedMultiplier(x * y, p.multiplier, p.shift);
        return (short) FixedPoint.clamp(v, p.activationMin, p.activationMax);
    }

    public static void run(short[] input1, int[] shape1, short[] input2, int[] shape2, short[] out, Params p) {
        Broadcast b = Broadcast.of(shape1, shape2);
        int n = b.outputElements();
        if (out.length != n) throw new IllegalArgumentException("output has " + out.length + " elements but the inputs broadcast to " + n);
        int[] ia = new int[n];
        int[] ib = new int[n];
        b.indices(ia, ib);
        for (int i = 0; i < n; i++) out[i] = apply(input1[ia[i]], input2[ib[i]], p);
    }
}
