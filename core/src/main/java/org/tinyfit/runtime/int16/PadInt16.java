package org.tinyfit.runtime.int16;

import java.util.Arrays;

/**
 * PAD / PADV2 on int16: copies the input into the middle of the output and fills the border with
 * the pad value. Unlike int8, TFLite Micro pads int16 with 0 (not the zero point) when no constant
 * value is given.
 */
public final class PadInt16 {
    private PadInt16() {}

    /** {@code before[d]}, {@code after[d]}: elements added before and after dimension d; {@code value}: the fill. */
    public record Params(int[] before, int[] after, short value) {
        public Params {
            if (before.length != after.length) throw new IllegalArgumentException("paddings need a pair per dimension");
            before = before.clone();
            after = after.clone();
        }
    }

    /**
     * Prepare from the paddings tensor ([rank, 2] int32, row-major) and the optional pad value
     * (null: 0).
     */
    public static Params prepare(int[] paddings, Short value) {
        if (paddings.length % 2 != 0) throw new IllegalArgumentException("paddings has an odd number of values: " + paddings.length);
        int rank = paddings.length / 2;
        int[] before = new int[rank];
        int[] after = new int[rank];
        for (int d = 0; d < rank; d++) {
            before[d] = paddings[2 * d];
            after[d] = paddings[2 * d + 1];
            if (before[d] < 0 || after[d] < 0) throw new IllegalArgumentException("padding of dimension " + d + " is negative");
        }
        return new Params(before, after, value == null ? 0 : value);
    }

    /** The output shape for an input shape. */
    public static int[] outputShape(int[] inShape, Params p) {
        int[] out = new int[inShape.length];
        for (int d = 0; d < inShape.length; d++) out[d] = inShape[d] + p.before[d] + p.after[d];
        return out;
    }

    public static void run(short[] input, int[] inShape, short[] out, Params p) {
        int rank = inShape.length;
        if (p.before.length != rank) throw new IllegalArgumentException("paddings are for rank " + p.before.length + ", input has rank " + rank);
        int[] outShape = outputShape(inShape, p);
        Arrays.fill(out, p.value);
        int[] outStrides = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            outStrides[d] = s;
            s *= outShape[d];
        }
        int[] pos = new int[rank];
        for (int i = 0; i < input.length; i++) {
            int o = 0;
            for (int d = 0; d < rank; d++) o += (pos[d] + p.before[d]) * outStrides[d];
            out[o] = input[i];
            for (int d = rank - 1; d >= 0; d--) {
                if (++pos[d] < inShape[d]) break;
                pos[d] = 0;
            }
        }
    }
}
