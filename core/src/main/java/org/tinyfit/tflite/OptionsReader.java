package org.tinyfit.tflite;

import org.tinyfit.graph.Op;

/** Decodes an operator's builtin options into an {@link Op} record, checking every enum value. */
final class OptionsReader {
    private OptionsReader() {}

    static Op op(FbTable operator, int code, String customCode, String place) {
        int type = operator.u8(Schema.OP_OPTIONS_TYPE, Schema.OPT_NONE, "builtin_options_type");
        return switch (code) {
            case BuiltinOperators.CONV_2D -> {
                Opts o = options(operator, type, Schema.OPT_CONV2D, "Conv2DOptions", place);
                yield new Op.Conv2D(padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), o.i32(5, 1), o.i32(4, 1), act(o.i8(3), operator, place));
            }
            case BuiltinOperators.DEPTHWISE_CONV_2D -> {
                Opts o = options(operator, type, Schema.OPT_DEPTHWISE_CONV2D, "DepthwiseConv2DOptions", place);
                yield new Op.DepthwiseConv2D(padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), o.i32(6, 1), o.i32(5, 1), o.i32(3, 0), act(o.i8(4), operator, place));
            }
            case BuiltinOperators.TRANSPOSE_CONV -> {
                Opts o = options(operator, type, Schema.OPT_TRANSPOSE_CONV, "TransposeConvOptions", place);
                yield new Op.TransposeConv(padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), act(o.i8(3), operator, place));
            }
            case BuiltinOperators.FULLY_CONNECTED -> {
                Opts o = options(operator, type, Schema.OPT_FULLY_CONNECTED, "FullyConnectedOptions", place);
                int format = o.i8(1);
                if (format != 0) throw operator.file().fail(place, "weights_format " + format + " (shuffled weights) is not supported; convert the model with the default weights format");
                yield new Op.FullyConnected(act(o.i8(0), operator, place), o.bool(2));
            }
            case BuiltinOperators.AVERAGE_POOL_2D, BuiltinOperators.MAX_POOL_2D -> {
                Opts o = options(operator, type, Schema.OPT_POOL2D, "Pool2DOptions", place);
                Op.PoolKind kind = code == BuiltinOperators.MAX_POOL_2D ? Op.PoolKind.MAX : Op.PoolKind.AVG;
                yield new Op.Pool2D(kind, padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), o.i32(4, 0), o.i32(3, 0), act(o.i8(5), operator, place));
            }
            case BuiltinOperators.ADD -> new Op.Add(act(options(operator, type, Schema.OPT_ADD, "AddOptions", place).i8(0), operator, place));
            case BuiltinOperators.SUB -> new Op.Sub(act(options(operator, type, Schema.OPT_SUB, "SubOptions", place).i8(0), operator, place));
            case BuiltinOperators.MUL -> new Op.Mul(act(options(operator, type, Schema.OPT_MUL, "MulOptions", place).i8(0), operator, place));
            case BuiltinOperators.CONCATENATION -> {
                Opts o = options(operator, type, Schema.OPT_CONCATENATION, "ConcatenationOptions", place);
                yield new Op.Concat(o.i32(0, 0), act(o.i8(1), operator, place));
            }
            case BuiltinOperators.RESHAPE -> new Op.Reshape(options(operator, type, Schema.OPT_RESHAPE, "ReshapeOptions", place).ints(0));
            case BuiltinOperators.SOFTMAX -> new Op.Softmax(options(operator, type, Schema.OPT_SOFTMAX, "SoftmaxOptions", place).f32(0));
            case BuiltinOperators.LEAKY_RELU -> new Op.LeakyRelu(options(operator, type, Schema.OPT_LEAKY_RELU, "LeakyReluOptions", place).f32(0));
            case BuiltinOperators.STRIDED_SLICE -> {
                Opts o = options(operator, type, Schema.OPT_STRIDED_SLICE, "StridedSliceOptions", place);
                yield new Op.StridedSlice(o.i32(0, 0), o.i32(1, 0), o.i32(2, 0), o.i32(3, 0), o.i32(4, 0), o.bool(5));
            }
            case BuiltinOperators.SVDF -> {
                Opts o = options(operator, type, Schema.OPT_SVDF, "SVDFOptions", place);
                yield new Op.Svdf(o.i32(0, 0), act(o.i8(1), operator, place));
            }
            case BuiltinOperators.MEAN -> new Op.Mean(options(operator, type, Schema.OPT_REDUCER, "ReducerOptions", place).bool(0));
            case BuiltinOperators.RELU -> { options(operator, type, Schema.OPT_NONE, "no options", place); yield new Op.Relu(); }
            case BuiltinOperators.RELU6 -> { options(operator, type, Schema.OPT_NONE, "no options", place); yield new Op.Relu6(); }
            case BuiltinOperators.LOGISTIC -> { options(operator, type, Schema.OPT_NONE, "no options", place); yield new Op.Logistic(); }
            case BuiltinOperators.TANH -> { options(operator, type, Schema.OPT_NONE, "no options", place); yield new Op.Tanh(); }
            case BuiltinOperators.PAD -> { options(operator, type, Schema.OPT_PAD, "PadOptions", place); yield new Op.Pad(); }
            case BuiltinOperators.PADV2 -> { options(operator, type, Schema.OPT_PADV2, "PadV2Options", place); yield new Op.Pad(); }
            case BuiltinOperators.QUANTIZE -> { options(operator, type, Schema.OPT_QUANTIZE, "QuantizeOptions", place); yield new Op.Quantize(); }
            case BuiltinOperators.DEQUANTIZE -> { options(operator, type, Schema.OPT_DEQUANTIZE, "DequantizeOptions", place); yield new Op.Dequantize(); }
            case BuiltinOperators.CUSTOM -> new Op.Opaque(customCode == null || customCode.isEmpty() ? "CUSTOM" : customCode, code);
            default -> new Op.Opaque(BuiltinOperators.name(code), code);
        };
    }

    /** The options table, after checking that its union type is the expected one (or NONE). */
    private static Opts options(FbTable operator, int type, int expected, String expectedName, String place) {
        if (type != Schema.OPT_NONE && type != expected) {
            throw operator.file().fail(place, "builtin_options has union type " + type + ", expected " + expected + " (" + expectedName + ")");
        }
        if (type == Schema.OPT_NONE) return new Opts(null);
        return new Opts(operator.table(Schema.OP_OPTIONS, "builtin_options", place + ", " + expectedName));
    }

    private static Op.Padding padding(int v, FbTable operator, String place) {
        return switch (v) {
            case 0 -> Op.Padding.SAME;
            case 1 -> Op.Padding.VALID;
            default -> throw operator.file().fail(place, "padding " + v + " is neither SAME (0) nor VALID (1)");
        };
    }

    private static Op.Act act(int v, FbTable operator, String place) {
        Op.Act[] all = Op.Act.values();
        if (v < 0 || v >= all.length) throw operator.file().fail(place, "fused activation " + v + " is not one of 0.." + (all.length - 1));
        return all[v];
    }

    /** An options table that may be absent (then every field has its schema default). */
    private record Opts(FbTable t) {
        int i32(int id, int def) { return t == null ? def : t.i32(id, def, "field " + id); }

        int i8(int id) { return t == null ? 0 : t.i8(id, 0, "field " + id); }

        boolean bool(int id) { return t != null && t.bool(id, false, "field " + id); }

        float f32(int id) { return t == null ? 0f : t.f32(id, 0f, "field " + id); }

        int[] ints(int id) { return t == null ? null : t.ints(id, "field " + id); }
    }
}
