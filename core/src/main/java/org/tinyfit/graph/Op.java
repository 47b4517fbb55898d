package org.tinyfit.graph;

import java.util.Arrays;

/**
 * What a node computes. Each op kind is a record; every pass over the graph dispatches on it with an
 * exhaustive {@code switch}, so a new kind does not compile until each pass handles it (or says, by
 * name, that it cannot).
 *
 * <p>Tensor conventions follow TFLite: activations are NHWC; conv filters are {@code [O, H, W, I]};
 * depthwise filters {@code [1, H, W, I*M]}; fully connected weights {@code [O, I]}; bias is a 1-D
 * tensor of length O. An input index of {@code -1} on a node means an optional input that is absent.
 */
public sealed interface Op {

    /** The operator's name as TFLite spells it, e.g. {@code CONV_2D}. */
    String kind();

    enum Padding { SAME, VALID }

    /** A fused activation applied to an op's output. */
    enum Act { NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT }

    enum PoolKind { AVG, MAX }

    /** inputs: input [N,H,W,C], filter [O,KH,KW,C/groups], bias [O] (optional). */
    record Conv2D(Padding padding, int strideH, int strideW, int dilationH, int dilationW, Act act) implements Op {
        public String kind() { return "CONV_2D"; }
    }

    /** inputs: input [N,H,W,C], filter [1,KH,KW,C*M], bias [C*M] (optional). */
    record DepthwiseConv2D(Padding padding, int strideH, int strideW, int dilationH, int dilationW, int depthMultiplier, Act act) implements Op {
        public String kind() { return "DEPTHWISE_CONV_2D"; }
    }

    /** inputs: output shape [4] (i32 constant), filter [O,KH,KW,I], input [N,H,W,I], bias [O] (optional). */
    record TransposeConv(Padding padding, int strideH, int strideW, Act act) implements Op {
        public String kind() { return "TRANSPOSE_CONV"; }
    }

    /** inputs: input [..., I], weights [O, I], bias [O] (optional). Output [batch, O] unless keepNumDims. */
    record FullyConnected(Act act, boolean keepNumDims) implements Op {
        public String kind() { return "FULLY_CONNECTED"; }
    }

    record Pool2D(PoolKind pool, Padding padding, int strideH, int strideW, int filterH, int filterW, Act act) implements Op {
        public String kind() { return pool == PoolKind.AVG ? "AVERAGE_POOL_2D" : "MAX_POOL_2D"; }
    }

    /** Element-wise sum with broadcasting. */
    record Add(Act act) implements Op { public String kind() { return "ADD"; } }

    record Sub(Act act) implements Op { public String kind() { return "SUB"; } }

    record Mul(Act act) implements Op { public String kind() { return "MUL"; } }

    record Concat(int axis, Act act) implements Op { public String kind() { return "CONCATENATION"; } }

    /**
     * inputs: tensor, and optionally a shape tensor (i32 constant). {@code newShape} is the shape from
     * the options, empty when the options give none; the output tensor's shape is authoritative.
     */
    record Reshape(int[] newShape) implements Op {
        public Reshape { newShape = newShape == null ? new int[0] : newShape.clone(); }

        @Override public int[] newShape() { return newShape.clone(); }

        public String kind() { return "RESHAPE"; }

        @Override public boolean equals(Object o) { return o instanceof Reshape r && Arrays.equals(newShape, r.newShape); }

        @Override public int hashCode() { return Arrays.hashCode(newShape); }

        @Override public String toString() { return "Reshape" + Arrays.toString(newShape); }
    }

    record Softmax(float beta) implements Op { public String kind() { return "SOFTMAX"; } }

    record Relu() implements Op { public String kind() { return "RELU"; } }

    record Relu6() implements Op { public String kind() { return "RELU6"; } }

    record Logistic() implements Op { public String kind() { return "LOGISTIC"; } }

    record Tanh() implements Op { public String kind() { return "TANH"; } }

    record LeakyRelu(float alpha) implements Op { public String kind() { return "LEAKY_RELU"; } }

    /** inputs: tensor, paddings [rank, 2] (i32 constant), and optionally a constant pad value. */
    record Pad() implements Op { public String kind() { return "PAD"; } }

    /** inputs: tensor, axes (i32 constant). */
    record Mean(boolean keepDims) implements Op { public String kind() { return "MEAN"; } }

