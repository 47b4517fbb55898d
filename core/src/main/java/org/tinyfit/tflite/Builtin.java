package org.tinyfit.tflite;

/**
 * The TFLite builtin operators that tinyfit reads into an op of its own and writes back, each with
 * the union type of its builtin options. The reader decodes each with an exhaustive switch over
 * this enum, and the writer writes ops only as one of these, so a new op kind cannot be written
 * without being read back as itself; a code not listed here is read as {@code Op.Opaque}, by name.
 */
enum Builtin {
    ADD(BuiltinOperators.ADD, Schema.OPT_ADD, "AddOptions"),
    AVERAGE_POOL_2D(BuiltinOperators.AVERAGE_POOL_2D, Schema.OPT_POOL2D, "Pool2DOptions"),
    CONCATENATION(BuiltinOperators.CONCATENATION, Schema.OPT_CONCATENATION, "ConcatenationOptions"),
    CONV_2D(BuiltinOperators.CONV_2D, Schema.OPT_CONV2D, "Conv2DOptions"),
    DEPTHWISE_CONV_2D(BuiltinOperators.DEPTHWISE_CONV_2D, Schema.OPT_DEPTHWISE_CONV2D, "DepthwiseConv2DOptions"),
    DEQUANTIZE(BuiltinOperators.DEQUANTIZE, Schema.OPT_DEQUANTIZE, "DequantizeOptions"),
    FULLY_CONNECTED(BuiltinOperators.FULLY_CONNECTED, Schema.OPT_FULLY_CONNECTED, "FullyConnectedOptions"),
    LOGISTIC(BuiltinOperators.LOGISTIC, Schema.OPT_NONE, "no options"),
    MAX_POOL_2D(BuiltinOperators.MAX_POOL_2D, Schema.OPT_POOL2D, "Pool2DOptions"),
    MUL(BuiltinOperators.MUL, Schema.OPT_MUL, "MulOptions"),
    RELU(BuiltinOperators.RELU, Schema.OPT_NONE, "no options"),
    RELU6(BuiltinOperators.RELU6, Schema.OPT_NONE, "no options"),
    RESHAPE(BuiltinOperators.RESHAPE, Schema.OPT_RESHAPE, "ReshapeOptions"),
    SOFTMAX(BuiltinOperators.SOFTMAX, Schema.OPT_SOFTMAX, "SoftmaxOptions"),
    SVDF(BuiltinOperators.SVDF, Schema.OPT_SVDF, "SVDFOptions"),
    TANH(BuiltinOperators.TANH, Schema.OPT_NONE, "no options"),
    /** A custom operator: its options are the op's own, and it is read as {@code Op.Opaque} under its custom code. */
    CUSTOM(BuiltinOperators.CUSTOM, Schema.OPT_NONE, "no options"),
    PAD(BuiltinOperators.PAD, Schema.OPT_PAD, "PadOptions"),
    MEAN(BuiltinOperators.MEAN, Schema.OPT_REDUCER, "ReducerOptions"),
    SUB(BuiltinOperators.SUB, Schema.OPT_SUB, "SubOptions"),
    STRIDED_SLICE(BuiltinOperators.STRIDED_SLICE, Schema.OPT_STRIDED_SLICE, "StridedSliceOptions"),
    PADV2(BuiltinOperators.PADV2, Schema.OPT_PADV2, "PadV2Options"),
    TRANSPOSE_CONV(BuiltinOperators.TRANSPOSE_CONV, Schema.OPT_TRANSPOSE_CONV, "TransposeConvOptions"),
    LEAKY_RELU(BuiltinOperators.LEAKY_RELU, Schema.OPT_LEAKY_RELU, "LeakyReluOptions"),
    QUANTIZE(BuiltinOperators.QUANTIZE, Schema.OPT_QUANTIZE, "QuantizeOptions"),
    UNIDIRECTIONAL_SEQUENCE_LSTM(BuiltinOperators.UNIDIRECTIONAL_SEQUENCE_LSTM, Schema.OPT_UNIDIRECTIONAL_SEQUENCE_LSTM, "UnidirectionalSequenceLSTMOptions"),
    BIDIRECTIONAL_SEQUENCE_LSTM(BuiltinOperators.BIDIRECTIONAL_SEQUENCE_LSTM, Schema.OPT_BIDIRECTIONAL_SEQUENCE_LSTM, "BidirectionalSequenceLSTMOptions"),
    TRANSPOSE(BuiltinOperators.TRANSPOSE, Schema.OPT_TRANSPOSE, "TransposeOptions"),
    RESIZE_BILINEAR(BuiltinOperators.RESIZE_BILINEAR, Schema.OPT_RESIZE_BILINEAR, "ResizeBilinearOptions"),
    RESIZE_NEAREST_NEIGHBOR(BuiltinOperators.RESIZE_NEAREST_NEIGHBOR, Schema.OPT_RESIZE_NEAREST_NEIGHBOR, "ResizeNearestNeighborOptions");

    /** The schema's BuiltinOperator code. */
    final int code;
    /** The BuiltinOptions union type its options have (NONE: it takes none). */
    final int optionsType;
    final String optionsName;

    Builtin(int code, int optionsType, String optionsName) {
        this.code = code;
        this.optionsType = optionsType;
        this.optionsName = optionsName;
    }

    private static final Builtin[] BY_CODE = new Builtin[BuiltinOperators.PLACEHOLDER_FOR_GREATER_OP_CODES];

    static {
        for (Builtin b : values()) BY_CODE[b.code] = b;
    }

    /** The builtin with {@code code}, or null when tinyfit has no op of its own for it. */
    static Builtin of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
