package org.tinyfit.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution (multiplier 1) with the Vector API, over one sample, vectors across the
 * channels: forward keeps each output pixel's sums in a register over all its taps; backward loads a
 * pixel's output gradient once and adds it into the input gradient and the filter gradient of each
 * tap. Loaded only when the {@code jdk.incubator.vector} module is present ({@link DepthwiseKernels}
 * holds the scalar kernels).
 */
final class VectorDepthwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorDepthwise() {}

    static void forward(ConvGeometry g, float[] x, int xOff, float[] w, float[] bias, float[] y, int yOff) {
        int c = g.c();
        for (int oh = 0; oh < g.oh(); oh++) {
            int kh0 = Math.max(0, ceilDiv(g.padTop() - oh * g.strideH(), g.dilationH()));
            int kh1 = Math.min(g.kh(), ceilDiv(g.h() + g.padTop() - oh * g.strideH(), g.dilationH()));
            for (int ow = 0; ow < g.ow(); ow++) {
                int kw0 = Math.max(0, ceilDiv(g.padLeft() - ow * g.strideW(), g.dilationW()));
                int kw1 = Math.min(g.kw(), ceilDiv(g.w() + g.padLeft() - ow * g.strideW(), g.dilationW()));
                int yo = yOff + (oh * g.ow() + ow) * c;
                for (int c0 = 0; c0 < c; c0 += L) {
                    VectorMask<Float> m = S.indexInRange(c0, c);
                    FloatVector acc = bias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, bias, c0, m);
                    for (int kh = kh0; kh < kh1; kh++) {
                        int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                        for (int kw = kw0; kw < kw1; kw++) {
                            int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                            int xo = xOff + (ih * g.w() + iw) * c + c0, wo = (kh * g.kw() + kw) * c + c0;
                            acc = FloatVector.fromArray(S, x, xo, m).fma(FloatVector.fromArray(S, w, wo, m), acc);
                        }
                    }
                    acc.intoArray(y, yo + c0, m);
                }
            }
        }
    }

    /** dx += depthwise^T(dy, w); dw += dy ⊗ x; db += dy (each may be null), for one sample. */
    static void backward(ConvGeometry g, float[] x, int xOff, float[] w, float[] dy, int dyOff,
                         float[] dx, int dxOff, float[] dw, float[] db) {
        int c = g.c();
        for (int oh = 0; oh < g.oh(); oh++) {
            int kh0 = Math.max(0, ceilDiv(g.padTop() - oh * g.strideH(), g.dilationH()));
            int kh1 = Math.min(g.kh(), ceilDiv(g.h() + g.padTop() - oh * g.strideH(), g.dilationH()));
            for (int ow = 0; ow < g.ow(); ow++) {
                int kw0 = Math.max(0, ceilDiv(g.padLeft() - ow * g.strideW(), g.dilationW()));
                int kw1 = Math.min(g.kw(), ceilDiv(g.w() + g.padLeft() - ow * g.strideW(), g.dilationW()));
                int yo = dyOff + (oh * g.ow() + ow) * c;
                for (int c0 = 0; c0 < c; c0 += L) {
                    VectorMask<Float> m = S.indexInRange(c0, c);
                    FloatVector d = FloatVector.fromArray(S, dy, yo + c0, m);
                    if (db != null) d.add(FloatVector.fromArray(S, db, c0, m)).intoArray(db, c0, m);
                    for (int kh = kh0; kh < kh1; kh++) {
                        int ih = oh * g.strideH() - g.padTop() + kh * g.dilationH();
                        for (int kw = kw0; kw < kw1; kw++) {
                            int iw = ow * g.strideW() - g.padLeft() + kw * g.dilationW();
                            int xo = (ih * g.w() + iw) * c + c0, wo = (kh * g.kw() + kw) * c + c0;
                            if (dx != null) {
                                d.fma(FloatVector.fromArray(S, w, wo, m), FloatVector.fromArray(S, dx, dxOff + xo, m))
                                        .intoArray(dx, dxOff + xo, m);
                            }
                            if (dw != null) {
                                d.fma(FloatVector.fromArray(S, x, xOff + xo, m), FloatVector.fromArray(S, dw, wo, m))
                                        .intoArray(dw, wo, m);
                            }
                        }
                    }
                }
            }
        }
    }

    /** ⌈a / b⌉ for b &gt; 0. */
    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }
}