    /** Float to integer, or integer to integer with a new scale (requantize). */
    record Quantize() implements Op { public String kind() { return "QUANTIZE"; } }

    record Dequantize() implements Op { public String kind() { return "DEQUANTIZE"; } }

    /** inputs: x [N,...,C], gamma [C], beta [C], mean [C], variance [C]. Training-time op; folded before export. */
    record BatchNorm(float epsilon, float momentum) implements Op { public String kind() { return "BATCH_NORM"; } }

    /** Identity at inference; zeroes a fraction {@code rate} of activations while training. */
    record Dropout(float rate) implements Op { public String kind() { return "DROPOUT"; } }

    /** inputs: tensor, begin, end, strides (i32 constants). */
    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask, boolean offset) implements Op {
        public String kind() { return "STRIDED_SLICE"; }
    }

    /** inputs: tensor, perm (i32 constant, a permutation of the axes). Output dim i = input dim perm[i]. */
    record Transpose() implements Op { public String kind() { return "TRANSPOSE"; } }

    enum ResizeMode { NEAREST, BILINEAR }

    /**
     * Spatial resize of an NHWC tensor. inputs: tensor [N,H,W,C], size [2] (i32 constant: new H, new W).
     * {@code alignCorners} maps the corner pixels onto each other; {@code halfPixelCenters} samples at
     * pixel centres (TFLite's options of the same names).
     */
    record Resize(ResizeMode mode, boolean alignCorners, boolean halfPixelCenters) implements Op {
        public String kind() { return mode == ResizeMode.NEAREST ? "RESIZE_NEAREST_NEIGHBOR" : "RESIZE_BILINEAR"; }
    }

    /**
     * Singular-value-decomposition filter (keyword spotting). inputs: input [B,I], weights_feature
     * [F,I], weights_time [F,T], bias [U] (optional), activation state [B, F*T] (variable).
     */
    record Svdf(int rank, Act act) implements Op { public String kind() { return "SVDF"; } }

    /**
     * A sequence of LSTM cells run over time (TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM). Its 24 inputs, in
     * TFLite's order ({@link Lstm} names them): the input {@code [B,T,I]} ({@code [T,B,I]} when {@code
     * timeMajor}); the input weights {@code [S,I]} and recurrent weights {@code [S,S]} of the input, forget,
     * cell and output gates; the optional peepholes; the four gate biases {@code [S]}; the optional
     * projection; the hidden state {@code [B,S]} and the cell state {@code [B,S]} (variables, kept across
     * runs); the optional layer-norm coefficients. Output {@code [B,T,S]} ({@code [T,B,S]}). {@code act}
     * is the cell gate's activation (TANH in practice); {@code cellClip} and {@code projClip} clip the cell
     * state and the projection when positive.
     */
    record UnidirectionalSequenceLstm(Act act, float cellClip, float projClip, boolean timeMajor,
                                      boolean asymmetricQuantizeInputs, boolean diagonalRecurrent) implements Op {
        public String kind() { return "UNIDIRECTIONAL_SEQUENCE_LSTM"; }
    }

    /**
     * A forward and a backward LSTM over one sequence (TFLite's BIDIRECTIONAL_SEQUENCE_LSTM). Its 48 inputs,
     * in TFLite's order: the input; the forward cell's 17 tensors (1-17: weights, peepholes, biases,
     * projection, laid out as a unidirectional LSTM's 1-17) and the backward cell's (18-34); the forward
     * hidden and cell states (35, 36) and the backward ones (37, 38), variables; an optional auxiliary
     * input (39) and its weights (40-47). Outputs: the forward and the backward sequence, or one
     * sequence with both concatenated when {@code mergeOutputs}.
     */
    record BidirectionalSequenceLstm(Act act, float cellClip, float projClip, boolean mergeOutputs, boolean timeMajor,
                                     boolean asymmetricQuantizeInputs) implements Op {
        public String kind() { return "BIDIRECTIONAL_SEQUENCE_LSTM"; }
    }

    /**
     * An operator tinyfit does not know. Its tensors are kept, so analysis still works; the runtime
     * and the planners' reorderings treat it as opaque.
     */
    record Opaque(String name, int builtinCode) implements Op { public String kind() { return name; } }
}
