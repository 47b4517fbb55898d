package org.tinyfit.quant;

import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.TensorBytes;

/**
 * Scales and zero points by TFLite's post-training rules, and the integers they give to float data:
 * asymmetric int8 for activations (the range widened to hold 0, 0 exactly representable), symmetric
 * int8 in [-127, 127] for weights (per tensor or per output channel), int32 for biases at
 * {@code inputScale * weightScale}.
 */
public final class AffineParams {
    private AffineParams() {}

    private static final int INT8_MIN = FixedPoint.INT8_MIN, INT8_MAX = FixedPoint.INT8_MAX;
    /** Symmetric weights use [-127, 127], so that negation never overflows. */
    public static final int WEIGHT_MAX = 127;

    /**
     * Asymmetric int8 parameters for real values in [min, max], computed in float as TFLite's
     * {@code GetAsymmetricQuantizationParams}: the range is widened to hold 0, scale is its width
     * over 255, and the zero point is {@code -128 - min / scale} rounded half away from zero. A range
     * that is exactly [0, 0] (a tensor that was always zero) gets [0, 1] instead, so the scale is never 0.
     */
    public static Quantization asymmetric(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new QuantizationException("range [" + min + ", " + max + "] cannot be quantized");
        }
        float lo = Math.min((float) min, 0f), hi = Math.max((float) max, 0f);
        if (hi - lo == 0f) hi = 1f;
        float scale = (hi - lo) / (float) (INT8_MAX - INT8_MIN);
        float zpFromMin = INT8_MIN - lo / scale;
        long zp = zpFromMin < INT8_MIN ? INT8_MIN : zpFromMin > INT8_MAX ? INT8_MAX : FixedPoint.round(zpFromMin);
        return Quantization.perTensor(scale, zp);
    }

    /** The real range an int8 tensor with {@code q} covers: {@code [scale*(-128-zp), scale*(127-zp)]}. */
    public static double[] representable(Quantization q) {
        return new double[] {q.scale() * (double) (INT8_MIN - q.zeroPoint()), q.scale() * (double) (INT8_MAX - q.zeroPoint())};
    }

    /** A float quantized to int8 with {@code scale} and {@code zeroPoint}: rounded half away from zero, saturated. */
    public static int quantize(float value, float scale, long zeroPoint) {
        return (int) FixedPoint.clamp(FixedPoint.round(value / scale) + zeroPoint, INT8_MIN, INT8_MAX);
    }

    /** Weights quantized symmetrically: the integers and their quantization. */
    public record Weights(byte[] data, Quantization quant) {}

    /**
     * Symmetric int8 weights of a float tensor of shape {@code dims}: one scale per index of
     * dimension {@code axis} when {@code perChannel}, else one for the tensor. Each scale is the
     * largest magnitude over 127; values are multiplied by its inverse, rounded half away from zero
     * and clamped to [-127, 127] (TFLite's {@code SymmetricPerChannelQuantization}). A channel that
     * is all zero gets scale 1.
     */
    public static Weights symmetric(float[] values, int[] dims, int axis, boolean perChannel) {
        return symmetric(values, dims, axis, perChannel, null);
    }

    /**
     * As {@link #symmetric(float[], int[], int, boolean)}, but no scale below {@code floor} (one per
     * index of {@code axis}, or null for none; per tensor, the largest applies): a channel whose
     * scale is raised to its floor is quantized by the inverse of the raised scale.
     */
    public static Weights symmetric(float[] values, int[] dims, int axis, boolean perChannel, float[] floor) {
        int channels = perChannel ? dims[axis] : 1;
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) inner *= dims[d];
        float[] maxAbs = new float[channels];
        for (int i = 0; i < values.length; i++) {
            int c = channels == 1 ? 0 : (i / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(values[i]));
        }
        float[] scales = new float[channels];
        float[] inverse = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] == 0f ? 1f : maxAbs[c] / WEIGHT_MAX;
            inverse[c] = maxAbs[c] == 0f ? 0f : WEIGHT_MAX / maxAbs[c];
            float least = 0f;
            if (floor != null) {
                if (perChannel) least = floor[c];
                else for (float f : floor) least = Math.max(least, f);
            }
            if (least > scales[c] || (maxAbs[c] == 0f && least > 0f)) {
                scales[c] = least;
                inverse[c] = 1f / least;
            }
        }
        byte[] q = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            int c = channels == 1 ? 0 : (i / inner) % channels;
            q[i] = (byte) FixedPoint.clamp(FixedPoint.round(values[i] * inverse[c]), -WEIGHT_MAX, WEIGHT_MAX);
        }
        return new Weights(q, new Quantization(scales, new long[channels], perChannel ? axis : 0));
    }

    /**
     * The least weight scale of each channel at which its bias fits int32 by {@link #bias}: 0 where
     * the bias fits at any scale it could get ({@code |b| / (inputScale * scale)} is within
     * 2^31 - 1 for {@code scale = minScale[c]}), else the smallest float scale at which it does. A
     * bias that large beside small weights (a layer whose weights decayed toward zero, say) would
     * otherwise saturate; raising the weight scale costs the weights resolution instead, and keeps the
     * bias exact to half a step.
     *
     * @param minScale the scale each channel would have without a floor (per tensor: one for all)
     */
    public static float[] biasScaleFloor(float[] bias, float inputScale, float[] minScale) {
        float[] floor = new float[bias.length];
        for (int c = 0; c < bias.length; c++) {
            float natural = minScale[minScale.length == 1 ? 0 : c];
            if (biasFits(bias[c], inputScale, natural)) continue;
            float s = (float) (Math.abs((double) bias[c]) / ((double) inputScale * Integer.MAX_VALUE));
            while (!biasFits(bias[c], inputScale, s)) s = Math.nextUp(s);
            floor[c] = s;
        }
        return floor;
    }

    /** Whether {@code b} quantized at {@code inputScale * weightScale} (as {@link #bias} computes it) is within int32's symmetric range. */
    static boolean biasFits(float b, float inputScale, float weightScale) {
        double s = inputScale * weightScale;
        if (s == 0) return b == 0;
        return Math.floor(Math.abs(b / s) + 0.5) <= Integer.MAX_VALUE;
    }

    /**
     * An int32 bias for a layer whose input has {@code inputScale} and whose weights have
     * {@code weights}: scale {@code inputScale * weightScale[c]}, zero point 0; each value divided by
     * its scale, rounded half away from zero, saturated to [-(2^31-1), 2^31-1].
     */
    public static Weights bias(float[] values, float inputScale, Quantization weights) {
        int channels = weights.channels();
        if (channels > 1 && channels != values.length) {
            throw new QuantizationException("a bias of " + values.length + " values for weights with " + channels + " channel scales");
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = inputScale * weights.scale(c);
        int[] q = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double s = scales[channels == 1 ? 0 : i];
            q[i] = (int) FixedPoint.clamp(FixedPoint.round(values[i] / s), -Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
        return new Weights(TensorBytes.ofInts(q), new Quantization(scales, new long[channels], 0));
    }

}
