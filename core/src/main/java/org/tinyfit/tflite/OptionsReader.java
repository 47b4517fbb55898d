package org.tinyfit.tflite;

import org.tinyfit.graph.Op;

/** Decodes an operator's builtin options into an {@link Op} record, checking every enum value. */
final class OptionsReader {
    private OptionsReader() {}

    static Op op(FbTable operator, int code, String customCode, String place) {
        int type = operator.u8(Schema.OP_OPTIONS_TYPE, Schema.OPT_NONE, "builtin_options_type");
        Builtin builtin = Builtin.of(code);
        if (builtin == null) return new Op.Opaque(BuiltinOperators.name(code), code);
        if (builtin == Builtin.CUSTOM) return decode(builtin, new Opts(null), customCode, operator, place);
        return decode(builtin, options(operator, type, builtin, place), customCode, operator, place);
    }

    /** The op for {@code builtin} with options {@code o}; {@code operator} and {@code place} name a defect. */
    static Op decode(Builtin builtin, Opts o, String customCode, FbTable operator, String place) {
        return switch (builtin) {
            case CONV_2D -> new Op.Conv2D(padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), o.i32(5, 1), o.i32(4, 1), act(o.i8(3), operator, place));
            case DEPTHWISE_CONV_2D -> new Op.DepthwiseConv2D(padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), o.i32(6, 1), o.i32(5, 1), o.i32(3, 0), act(o.i8(4), operator, place));
            case TRANSPOSE_CONV -> new Op.TransposeConv(padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), act(o.i8(3), operator, place));
            case FULLY_CONNECTED -> {
                int format = o.i8(1);
                if (format != 0) throw operator.file().fail(place, "weights_format " + format + " (shuffled weights) is not supported; convert the model with the default weights format");
                yield new Op.FullyConnected(act(o.i8(0), operator, place), o.bool(2));
            }
            case AVERAGE_POOL_2D -> pool(Op.PoolKind.AVG, o, operator, place);
            case MAX_POOL_2D -> pool(Op.PoolKind.MAX, o, operator, place);
            case ADD -> new Op.Add(act(o.i8(0), operator, place));
            case SUB -> new Op.Sub(act(o.i8(0), operator, place));
            case MUL -> new Op.Mul(act(o.i8(0), operator, place));
            case CONCATENATION -> new Op.Concat(o.i32(0, 0), act(o.i8(1), operator, place));
            case RESHAPE -> new Op.Reshape(o.ints(0));
            case SOFTMAX -> new Op.Softmax(o.f32(0));
            case LEAKY_RELU -> new Op.LeakyRelu(o.f32(0));
            case STRIDED_SLICE -> new Op.StridedSlice(o.i32(0, 0), o.i32(1, 0), o.i32(2, 0), o.i32(3, 0), o.i32(4, 0), o.bool(5));
            case SVDF -> new Op.Svdf(o.i32(0, 0), act(o.i8(1), operator, place));
            case MEAN -> new Op.Mean(o.bool(0));
            case UNIDIRECTIONAL_SEQUENCE_LSTM -> new Op.UnidirectionalSequenceLstm(act(o.i8(0), operator, place), o.f32(1), o.f32(2),
                    o.bool(3), o.bool(4), o.bool(5));
            case BIDIRECTIONAL_SEQUENCE_LSTM -> new Op.BidirectionalSequenceLstm(act(o.i8(0), operator, place), o.f32(1), o.f32(2),
                    o.bool(3), o.bool(4, true), o.bool(5));
            case RELU -> new Op.Relu();
            case RELU6 -> new Op.Relu6();
            case LOGISTIC -> new Op.Logistic();
            case TANH -> new Op.Tanh();
            case PAD, PADV2 -> new Op.Pad();
            case TRANSPOSE -> new Op.Transpose();
            case RESIZE_BILINEAR -> new Op.Resize(Op.ResizeMode.BILINEAR, o.bool(2), o.bool(3));
            case RESIZE_NEAREST_NEIGHBOR -> new Op.Resize(Op.ResizeMode.NEAREST, o.bool(0), o.bool(1));
            case QUANTIZE -> new Op.Quantize();
            case DEQUANTIZE -> new Op.Dequantize();
            case CUSTOM -> new Op.Opaque(customCode == null || customCode.isEmpty() ? "CUSTOM" : customCode, builtin.code);
        };
    }

    private static Op pool(Op.PoolKind kind, Opts o, FbTable operator, String place) {
        return new Op.Pool2D(kind, padding(o.i8(0), operator, place), o.i32(2, 0), o.i32(1, 0), o.i32(4, 0), o.i32(3, 0), act(o.i8(5), operator, place));
    }

    /** The options table, after checking that its union type is the expected one (or NONE). */
    private static Opts options(FbTable operator, int type, Builtin builtin, String place) {
        if (type != Schema.OPT_NONE && type != builtin.optionsType) {
            throw operator.file().fail(place, "builtin_options has union type " + type + ", expected " + builtin.optionsType + " (" + builtin.optionsName + ")");
        }
        if (type == Schema.OPT_NONE) return new Opts(null);
        return new Opts(operator.table(Schema.OP_OPTIONS, "builtin_options", place + ", " + builtin.optionsName));
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
    record Opts(FbTable t) {
        int i32(int id, int def) { return t == null ? def : t.i32(id, def, "field " + id); }

        int i8(int id) { return t == null ? 0 : t.i8(id, 0, "field " + id); }

        boolean bool(int id) { return bool(id, false); }

        boolean bool(int id, boolean def) { return t == null ? def : t.bool(id, def, "field " + id); }

        float f32(int id) { return t == null ? 0f : t.f32(id, 0f, "field " + id); }

        int[] ints(int id) { return t == null ? null : t.ints(id, "field " + id); }
    }
}
