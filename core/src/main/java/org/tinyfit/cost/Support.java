package org.tinyfit.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tinyfit.device.Device;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Lstm;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.latency.Latency;

/** What can run where: hybrid quantization, ops TFLite Micro lacks, ops tinyfit's runtime lacks. */
public final class Support {
    private Support() {}

    /**
     * Builtin operators TFLite Micro registers (tflite-micro, tensorflow/lite/micro/micro_mutable_op_resolver.h,
     * the Add* functions), by TFLite name. An opaque op not in this set has no TFLite Micro kernel.
     */
    static final Set<String> TFLM_OPS = Set.of(
            "ABS", "ADD", "ADD_N", "ARG_MAX", "ARG_MIN", "ASSIGN_VARIABLE", "AVERAGE_POOL_2D", "BATCH_MATMUL",
            "BATCH_TO_SPACE_ND", "BROADCAST_ARGS", "BROADCAST_TO", "CALL_ONCE", "CAST", "CEIL", "CIRCULAR_BUFFER",
            "CONCATENATION", "CONV_2D", "COS", "CUMSUM", "DEPTH_TO_SPACE", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "DIV",
            "ELU", "EMBEDDING_LOOKUP", "EQUAL", "ETHOSU", "EXP", "EXPAND_DIMS", "FILL", "FLOOR", "FLOOR_DIV",
            "FLOOR_MOD", "FULLY_CONNECTED", "GATHER", "GATHER_ND", "GREATER", "GREATER_EQUAL", "HARD_SWISH", "IF",
            "L2_NORMALIZATION", "L2_POOL_2D", "LEAKY_RELU", "LESS", "LESS_EQUAL", "LOG", "LOG_SOFTMAX", "LOGICAL_AND",
            "LOGICAL_NOT", "LOGICAL_OR", "LOGISTIC", "MAX_POOL_2D", "MAXIMUM", "MEAN", "MINIMUM", "MIRROR_PAD", "MUL",
            "NEG", "NOT_EQUAL", "PACK", "PAD", "PADV2", "PRELU", "QUANTIZE", "READ_VARIABLE", "REDUCE_MAX", "RELU",
            "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "ROUND", "RSQRT", "SELECT_V2", "SHAPE",
            "SIN", "SLICE", "SOFTMAX", "SPACE_TO_BATCH_ND", "SPACE_TO_DEPTH", "SPLIT", "SPLIT_V", "SQRT", "SQUARE",
            "SQUARED_DIFFERENCE", "SQUEEZE", "STRIDED_SLICE", "SUB", "SUM", "SVDF", "TANH", "TFLite_Detection_PostProcess",
            "TRANSPOSE", "TRANSPOSE_CONV", "UNIDIRECTIONAL_SEQUENCE_LSTM", "UNPACK", "VAR_HANDLE", "WHILE", "ZEROS_LIKE");

