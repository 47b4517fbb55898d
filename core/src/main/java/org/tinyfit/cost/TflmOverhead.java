package org.tinyfit.cost;

import java.util.TreeSet;
import org.tinyfit.graph.Graph;

/**
 * What TFLite Micro adds to a model's own bytes in flash: its code, and the flatbuffer's structure when
 * the file size is unknown. Each constant says where it comes from. (Its persistent part of the arena
 * in SRAM is {@link org.tinyfit.memory.TflmTail}.)
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

}
