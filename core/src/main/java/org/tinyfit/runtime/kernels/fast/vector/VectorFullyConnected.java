package org.tinyfit.runtime.kernels.fast.vector;

import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.F32;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.L;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.load;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.S;

import jdk.incubator.vector.FloatVector;
import org.tinyfit.runtime.PreparedKernel;

/**
 * float FULLY_CONNECTED with constant weights, the lanes across outputs: the weights are packed once
 * into blocks of one vector's worth of outputs, input-major ({@code [block][d][lane]}, zero past the
 * last output), so one load gives input d's weights for a block; four blocks advance together per
 * broadcast input value. Each output is the reference's sum in its order.
 */
public final class VectorFullyConnected {
    private VectorFullyConnected() {}

    /** {@code weights} [outDepth, accumDepth] and {@code bias} (or null) as float arrays. */
    public static PreparedKernel f32(float[] weights, float[] bias, int batches, int outDepth, int accumDepth, int ti, int to, float min, float max) {
        int blocks = (outDepth + L - 1) / L;
        float[] packed = new float[blocks * accumDepth * L];
        float[] b = new float[blocks * L];
        for (int o = 0; o < outDepth; o++) {
            int blk = o / L, lane = o % L;
            for (int d = 0; d < accumDepth; d++) packed[(blk * accumDepth + d) * L + lane] = weights[o * accumDepth + d];
            b[o] = bias == null ? 0f : bias[o];
        }
        FloatVector lo = FloatVector.broadcast(S, min), hi = FloatVector.broadcast(S, max);
        return a -> {
            if ((long) batches * accumDepth > a.elements(ti) || (long) batches * outDepth > a.elements(to)) {
                throw new IllegalStateException("fully connected geometry exceeds its tensors");
            }
            byte[] in = a.array(ti), out = a.array(to);
            int inBase = a.offset(ti), outBase = a.offset(to);
            for (int n = 0; n < batches; n++) {
                int x0 = inBase + 4 * n * accumDepth, y0 = outBase + 4 * n * outDepth;
                int blk = 0;
                for (; blk + 3 < blocks; blk += 4) {
                    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                    int w0 = blk * accumDepth * L, stride = accumDepth * L;
                    for (int d = 0; d < accumDepth; d++, w0 += L) {
                        FloatVector x = FloatVector.broadcast(S, (float) F32.get(in, x0 + 4 * d));
                        s0 = s0.add(x.mul(FloatVector.fromArray(S, packed, w0)));
                        s1 = s1.add(x.mul(FloatVector.fromArray(S, packed, w0 + stride)));
                        s2 = s2.add(x.mul(FloatVector.fromArray(S, packed, w0 + 2 * stride)));
                        s3 = s3.add(x.mul(FloatVector.fromArray(S, packed, w0 + 3 * stride)));
                    }
                    store(s0, b, blk, lo, hi, outDepth, out, y0);
                    store(s1, b, blk + 1, lo, hi, outDepth, out, y0);
                    store(s2, b, blk + 2, lo, hi, outDepth, out, y0);
                    store(s3, b, blk + 3, lo, hi, outDepth, out, y0);
                }
                for (; blk < blocks; blk++) {
                    FloatVector s = FloatVector.zero(S);
                    int w0 = blk * accumDepth * L;
                    for (int d = 0; d < accumDepth; d++, w0 += L) {
                        s = s.add(FloatVector.broadcast(S, (float) F32.get(in, x0 + 4 * d)).mul(FloatVector.fromArray(S, packed, w0)));
                    }
                    store(s, b, blk, lo, hi, outDepth, out, y0);
                }
            }
        };
    }

    private static void store(FloatVector s, float[] bias, int blk, FloatVector lo, FloatVector hi, int outDepth, byte[] out, int y0) {
        FloatVector v = s.add(FloatVector.fromArray(S, bias, blk * L)).max(lo).min(hi);
        int lanes = Math.min(L, outDepth - blk * L), pos = y0 + 4 * blk * L;
        if (lanes == L) {
            v.reinterpretAsBytes().intoArray(out, pos);
        } else {
            for (int lane = 0; lane < lanes; lane++) F32.set(out, pos + 4 * lane, v.lane(lane));
        }
    }
}