    /**
     * The findings for {@code g} on {@code device} with {@code latency}'s runtime, nodes in stored
     * order, model-level findings last.
     */
    public static List<Finding> findings(Graph g, Device device, Latency latency) {
        List<Finding> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (isHybrid(g, n)) {
                out.add(new Finding(Finding.Code.HYBRID, n.id(), true, n.label() + ": hybrid quantization ("
                        + g.tensor(activationInput(n)).dtype().lower() + " activations, " + g.tensor(n.input(weightInput(n))).dtype().lower()
                        + " weights): TFLite Micro cannot run hybrid models; quantize the activations too (full-integer int8) or keep float weights"));
            }
            String tflm = tflmGap(g, n);
            if (tflm != null) out.add(new Finding(Finding.Code.UNSUPPORTED_BY_TFLM, n.id(), true, n.label() + ": " + tflm));
            if (n.op() instanceof Op.Opaque) {
                out.add(new Finding(Finding.Code.UNSUPPORTED_BY_TINYFIT, n.id(), true, n.label() + (tflmGap(g, n) == null
                        ? ": TFLite Micro has this kernel, but tinyfit does not model the op: its Java runtime cannot run it"
                        : ": an op tinyfit does not know: its Java runtime cannot run it")));
                out.add(new Finding(Finding.Code.UNKNOWN_COST, n.id(), false,
                        n.label() + ": its MACs and latency are not counted (only the per-op overhead)"));
            }
        }
        if (latency.runtime().equals(org.tinyfit.latency.Runtimes.TINYFIT_C) && latency.extrapolated()) {
            out.add(new Finding(Finding.Code.UNCALIBRATED_LATENCY, -1, false, device.id() + ": tinyfit's generated C was never timed on a board: its latency is its"
                    + " instructions (counted on QEMU, fitted per op) x TFLite Micro + CMSIS-NN's cycles per instruction (" + device.core().display() + "); treat it as rough"));
        } else if (latency.extrapolated()) {
            out.add(new Finding(Finding.Code.UNCALIBRATED_LATENCY, -1, false, device.id() + ": no published " + latency.runtime()
                    + " measurement on this board: its latency is extrapolated from other boards (" + device.core().display() + "); treat it as rough"));
        }
        return out;
    }

    /** The nodes TFLite Micro cannot run, each as "node 3 (hybrid FULLY_CONNECTED)" or "node 5 (BATCH_NORM)", in stored order. */
    public static List<String> cannotRun(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (isHybrid(g, n)) out.add("node " + n.id() + " (hybrid " + n.op().kind() + ")");
            else if (tflmGap(g, n) != null) out.add("node " + n.id() + " (" + n.op().kind() + ")");
        }
        return out;
    }

    /** True if the model has a hybrid node. */
    public static boolean isHybrid(Graph g) {
        for (Node n : g.nodes()) if (isHybrid(g, n)) return true;
        return false;
    }

    /** A weighted node with float activations and integer weights. */
    static boolean isHybrid(Graph g, Node n) {
        int act = activationInput(n);
        int weights = weightInput(n);
        if (act < 0 || !n.hasInput(weights)) return false;
        DType a = g.tensor(act).dtype();
        DType w = g.tensor(n.input(weights)).dtype();
        return a.isFloat() && (w == DType.I8 || w == DType.U8);
    }

    /** The input slot of a weighted op's (first mandatory) weights. */
    static int weightInput(Node n) {
        return n.op() instanceof Op.UnidirectionalSequenceLstm || n.op() instanceof Op.BidirectionalSequenceLstm ? 2 : 1;
    }

    /** The activation input of a weighted op (conv, depthwise, transpose conv, FC, SVDF), or -1 for other kinds. */
    static int activationInput(Node n) {
        return switch (n.op()) {
            case Op.Conv2D c -> n.input(0);
            case Op.DepthwiseConv2D d -> n.input(0);
            case Op.FullyConnected f -> n.input(0);
            case Op.Svdf s -> n.input(0);
            case Op.UnidirectionalSequenceLstm l -> n.input(0);
            case Op.BidirectionalSequenceLstm l -> n.input(0);
            case Op.TransposeConv t -> n.input(2);
            case Op.Pool2D p -> -1;
            case Op.Add a -> -1;
            case Op.Sub s -> -1;
            case Op.Mul m -> -1;
            case Op.Concat c -> -1;
            case Op.Reshape r -> -1;
            case Op.Softmax s -> -1;
            case Op.Relu r -> -1;
            case Op.Relu6 r -> -1;
            case Op.Logistic l -> -1;
            case Op.Tanh t -> -1;
            case Op.LeakyRelu l -> -1;
            case Op.Pad p -> -1;
            case Op.Mean m -> -1;
            case Op.Quantize q -> -1;
            case Op.Dequantize d -> -1;
            case Op.BatchNorm b -> -1;
            case Op.Dropout d -> -1;
            case Op.StridedSlice s -> -1;
            case Op.Transpose t -> -1;
            case Op.Resize r -> -1;
            case Op.Opaque o -> -1;
        };
    }

    /**
     * What TFLite Micro's UNIDIRECTIONAL_SEQUENCE_LSTM kernel refuses at Prepare ({@code
     * LstmTensors::ValidateTensorStatus}): a coupled input gate, peepholes, a projection or layer norm,
     * or states that are not variables; null for a plain LSTM.
     */
    private static String lstmGap(Graph g, Node n, Op.UnidirectionalSequenceLstm op) {
        Lstm.Sizes z;
        try {
            z = Lstm.unidirectional(op, Lstm.of(g, n));
        } catch (IllegalArgumentException e) {
            return "TFLite Micro's LSTM kernel rejects it: " + e.getMessage();
        }
        String variant = z.cifg() ? "a coupled input gate (CIFG)" : z.peephole() ? "peepholes" : z.projection() ? "a projection"
                : z.layerNorm() ? "layer norm" : null;
        if (variant != null) return "TFLite Micro's LSTM kernel runs only the plain LSTM, this one has " + variant;
        for (int slot : new int[] {Lstm.HIDDEN_STATE, Lstm.CELL_STATE}) {
            if (!n.hasInput(slot) || !g.tensor(n.input(slot)).variable()) return "TFLite Micro's LSTM kernel needs hidden and cell states that are variable tensors";
        }
        DType in = g.tensor(n.input(0)).dtype(), cell = g.tensor(n.input(Lstm.CELL_STATE)).dtype();
        if ((in == DType.I8 || in == DType.I16) && cell != DType.I16) {
            return "TFLite Micro's integer LSTM kernel needs an int16 cell state, this one is " + cell.lower();
        }
        return null;
    }

    /** Why TFLite Micro cannot run this op kind, or null if it has a kernel for it. */
    static String tflmGap(Graph g, Node n) {
        return switch (n.op()) {
            case Op.BatchNorm b -> "TFLite Micro has no batch-norm kernel (it is not a TFLite op): fold it into the preceding convolution";
            case Op.Dropout d -> "TFLite Micro has no dropout (it is a training op): remove it for inference";
            case Op.Opaque o -> TFLM_OPS.contains(o.name()) ? null : "TFLite Micro has no kernel for " + o.name();
            case Op.Conv2D c -> null;
            case Op.DepthwiseConv2D d -> null;
            case Op.TransposeConv t -> null;
            case Op.FullyConnected f -> null;
            case Op.Pool2D p -> null;
            case Op.Add a -> null;
            case Op.Sub s -> null;
            case Op.Mul m -> null;
            case Op.Concat c -> null;
            case Op.Reshape r -> null;
            case Op.Softmax s -> null;
            case Op.Relu r -> null;
            case Op.Relu6 r -> null;
            case Op.Logistic l -> null;
            case Op.Tanh t -> null;
            case Op.LeakyRelu l -> null;
            case Op.Pad p -> null;
            case Op.Mean m -> null;
            case Op.Quantize q -> null;
            case Op.Dequantize d -> null;
            case Op.StridedSlice s -> null;
            case Op.Transpose t -> g.tensor(n.input(0)).shape().rank() > 5
                    ? "TFLite Micro's TRANSPOSE takes at most 5 dimensions, this input has " + g.tensor(n.input(0)).shape().rank() : null;
            case Op.Resize r -> r.mode() == Op.ResizeMode.BILINEAR && g.tensor(n.input(0)).dtype() != DType.F32 && g.tensor(n.input(0)).dtype() != DType.I8
                    ? "TFLite Micro's RESIZE_BILINEAR runs float32 and int8 only, this input is " + g.tensor(n.input(0)).dtype().lower() : null;
            case Op.Svdf s -> null;
            case Op.UnidirectionalSequenceLstm l -> lstmGap(g, n, l);
            case Op.BidirectionalSequenceLstm l -> "TFLite Micro has no kernel for BIDIRECTIONAL_SEQUENCE_LSTM";
        };
    }
}
