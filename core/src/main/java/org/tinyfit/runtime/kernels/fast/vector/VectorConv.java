package org.tinyfit.runtime.kernels.fast.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.PreparedKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel.Geometry;

/**
 * float CONV_2D with the lanes across output channels. The filter is packed once (every run when it
 * is not constant) into blocks of one vector's worth of output channels of one group, tap-major
 * ({@code [block][fy][fx][ic][lane]}, padded with zeros past the group's last filter), so one load
 * gives a tap's weights for a whole block. Four output pixels of a row and two blocks are computed
 * together (eight accumulators held in registers); each input value is loaded once per tap and
 * broadcast. Taps that leave the image are skipped, as the reference skips them, so every output is the
 * reference's sum in its order: {@code ((0 + x0 w0) + x1 w1) + ...}, then the bias, then the clamp.
 */
public final class VectorConv {
    private VectorConv() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VarHandle F32 = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bytes of one float vector, to load and store floats where they lie in the arena's little-endian bytes. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, S.vectorShape());

    /** The floats at byte {@code offset} of {@code bytes} (the Vector API reinterprets bytes little-endian on every platform). */
    static FloatVector load(byte[] bytes, int offset) { return ByteVector.fromArray(B, bytes, offset).reinterpretAsFloats(); }

    /** The kernel; {@code parallel} splits output rows across threads. */
    public static PreparedKernel floatConv(Geometry g, int ti, int tf, int tb, int to, float min, float max, boolean constantWeights, boolean parallel) {
        int groups = g.groups(), fpg = g.filtersPerGroup(), filterInC = g.filterInC();
        int bpg = (fpg + L - 1) / L, blocks = groups * bpg;
        int k = g.kH() * g.kW() * filterInC;
        float[] packed = new float[blocks * k * L];
        float[] bias = new float[blocks * L];
        boolean[] ready = new boolean[1];
        return a -> {
            if ((long) g.batches() * g.inH() * g.inW() * g.inC() > a.elements(ti) || (long) g.batches() * g.outH() * g.outW() * g.outC() > a.elements(to)
                    || (long) g.outC() * k > a.elements(tf)) {
                throw new IllegalStateException("convolution geometry " + g + " exceeds its tensors");
            }
            if (!constantWeights || !ready[0]) {
                for (int grp = 0; grp < groups; grp++) {
                    for (int j = 0; j < bpg; j++) {
                        int blk = grp * bpg + j;
                        for (int lane = 0; lane < L; lane++) {
                            int f = j * L + lane, oc = grp * fpg + f;
                            boolean real = f < fpg;
                            for (int t = 0; t < k; t++) packed[(blk * k + t) * L + lane] = real ? a.f32(tf, oc * k + t) : 0f;
                            bias[blk * L + lane] = real && tb >= 0 ? a.f32(tb, oc) : 0f;
                        }
                    }
                }
                ready[0] = true;
            }
            Run run = new Run(g, a.array(ti), a.offset(ti), a.array(to), a.offset(to), packed, bias, k, bpg, min, max);
            IntStream rows = IntStream.range(0, g.batches() * g.outH());
            (parallel ? rows.parallel() : rows).forEach(run::row);
        };
    }

    /** One run's tensors and the row loop. */
    private static final class Run {
        final Geometry g;
        final byte[] in, out;
        final int inBase, outBase, k, bpg, fpg, filterInC, pixelBytes;
        final float[] w, bias;
        final FloatVector lo, hi;

        Run(Geometry g, byte[] in, int inBase, byte[] out, int outBase, float[] w, float[] bias, int k, int bpg, float min, float max) {
            this.g = g;
            this.in = in;
            this.out = out;
            this.inBase = inBase;
            this.outBase = outBase;
            this.w = w;
            this.bias = bias;
            this.k = k;
            this.bpg = bpg;
            this.fpg = g.filtersPerGroup();
            this.filterInC = g.filterInC();
            this.pixelBytes = 4 * g.strideW() * g.inC();
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
                boolean full = fxLo == 0 && fxHi == g.kW();
                boolean fourFull = full && ox + 3 < g.outW() && (ox + 3) * g.strideW() - g.padW() + (g.kW() - 1) * g.dilW() < g.inW();
                for (int grp = 0; grp < g.groups(); grp++) {
                    int j = 0;
                    if (fourFull) {
                        for (; j + 1 < bpg; j += 2) four2(b, oy, ox, iy0, ix0, fyLo, fyHi, grp, j);
                        if (j < bpg) four1(b, oy, ox, iy0, ix0, fyLo, fyHi, grp, j);
                    } else {
                        for (; j < bpg; j++) one(b, oy, ox, iy0, ix0, fyLo, fyHi, fxLo, fxHi, grp, j);
                    }
                }
                ox += fourFull ? 4 : 1;
            }
        }

        /** Byte offset of input pixel (iy, ix), channel {@code grp * filterInC}. */
        int inPos(int b, int iy, int ix, int grp) { return inBase + 4 * (((b * g.inH() + iy) * g.inW() + ix) * g.inC() + grp * filterInC); }

