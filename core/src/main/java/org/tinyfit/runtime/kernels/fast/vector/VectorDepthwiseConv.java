package org.tinyfit.runtime.kernels.fast.vector;

import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.F32;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.L;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.load;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.S;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.end;
import static org.tinyfit.runtime.kernels.fast.vector.VectorConv.first;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel.Geometry;

/**
 * float DEPTHWISE_CONV_2D with depth multiplier 1, the lanes across channels: the filter
 * ({@code [1, kH, kW, C]}) is already tap-major, so a tap's weights for a vector of channels are one
 * load, and so are the input values. Four output pixels of a row are computed together where every
 * tap is inside the image in x; taps outside are skipped as the reference skips them, so each output
 * is the reference's sum in its order. Channels past the last full vector run one by one.
 */
public final class VectorDepthwiseConv {
    private VectorDepthwiseConv() {}

    /** The kernel for a multiplier-1 depthwise convolution; {@code parallel} splits output rows across threads. */
    public static PreparedKernel floatConv(Geometry g, int ti, int tf, int tb, int to, float min, float max, boolean parallel) {
        if (g.multiplier() != 1) throw new IllegalArgumentException("depth multiplier " + g.multiplier());
        int c = g.outC(), taps = g.kH() * g.kW();
        float[] w = new float[taps * c];
        float[] bias = new float[c];
        return a -> {
            DepthwiseConv2DKernel.checkBounds(a, g, ti, tf, to);
            for (int i = 0; i < w.length; i++) w[i] = a.f32(tf, i);
            for (int oc = 0; oc < c; oc++) bias[oc] = tb >= 0 ? a.f32(tb, oc) : 0f;
            Run run = new Run(g, a.array(ti), a.offset(ti), a.array(to), a.offset(to), w, bias, min, max);
            IntStream rows = IntStream.range(0, g.batches() * g.outH());
            (parallel ? rows.parallel() : rows).forEach(run::row);
        };
    }

    private static final class Run {
        final Geometry g;
        final byte[] in, out;
        final int inBase, outBase, c, full, pixelBytes;
        final float[] w, bias;
        final float min, max;
        final FloatVector lo, hi;

        Run(Geometry g, byte[] in, int inBase, byte[] out, int outBase, float[] w, float[] bias, float min, float max) {
            this.g = g;
            this.in = in;
            this.out = out;
            this.inBase = inBase;
            this.outBase = outBase;
            this.c = g.outC();
            this.full = c / L * L;
            this.pixelBytes = 4 * g.strideW() * g.inC();
            this.w = w;
            this.bias = bias;
            this.min = min;
            this.max = max;
            this.lo = FloatVector.broadcast(S, min);
            this.hi = FloatVector.broadcast(S, max);
        }

        void row(int row) {
            int b = row / g.outH(), oy = row % g.outH();
            int iy0 = oy * g.strideH() - g.padH();
            int fyLo = first(iy0, g.dilH()), fyHi = end(iy0, g.dilH(), g.kH(), g.inH());
            int ox = 0;
            while (ox < g.outW()) {
                int ix0 = ox * g.strideW() - g.padW();
                int fxLo = first(ix0, g.dilW()), fxHi = end(ix0, g.dilW(), g.kW(), g.inW());
                boolean fourFull = fxLo == 0 && fxHi == g.kW() && ox + 3 < g.outW() && (ox + 3) * g.strideW() - g.padW() + (g.kW() - 1) * g.dilW() < g.inW();
                int n = fourFull ? 4 : 1;
                for (int ch = 0; ch < full; ch += L) {
                    if (fourFull) four(b, oy, ox, iy0, ix0, fyLo, fyHi, ch);
                    else one(b, oy, ox, iy0, ix0, fyLo, fyHi, fxLo, fxHi, ch);
                }
                for (int k = 0; k < n; k++) {
                    int x0 = ix0 + k * g.strideW();
                    for (int ch = full; ch < c; ch++) scalar(b, oy, ox + k, iy0, x0, fyLo, fyHi, first(x0, g.dilW()), end(x0, g.dilW(), g.kW(), g.inW()), ch);
                }
                ox += n;
            }
        }

        int inPos(int b, int iy, int ix, int ch) { return inBase + 4 * (((b * g.inH() + iy) * g.inW() + ix) * c + ch); }

        int outPos(int b, int oy, int ox, int ch) { return outBase + 4 * (((b * g.outH() + oy) * g.outW() + ox) * c + ch); }

        void four(int b, int oy, int ox, int iy0, int ix0, int fyLo, int fyHi, int ch) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int ps = pixelBytes;
            for (int fy = fyLo; fy < fyHi; fy++) {
                int iy = iy0 + g.dilH() * fy;
                for (int fx = 0; fx < g.kW(); fx++) {
                    int p = inPos(b, iy, ix0 + g.dilW() * fx, ch);
                    FloatVector wv = FloatVector.fromArray(S, w, (fy * g.kW() + fx) * c + ch);
                    a0 = a0.add(load(in, p).mul(wv));
                    a1 = a1.add(load(in, p + ps).mul(wv));
                    a2 = a2.add(load(in, p + 2 * ps).mul(wv));
                    a3 = a3.add(load(in, p + 3 * ps).mul(wv));
                }
            }
            FloatVector bv = FloatVector.fromArray(S, bias, ch);
            a0.add(bv).max(lo).min(hi).reinterpretAsBytes().intoArray(out, outPos(b, oy, ox, ch));
            a1.add(bv).max(lo).min(hi).reinterpretAsBytes().intoArray(out, outPos(b, oy, ox + 1, ch));
            a2.add(bv).max(lo).min(hi).reinterpretAsBytes().intoArray(out, outPos(b, oy, ox + 2, ch));
            a3.add(bv).max(lo).min(hi).reinterpretAsBytes().intoArray(out, outPos(b, oy, ox + 3, ch));
        }

        void one(int b, int oy, int ox, int iy0, int ix0, int fyLo, int fyHi, int fxLo, int fxHi, int ch) {
            FloatVector acc = FloatVector.zero(S);
            for (int fy = fyLo; fy < fyHi; fy++) {
                int iy = iy0 + g.dilH() * fy;
                for (int fx = fxLo; fx < fxHi; fx++) {
                    FloatVector x = load(in, inPos(b, iy, ix0 + g.dilW() * fx, ch));
                    acc = acc.add(x.mul(FloatVector.fromArray(S, w, (fy * g.kW() + fx) * c + ch)));
                }
            }
            acc.add(FloatVector.fromArray(S, bias, ch)).max(lo).min(hi).reinterpretAsBytes().intoArray(out, outPos(b, oy, ox, ch));
        }

        void scalar(int b, int oy, int ox, int iy0, int ix0, int fyLo, int fyHi, int fxLo, int fxHi, int ch) {
            float total = 0f;
            for (int fy = fyLo; fy < fyHi; fy++) {
                int iy = iy0 + g.dilH() * fy;
                for (int fx = fxLo; fx < fxHi; fx++) {
                    total += (float) F32.get(in, inPos(b, iy, ix0 + g.dilW() * fx, ch)) * w[(fy * g.kW() + fx) * c + ch];
                }
            }
            F32.set(out, outPos(b, oy, ox, ch), Conv2DKernel.clamp(total + bias[ch], min, max));
        }
    }
}
