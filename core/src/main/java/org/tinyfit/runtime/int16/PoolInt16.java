package org.tinyfit.runtime.int16;

import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.quant.FixedPoint;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D on int16 (TFLite Micro's reference kernels): windows are clipped
 * to the input; an average is rounded half away from zero by integer division.
 */
public final class PoolInt16 {
    private PoolInt16() {}

    public record Params(boolean average, int strideH, int strideW, int filterH, int filterW, int padH, int padW,
                         int activationMin, int activationMax) {}

    public static Params prepare(Op.Pool2D op, int inH, int inW, float outputScale, int outputZeroPoint) {
        int padH = ShapeInference.padBefore(inH, op.filterH(), op.strideH(), 1, op.padding());
        int padW = ShapeInference.padBefore(inW, op.filterW(), op.strideW(), 1, op.padding());
        int[] range = FixedPoint.activationRange(op.act(), outputScale, outputZeroPoint, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
        return new Params(op.pool() == Op.PoolKind.AVG, op.strideH(), op.strideW(), op.filterH(), op.filterW(), padH, padW,
                range[0], range[1]);
    }

    /** Input [N,H,W,C], output [N,OH,OW,C]. */
    public static void run(short[] input, int[] inShape, short[] out, int[] outShape, Params p) {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], depth = inShape[3];
        int outH = outShape[1], outW = outShape[2];
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int inX0 = ox * p.strideW - p.padW;
                    int inY0 = oy * p.strideH - p.padH;
                    int fx0 = Math.max(0, -inX0), fx1 = Math.min(p.filterW, inW - inX0);
                    int fy0 = Math.max(0, -inY0), fy1 = Math.min(p.filterH, inH - inY0);
                    for (int c = 0; c < depth; c++) {
                        int acc = p.average ? 0 : Short.MIN_VALUE;
                        int count = 0;
                        for (int fy = fy0; fy < fy1; fy++) {
                            for (int fx = fx0; fx < fx1; fx++) {
                                int v = input[((b * inH + inY0 + fy) * inW + inX0 + fx) * depth + c];
                                if (p.average) acc += v;
                                else acc = Math.max(acc, v);
                                count++;
                            }
                        }
                        if (p.average) {
                            if (count == 0) throw new IllegalArgumentException("an average-pool window at (" + oy + ", " + ox + ") covers no input");
                            acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        }
                        out[((b * outH + oy) * outW + ox) * depth + c] = (short) FixedPoint.clamp(acc, p.activationMin, p.activationMax);
                    }
                }
            }
        }
    }
}