        /** Four pixels ox..ox+3 (every tap inside the image in x) by two blocks j, j+1. */
        void four2(int b, int oy, int ox, int iy0, int ix0, int fyLo, int fyHi, int grp, int j) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
            int blk = grp * bpg + j;
            int ps = pixelBytes;
            for (int fy = fyLo; fy < fyHi; fy++) {
                int iy = iy0 + g.dilH() * fy;
                for (int fx = 0; fx < g.kW(); fx++) {
                    int p = inPos(b, iy, ix0 + g.dilW() * fx, grp);
                    int t = (fy * g.kW() + fx) * filterInC;
                    int wa = (blk * k + t) * L, wb = wa + k * L;
                    for (int ic = 0; ic < filterInC; ic++, p += 4, wa += L, wb += L) {
                        FloatVector va = FloatVector.fromArray(S, w, wa), vb = FloatVector.fromArray(S, w, wb);
                        FloatVector x0 = FloatVector.broadcast(S, (float) F32.get(in, p));
                        FloatVector x1 = FloatVector.broadcast(S, (float) F32.get(in, p + ps));
                        FloatVector x2 = FloatVector.broadcast(S, (float) F32.get(in, p + 2 * ps));
                        FloatVector x3 = FloatVector.broadcast(S, (float) F32.get(in, p + 3 * ps));
                        a0 = a0.add(x0.mul(va));
                        c0 = c0.add(x0.mul(vb));
                        a1 = a1.add(x1.mul(va));
                        c1 = c1.add(x1.mul(vb));
                        a2 = a2.add(x2.mul(va));
                        c2 = c2.add(x2.mul(vb));
                        a3 = a3.add(x3.mul(va));
                        c3 = c3.add(x3.mul(vb));
                    }
                }
            }
            store(a0, b, oy, ox, grp, j);
            store(c0, b, oy, ox, grp, j + 1);
            store(a1, b, oy, ox + 1, grp, j);
            store(c1, b, oy, ox + 1, grp, j + 1);
            store(a2, b, oy, ox + 2, grp, j);
            store(c2, b, oy, ox + 2, grp, j + 1);
            store(a3, b, oy, ox + 3, grp, j);
            store(c3, b, oy, ox + 3, grp, j + 1);
        }

        /** Four pixels by one block. */
        void four1(int b, int oy, int ox, int iy0, int ix0, int fyLo, int fyHi, int grp, int j) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int blk = grp * bpg + j;
            int ps = pixelBytes;
            for (int fy = fyLo; fy < fyHi; fy++) {
                int iy = iy0 + g.dilH() * fy;
                for (int fx = 0; fx < g.kW(); fx++) {
                    int p = inPos(b, iy, ix0 + g.dilW() * fx, grp);
                    int wa = (blk * k + (fy * g.kW() + fx) * filterInC) * L;
                    for (int ic = 0; ic < filterInC; ic++, p += 4, wa += L) {
                        FloatVector va = FloatVector.fromArray(S, w, wa);
                        a0 = a0.add(FloatVector.broadcast(S, (float) F32.get(in, p)).mul(va));
                        a1 = a1.add(FloatVector.broadcast(S, (float) F32.get(in, p + ps)).mul(va));
                        a2 = a2.add(FloatVector.broadcast(S, (float) F32.get(in, p + 2 * ps)).mul(va));
                        a3 = a3.add(FloatVector.broadcast(S, (float) F32.get(in, p + 3 * ps)).mul(va));
                    }
                }
            }
            store(a0, b, oy, ox, grp, j);
            store(a1, b, oy, ox + 1, grp, j);
            store(a2, b, oy, ox + 2, grp, j);
            store(a3, b, oy, ox + 3, grp, j);
        }

        /** One pixel by one block, taps fy in [fyLo, fyHi), fx in [fxLo, fxHi) (the ones inside the image). */
        void one(int b, int oy, int ox, int iy0, int ix0, int fyLo, int fyHi, int fxLo, int fxHi, int grp, int j) {
            FloatVector acc = FloatVector.zero(S);
            int blk = grp * bpg + j;
            for (int fy = fyLo; fy < fyHi; fy++) {
                int iy = iy0 + g.dilH() * fy;
                for (int fx = fxLo; fx < fxHi; fx++) {
                    int p = inPos(b, iy, ix0 + g.dilW() * fx, grp);
                    int wa = (blk * k + (fy * g.kW() + fx) * filterInC) * L;
                    for (int ic = 0; ic < filterInC; ic++, p += 4, wa += L) {
                        acc = acc.add(FloatVector.broadcast(S, (float) F32.get(in, p)).mul(FloatVector.fromArray(S, w, wa)));
                    }
                }
            }
            store(acc, b, oy, ox, grp, j);
        }

        /** Adds the bias, clamps and writes block j of group grp at pixel (oy, ox); lanes past the group's filters are dropped. */
        void store(FloatVector acc, int b, int oy, int ox, int grp, int j) {
            int blk = grp * bpg + j;
            FloatVector v = acc.add(FloatVector.fromArray(S, bias, blk * L)).max(lo).min(hi);
            int pos = outBase + 4 * (((b * g.outH() + oy) * g.outW() + ox) * g.outC() + grp * fpg + j * L);
            int lanes = Math.min(L, fpg - j * L);
            if (lanes == L) {
                v.reinterpretAsBytes().intoArray(out, pos);
            } else {
                for (int lane = 0; lane < lanes; lane++) F32.set(out, pos + 4 * lane, v.lane(lane));
            }
        }
    }

    /** The first tap index whose position {@code start + dil * t} is not below 0. */
    static int first(int start, int dil) { return start >= 0 ? 0 : (-start + dil - 1) / dil; }

    /** One past the last tap index (at most {@code taps}) whose position {@code start + dil * t} is below {@code size}. */
    static int end(int start, int dil, int taps, int size) {
        if (start >= size) return 0;
        return Math.min(taps, (size - 1 - start) / dil + 1);
    }
}
