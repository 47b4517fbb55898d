package org.tinyfit.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Rows} with the Vector API: vectors along the columns, a column's running sum kept in a
 * register over all rows (two vectors of columns per pass). The ReLU mask is a lanewise y &gt; 0,
 * false for 0, -0, negatives and NaN as in {@link Activations#reluGradient}, and a masked-off lane
 * is +0. Loaded only when the {@code jdk.incubator.vector} module is present.
 */
final class VectorRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    private VectorRows() {}

    static void biasRelu(float[] y, int off, int rows, int cols, float[] bias, boolean relu) {
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            FloatVector b = bias == null ? zero : FloatVector.fromArray(S, bias, j, m);
            if (m.allTrue()) {
                for (int r = 0, yo = off + j; r < rows; r++, yo += cols) {
                    FloatVector v = FloatVector.fromArray(S, y, yo);
                    if (bias != null) v = v.add(b);
                    if (relu) v = v.max(zero);
                    v.intoArray(y, yo);
                }
            } else {
                for (int r = 0, yo = off + j; r < rows; r++, yo += cols) {
                    FloatVector v = FloatVector.fromArray(S, y, yo, m);
                    if (bias != null) v = v.add(b);
                    if (relu) v = v.max(zero);
                    v.intoArray(y, yo, m);
                }
            }
        }
    }

    static void reluGradientAndSum(float[] y, float[] dy, int off, int rows, int cols, float[] out, float[] sum) {
        FloatVector zero = FloatVector.zero(S);
        int j = 0;
        if (sum != null) {
            for (; j + 2 * L <= cols; j += 2 * L) {
                FloatVector s0 = FloatVector.fromArray(S, sum, j), s1 = FloatVector.fromArray(S, sum, j + L);
                for (int r = 0, i = off + j, o = j; r < rows; r++, i += cols, o += cols) {
                    FloatVector g0 = FloatVector.fromArray(S, dy, i), g1 = FloatVector.fromArray(S, dy, i + L);
                    if (y != null) {
                        g0 = zero.blend(g0, FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f));
                        g1 = zero.blend(g1, FloatVector.fromArray(S, y, i + L).compare(VectorOperators.GT, 0f));
                        g0.intoArray(out, o);
                        g1.intoArray(out, o + L);
                    }
                    s0 = s0.add(g0);
                    s1 = s1.add(g1);
                }
                s0.intoArray(sum, j);
                s1.intoArray(sum, j + L);
            }
        }
        for (; j < cols; j += L) {
            VectorMask<Float> m = S.indexInRange(j, cols);
            FloatVector s0 = sum == null ? zero : FloatVector.fromArray(S, sum, j, m);
            for (int r = 0, i = off + j, o = j; r < rows; r++, i += cols, o += cols) {
                FloatVector g0 = FloatVector.fromArray(S, dy, i, m);
                if (y != null) {
                    g0 = zero.blend(g0, FloatVector.fromArray(S, y, i, m).compare(VectorOperators.GT, 0f));
                    g0.intoArray(out, o, m);
                }
                s0 = s0.add(g0);
            }
            if (sum != null) s0.intoArray(sum, j, m);
        }
    }

    /**
     * The maximum of each of {@code ch} channels over four pixels starting at x00, x01, x10, x11, and
     * where it came from (the first pixel holding it, in that order; a NaN makes the maximum NaN and
     * keeps the position): {@code Math.max} and a strict greater-than, as the scalar loop.
     */
    static void max4(float[] x, int x00, int x01, int x10, int x11, int ch, float[] y, int yo, int[] argmax) {
        IntVector iota = IntVector.zero(I).addIndex(1);
        for (int c = 0; c < ch; c += L) {
            VectorMask<Float> m = S.indexInRange(c, ch);
            FloatVector best = FloatVector.fromArray(S, x, x00 + c, m);
            IntVector at = iota.add(x00 + c);
            FloatVector v = FloatVector.fromArray(S, x, x01 + c, m);
            at = at.blend(iota.add(x01 + c), v.compare(VectorOperators.GT, best).cast(I));
            best = best.max(v);
            v = FloatVector.fromArray(S, x, x10 + c, m);
            at = at.blend(iota.add(x10 + c), v.compare(VectorOperators.GT, best).cast(I));
            best = best.max(v);
            v = FloatVector.fromArray(S, x, x11 + c, m);
            at = at.blend(iota.add(x11 + c), v.compare(VectorOperators.GT, best).cast(I));
            best = best.max(v);
            best.intoArray(y, yo + c, m);
            at.intoArray(argmax, yo + c, m.cast(I));
        }
    }
}
