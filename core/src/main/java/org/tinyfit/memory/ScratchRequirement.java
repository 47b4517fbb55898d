package org.tinyfit.memory;

import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Lstm;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;

/**
 * A scratch buffer a kernel asks the arena for while the model is prepared, in the order TFLite
 * Micro's reference kernels request them ({@code RequestScratchBufferInArena} in their Prepare).
 * It lives only while its node runs. {@code source} names the TFLite Micro file the rule comes from.
 *
 * <p>Of the operators tinyfit keeps as {@link Op.Opaque}, SUM, REDUCE_MAX, REDUCE_MIN, ADD_N and
 * MIRROR_PAD are modelled (their requests follow from tensor shapes). UNIDIRECTIONAL_SEQUENCE_LSTM asks
 * for four gate buffers of the cell state's size; BIDIRECTIONAL_SEQUENCE_LSTM has no TFLite Micro kernel.
 * ADD_N asks for one pointer per input; pointers are counted as {@value #POINTER_BYTES} bytes, as on
 * the 64-bit host where shared/models/README.md was measured (a 32-bit microcontroller needs half).
 *
 * <p>Not modelled: int4 filters of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED (tinyfit has no int4
 * dtype), compressed tensors, and DETECTION_POSTPROCESS (its requests depend on options tinyfit does
 * not read).
 */
public record ScratchRequirement(int node, int index, long bytes, String purpose, String source) {

    private static final String SVDF = "tensorflow/lite/micro/kernels/svdf_common.cc (PrepareSvdf)";
    private static final String TRANSPOSE_CONV = "tensorflow/lite/micro/kernels/transpose_conv.cc (TransposeConvPrepare, CalculateOpData)";
    /** Bytes of a pointer on the host TFLite Micro was measured on. */
    public static final int POINTER_BYTES = 8;
    private static final String ADD_N = "tensorflow/lite/micro/kernels/add_n.cc (Prepare)";
    private static final String MIRROR_PAD = "tensorflow/lite/micro/kernels/mirror_pad.cc (MirrorPadPrepare)";
    private static final String LSTM = "tensorflow/lite/micro/kernels/unidirectional_sequence_lstm.cc (UnidirectionalSequenceLstmPrepare)";
    private static final String REDUCE = "tensorflow/lite/micro/kernels/reduce_common.cc (PrepareMeanOrSumHelper, PrepareMinMaxHelper)";

    /** The scratch buffers {@code node} requests, in request order (empty for most kernels). */
    public static List<ScratchRequirement> of(Graph g, Node node) {
        Requests r = new Requests(node.id());
        switch (node.op()) {
            case Op.Svdf(int rank, Op.Act act) -> {
                Tensor input = g.tensor(node.input(0));
                Tensor weightsFeature = g.tensor(node.input(1));
                long batch = input.shape().dim(0);
                long filters = weightsFeature.shape().dim(0);
                long units = rank > 0 ? filters / rank : filters;
                if (input.dtype() == DType.I8) {
                    r.add(batch * filters * 4, "int32 activation of the feature filters", SVDF);
                    r.add(batch * units * 4, "int32 output before requantization", SVDF);
                } else {
                    r.add(batch * filters * 4, "float activation of the feature filters", SVDF);
                }
            }
            case Op.TransposeConv(Op.Padding padding, int sh, int sw, Op.Act act) -> {
                Tensor input = g.tensor(node.input(2));
                long outElements = g.tensor(node.output(0)).shape().elements();
                if (input.dtype() == DType.I8) r.add(outElements * 4, "int32 accumulators of the output", TRANSPOSE_CONV);
                if (input.dtype() == DType.I16) {
                    r.add(outElements * 8, "int64 accumulators of the output", TRANSPOSE_CONV);
                    if (node.hasInput(3) && g.tensor(node.input(3)).dtype() == DType.I16) {
                        r.add((long) g.tensor(node.input(3)).shape().elements() * 8, "int16 bias widened to int64", TRANSPOSE_CONV);
                    }
                }
            }
            case Op.UnidirectionalSequenceLstm l -> {
                if (node.hasInput(Lstm.CELL_STATE)) {
                    Tensor cell = g.tensor(node.input(Lstm.CELL_STATE));
                    for (int i = 0; i < 4; i++) r.add(cell.bytes(), "gate buffer " + i + " (batch x state, cell-state type)", LSTM);
                }
            }
            case Op.BidirectionalSequenceLstm l -> { }
            case Op.Mean(boolean keepDims) -> meanOrSum(g, node, r);
            case Op.Opaque(String name, int code) -> {
                switch (name) {
                    case "SUM" -> meanOrSum(g, node, r);
                    case "REDUCE_MAX", "REDUCE_MIN" -> {
                        r.add(4L * g.tensor(node.input(0)).shape().rank(), "input iterator", REDUCE);
                        r.add(4L * axisCount(g, node), "resolved axes", REDUCE);
                    }
                    case "ADD_N" -> {
                        DType out = g.tensor(node.output(0)).dtype();
                        if (out == DType.F32 || out == DType.I8) r.add((long) POINTER_BYTES * node.inputCount(), "a pointer to each input", ADD_N);
                    }
                    case "MIRROR_PAD" -> {
                        long rank = g.tensor(node.input(0)).shape().rank();
                        r.add(4 * rank, "element counts of the output dimensions", MIRROR_PAD);
                        r.add(4 * rank, "element counts of the input dimensions", MIRROR_PAD);
                    }
                    default -> { }
                }
            }
            case Op.Conv2D c -> { }
            case Op.DepthwiseConv2D c -> { }
            case Op.FullyConnected f -> { }
            case Op.Pool2D p -> { }
            case Op.Add a -> { }
            case Op.Sub s -> { }
            case Op.Mul m -> { }
            case Op.Concat c -> { }
            case Op.Reshape s -> { }
            case Op.Softmax s -> { }
            case Op.Relu x -> { }
            case Op.Relu6 x -> { }
            case Op.Logistic x -> { }
            case Op.Tanh x -> { }
            case Op.LeakyRelu x -> { }
            case Op.Pad x -> { }
            case Op.Quantize x -> { }
            case Op.Dequantize x -> { }
            case Op.BatchNorm x -> { }
            case Op.Dropout x -> { }
            case Op.StridedSlice x -> { }
            case Op.Transpose x -> { }
            case Op.Resize x -> { }
        }
        return List.copyOf(r.list);
    }

    private static void meanOrSum(Graph g, Node node, Requests r) {
        Tensor input = g.tensor(node.input(0));
        if (input.dtype() == DType.I8 || input.dtype() == DType.I16) {
            r.add(4L * g.tensor(node.output(0)).shape().elements(), "int32 accumulators of the output", REDUCE);
        }
        r.add(4L * input.shape().rank(), "input iterator", REDUCE);
        r.add(4L * axisCount(g, node), "resolved axes", REDUCE);
    }

    private static long axisCount(Graph g, Node node) {
        return node.hasInput(1) ? g.tensor(node.input(1)).shape().elements() : 0;
    }

    private static final class Requests {
        final int node;
        final java.util.ArrayList<ScratchRequirement> list = new java.util.ArrayList<>();

        Requests(int node) { this.node = node; }

        void add(long bytes, String purpose, String source) {
            list.add(new ScratchRequirement(node, list.size(), bytes, purpose, source));
        }
    }
}
