package org.tinyfit.tflite;

/** Field ids and enum values of the TFLite schema (schema.fbs) that tinyfit reads and writes. */
final class Schema {
    private Schema() {}

    static final String IDENTIFIER = "TFL3";

    // Model
    static final int MODEL_VERSION = 0, MODEL_OPERATOR_CODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3,
            MODEL_BUFFERS = 4, MODEL_METADATA_BUFFER = 5, MODEL_METADATA = 6, MODEL_SIGNATURE_DEFS = 7;
    // OperatorCode
    static final int OPCODE_DEPRECATED_BUILTIN = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3;
    // SubGraph
    static final int SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3, SUBGRAPH_NAME = 4;
    // Tensor
    static final int TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANTIZATION = 4,
            TENSOR_IS_VARIABLE = 5, TENSOR_SPARSITY = 6;
    // QuantizationParameters
    static final int QUANT_MIN = 0, QUANT_MAX = 1, QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DETAILS_TYPE = 4,
            QUANT_DETAILS = 5, QUANT_DIMENSION = 6;
    // Operator
    static final int OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS_TYPE = 3, OP_OPTIONS = 4,
            OP_CUSTOM_OPTIONS = 5, OP_CUSTOM_OPTIONS_FORMAT = 6, OP_MUTATING_VARIABLE_INPUTS = 7, OP_INTERMEDIATES = 8;
    // Buffer
    static final int BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2;
    // Metadata
    static final int METADATA_NAME = 0, METADATA_BUFFER = 1;
    // SignatureDef (field 3, deprecated_tag, is not written) and TensorMap
    static final int SIGNATURE_INPUTS = 0, SIGNATURE_OUTPUTS = 1, SIGNATURE_KEY = 2, SIGNATURE_SUBGRAPH_INDEX = 4;
    static final int TENSORMAP_NAME = 0, TENSORMAP_TENSOR_INDEX = 1;

    // TensorType
    static final int FLOAT32 = 0, FLOAT16 = 1, INT32 = 2, UINT8 = 3, INT64 = 4, BOOL = 6, INT16 = 7, INT8 = 9;
    /** The largest value of the schema's TensorType enum (FLOAT8_E5M2); anything above is no tensor type. */
    static final int LAST_TENSOR_TYPE = 22;

    // BuiltinOptions union types
    static final int OPT_NONE = 0, OPT_CONV2D = 1, OPT_DEPTHWISE_CONV2D = 2, OPT_POOL2D = 5, OPT_SVDF = 6,
            OPT_FULLY_CONNECTED = 8, OPT_SOFTMAX = 9, OPT_CONCATENATION = 10, OPT_ADD = 11, OPT_RESHAPE = 17,
            OPT_MUL = 21, OPT_PAD = 22, OPT_REDUCER = 27, OPT_SUB = 28, OPT_STRIDED_SLICE = 32, OPT_DEQUANTIZE = 38,
            OPT_PADV2 = 43, OPT_TRANSPOSE_CONV = 49, OPT_LEAKY_RELU = 75, OPT_QUANTIZE = 89,
            OPT_BIDIRECTIONAL_SEQUENCE_LSTM = 69, OPT_UNIDIRECTIONAL_SEQUENCE_LSTM = 71,
            OPT_RESIZE_BILINEAR = 15, OPT_TRANSPOSE = 26, OPT_RESIZE_NEAREST_NEIGHBOR = 74;
}
