package org.tinyfit.cost;

import java.util.TreeSet;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;

/**
 * What TFLite Micro adds to a model's own bytes: code in flash, and the persistent "tail" of the arena
 * in SRAM (what tinyfit's arena plan, the "head", does not cover). Each constant says where it comes
 * from; the ones marked estimate are tinyfit's, from TFLite Micro's data structures on a 32-bit core.
 */
public final class TflmOverhead {
    private TflmOverhead() {}

    /**
     * Interpreter code: "The core runtime just fits in 16 KB on an Arm Cortex M3"
     * (TensorFlow Lite for Microcontrollers overview, tensorflow.org/lite/microcontrollers).
     */
    public static final long CORE_CODE_BYTES = 16 * 1024;

    /**
     * Kernel code per op kind the model uses. The same overview gives 22 KB for the core runtime plus
     * the operations of the speech keyword model; that example registered 3 op kinds
     * (DEPTHWISE_CONV_2D, FULLY_CONNECTED, SOFTMAX), so (22 - 16) KB / 3 = 2 KB each. Optimized
     * kernels (CMSIS-NN) are larger; this is a floor.
     */
    public static final long CODE_BYTES_PER_OP_KIND = 2 * 1024;

    /** Persistent bytes per tensor: a TfLiteEvalTensor (data pointer, dims pointer, type) on a 32-bit core. */
    public static final long EVAL_TENSOR_BYTES = 12;

    /** Persistent bytes per node: a TfLiteNode (six pointers and a size) plus its registration pointer on a 32-bit core. */
    public static final long NODE_BYTES = 32;

    /** Estimate: a node's parsed builtin options and its kernel's OpData (per-tensor quantization, offsets). */
    public static final long OP_DATA_BYTES = 64;

    /** Per-channel requantization (an int32 multiplier and an int32 shift per output channel) that conv kernels keep. */
    public static final long PER_CHANNEL_BYTES = 8;

    /** Estimate: the interpreter's and allocator's own structures. */
    public static final long FIXED_PERSISTENT_BYTES = 256;

    /** Estimate of the flatbuffer's structure per tensor (table, shape vector, name, quantization table), when the file size is unknown. */
    public static final long FLATBUFFER_BYTES_PER_TENSOR = 96;

    /** Estimate of the flatbuffer's structure per operator (table, input and output vectors, options), when the file size is unknown. */
    public static final long FLATBUFFER_BYTES_PER_OP = 64;

    /** Flash for code: the core runtime plus one kernel per distinct op kind. */
    public static long codeBytes(Graph g) {
        return CORE_CODE_BYTES + CODE_BYTES_PER_OP_KIND * opKinds(g).size();
    }

    public static TreeSet<String> opKinds(Graph g) {
        return opKinds(g.nodes().stream().map(n -> n.op().kind()).toList());
    }

    /** The distinct op kinds among {@code kinds}, sorted. */
    public static TreeSet<String> opKinds(java.util.Collection<String> kinds) {
        return new TreeSet<>(kinds);
    }

    /** The model's bytes in flash when its file size is unknown: constant data plus the flatbuffer's structure (estimate). */
    public static long modelBytesEstimate(Graph g, long constantBytes) {
        return constantBytes + FLATBUFFER_BYTES_PER_TENSOR * g.tensors().size() + FLATBUFFER_BYTES_PER_OP * g.nodes().size();
    }

    /** Estimate of the persistent tail on a 32-bit core: tensor and node structs, op data, per-channel data, variable tensors. */
    public static long persistentBytes(Graph g) {
        long bytes = FIXED_PERSISTENT_BYTES + EVAL_TENSOR_BYTES * g.tensors().size() + (NODE_BYTES + OP_DATA_BYTES) * g.nodes().size();
        for (Node n : g.nodes()) bytes += PER_CHANNEL_BYTES * perChannelOutputs(g, n);
        for (Tensor t : g.tensors()) if (t.variable()) bytes += align16(t.bytes());
        return bytes;
    }

    /** Output channels for which a kernel keeps per-channel requantization data (conv kinds with a quantized output), else 0. */
    static long perChannelOutputs(Graph g, Node n) {
        boolean quantized = g.tensor(n.output(0)).dtype().isQuantizedInt();
        long channels = g.tensor(n.output(0)).shape().rank() == 0 ? 0 : g.tensor(n.output(0)).shape().dim(-1);
        return switch (n.op()) {
            case Op.Conv2D c -> quantized ? channels : 0;
            case Op.DepthwiseConv2D d -> quantized ? channels : 0;
            case Op.TransposeConv t -> quantized ? channels : 0;
            case Op.FullyConnected f -> 0;
            case Op.Svdf s -> 0;
            case Op.Pool2D p -> 0;
            case Op.Add a -> 0;
            case Op.Sub s -> 0;
            case Op.Mul m -> 0;
            case Op.Concat c -> 0;
            case Op.Reshape r -> 0;
            case Op.Softmax s -> 0;
            case Op.Relu r -> 0;
            case Op.Relu6 r -> 0;
            case Op.Logistic l -> 0;
            case Op.Tanh t -> 0;
            case Op.LeakyRelu l -> 0;
            case Op.Pad p -> 0;
            case Op.Mean m -> 0;
            case Op.Quantize q -> 0;
            case Op.Dequantize d -> 0;
            case Op.BatchNorm b -> 0;
            case Op.Dropout d -> 0;
            case Op.StridedSlice s -> 0;
            case Op.Opaque o -> 0;
        };
    }

    static long align16(long bytes) { return (bytes + 15) / 16 * 16; }
}
