package org.tinyfit.quant;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;

/**
 * A tensor's quantization as the integer arithmetic reads it: the range of its integer type, its
 * scale and its zero point, each checked, with errors that name the node ("node 7 (CONV_2D): the
 * filter (tensor 3, i8) has no quantization parameters").
 */
public final class QuantParams {
    private QuantParams() {}

    /** The smallest value of a quantized integer type (int8 -128, uint8 0, int16 -32768, int32 -2^31). */
    public static int qmin(DType d) {
        return switch (d) {
            case I8 -> FixedPoint.INT8_MIN;
            case U8 -> 0;
            case I16 -> FixedPoint.INT16_MIN;
            case I32 -> Integer.MIN_VALUE;
            case F32, F16, I64, BOOL, UNKNOWN -> throw new IllegalArgumentException(d + " is not a quantized integer type");
        };
    }

    /** The largest value of a quantized integer type (int8 127, uint8 255, int16 32767, int32 2^31 - 1). */
    public static int qmax(DType d) {
        return switch (d) {
            case I8 -> FixedPoint.INT8_MAX;
            case U8 -> 255;
            case I16 -> FixedPoint.INT16_MAX;
            case I32 -> Integer.MAX_VALUE;
            case F32, F16, I64, BOOL, UNKNOWN -> throw new IllegalArgumentException(d + " is not a quantized integer type");
        };
    }

    /** The quantization of tensor {@code t} ({@code what} names it in {@code node}); throws when it has none. */
    public static Quantization quant(Node node, Tensor t, String what) {
        if (t.quant() == null) {
            throw new GraphException(node.label() + ": " + what + " (tensor " + t.id() + ", " + t.dtype().lower() + ") has no quantization parameters");
        }
        return t.quant();
    }

    /** The (first) scale of tensor {@code t}; throws when it is not quantized. */
    public static float scale(Node node, Tensor t, String what) { return quant(node, t, what).scale(); }

    /** The (first) zero point of tensor {@code t}; throws when it is not quantized. */
    public static int zeroPoint(Node node, Tensor t, String what) { return (int) quant(node, t, what).zeroPoint(); }
}
