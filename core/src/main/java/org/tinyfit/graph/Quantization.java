package org.tinyfit.graph;

import java.util.Arrays;

/**
 * Affine quantization: {@code real = scale * (q - zeroPoint)}. One scale and zero point per tensor,
 * or one per slice along {@code axis} (per channel).
 */
public record Quantization(float[] scales, long[] zeroPoints, int axis) {
    public Quantization {
        if (scales.length == 0) throw new GraphException("quantization has no scale");
        if (zeroPoints.length != scales.length && zeroPoints.length != 1) {
            throw new GraphException("quantization has " + scales.length + " scales but " + zeroPoints.length + " zero points");
        }
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
    }

    public static Quantization perTensor(float scale, long zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public boolean perChannel() { return scales.length > 1; }

    public int channels() { return scales.length; }

    public float scale() { return scales[0]; }

    public float scale(int channel) { return scales[scales.length == 1 ? 0 : channel]; }

    public long zeroPoint() { return zeroPoints[0]; }

    public long zeroPoint(int channel) { return zeroPoints[zeroPoints.length == 1 ? 0 : channel]; }

    @Override public float[] scales() { return scales.clone(); }

    @Override public long[] zeroPoints() { return zeroPoints.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Quantization q && axis == q.axis && Arrays.equals(scales, q.scales) && Arrays.equals(zeroPoints, q.zeroPoints);
    }

    @Override public int hashCode() { return Arrays.hashCode(scales) * 31 + Arrays.hashCode(zeroPoints) + axis; }

    @Override public String toString() {
        return perChannel() ? "per-channel(axis=" + axis + ", " + scales.length + " scales)"
                : "scale=" + scales[0] + " zero_point=" + zeroPoints[0];
    }
}
