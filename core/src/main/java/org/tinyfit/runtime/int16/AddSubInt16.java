package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.quant.FixedPoint;

/**
 * ADD and SUB on int16 tensors with broadcasting, bit-exact with TFLite Micro's reference kernels
 * (the general-scale path: each input is offset, shifted left by 15, rescaled to a common scale,
 * summed, then rescaled to the output).
 */
public final class AddSubInt16 {
    private AddSubInt16() {}

    /** int16 ADD/SUB shift the inputs left by 15 bits (int8 uses 20): 65535 << 15 still fits an int32 sum. */
    public static final int LEFT_SHIFT_INT16 = 15;

    /** What Prepare computes once: offsets (negated input zero points), multipliers, shifts, clamp range. */
    public record Params(boolean subtract, int leftShift,
                         int input1Offset, int input1Multiplier, int input1Shift,
                         int input2Offset, int input2Multiplier, int input2Shift,
                         int outputOffset, int outputMultiplier, int outputShift,
                         int activationMin, int activationMax) {}

    /**
     * ADD's Prepare: the common scale is twice the larger input scale, computed in double.
     */
    public static Params prepareAdd(float scale1, int zeroPoint1, float scale2, int zeroPoint2,
                                    float outputScale, int outputZeroPoint, Op.Act act) {
        return inDouble(false, scale1, zeroPoint1, scale2, zeroPoint2, outputScale, outputZeroPoint, act);
    }

    /**
     * SUB's Prepare as TFLite Micro does it: the same formula as ADD, but the common scale and the
     * ratios are computed in float before being widened to double (TFLite Micro reverted a change to
     * double), so a multiplier can differ from ADD's in its last bits and an output by one.
     */
    public static Params prepareSub(float scale1, int zeroPoint1, float scale2, int zeroPoint2,
                                    float outputScale, int outputZeroPoint, Op.Act act) {
        float twiceMax = 2 * Math.max(scale1, scale2);
        double real1 = (double) (scale1 / twiceMax);
        double real2 = (double) (scale2 / twiceMax);
        double realOut = (double) (twiceMax / ((1 << LEFT_SHIFT_INT16) * outputScale));
        return build(true, zeroPoint1, zeroPoint2, outputZeroPoint, real1, real2, realOut, outputScale, act);
    }

    /**
     * SUB's Prepare as (desktop) TFLite does it, in double like ADD. TFLite made the golden outputs of
     * TFLite Micro's integration suite, which is why that suite accepts SUB outputs within one.
     */
    public static Params prepareSubAsTflite(float scale1, int zeroPoint1, float scale2, int zeroPoint2,
                                            float outputScale, int outputZeroPoint, Op.Act act) {
        return inDouble(true, scale1, zeroPoint1, scale2, zeroPoint2, outputScale, outputZeroPoint, act);
    }

    private static Params inDouble(boolean subtract, float scale1, int zeroPoint1, float scale2, int zeroPoint2,
                                   float outputScale, int outputZeroPoint, Op.Act act) {
        double twiceMax = 2 * (double) Math.max(scale1, scale2);
        double real1 = (double) scale1 / twiceMax;
        double real2 = (double) scale2 / twiceMax;
        double realOut = twiceMax / ((1 << LEFT_SHIFT_INT16) * (double) outputScale);
        return build(subtract, zeroPoint1, zeroPoint2, outputZeroPoint, real1, real2, realOut, outputScale, act);
    }

    private static Params build(boolean subtract, int zp1, int zp2, int outZp, double real1, double real2, double realOut,
                                float outputScale, Op.Act act) {
        FixedPoint.Multiplier m1 = smallerThanOne(real1);
        FixedPoint.Multiplier m2 = smallerThanOne(real2);
        FixedPoint.Multiplier mo = smallerThanOne(realOut);
        int[] range = FixedPoint.activationRange(act, outputScale, outZp, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(subtract, LEFT_SHIFT_INT16, -zp1, m1.multiplier(), m1.shift(), -zp2, m2.multiplier(), m2.shift(),
                outZp, mo.multiplier(), mo.shift(), range[0], range[1]);
    }

    /** {@code QuantizeMultiplierSmallerThanOneExp}: the real multiplier must lie in (0, 1). */
    static FixedPoint.Multiplier smallerThanOne(double real) {
        if (!(real > 0 && real < 1)) {
            throw new IllegalArgumentException("rescale factor " + real + " must lie in (0, 1); check the tensors' scales");
        }
        return FixedPoint.quantizeMultiplier(real);
    }

    /** One output element from one element of each input. */
    public static short apply(int x, int y, Params p) {
        int shifted1 = (p.input1Offset + x) * (1 << p.leftShift);
        int shifted2 = (p.input2Offset + y) * (1 << p.leftShift);
        int scaled1 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1Multiplier, p.input1Shift);
        int scaled2 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2Multiplier, p.input2Shift);
        int raw = p.subtract ? scaled1 - scaled2 : scaled1 + scaled2;
        int out = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.outputMultiplier, p.outputShift) + p.outputOffset;
        return (short) FixedPoint.clamp(out, p.activationMin, p.activationMax);
    }

    /**
     * Runs the op: {@code out} has the broadcast shape of {@code shape1} and {@code shape2}.
     */
    public static void run(short[] input1, int[] shape1, short[] input2, int[] shape2, short[] out, Params p) {
        Broadcast b = Broadcast.of(shape1, shape2);
        int n = b.outputElements();
        if (out.length != n) {
            throw new IllegalArgumentException("output has " + out.length + " elements but the inputs broadcast to " + n);
        }
        int[] ia = new int[n];
        int[] ib = new int[n];
        b.indices(ia, ib);
        for (int i = 0; i < n; i++) out[i] = apply(input1[ia[i]], input2[ib[i]], p);
    }
}
