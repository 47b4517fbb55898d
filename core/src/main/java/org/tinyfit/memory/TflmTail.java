package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.TflmAbi.Struct;

/**
 * The persistent ("tail") bytes of TFLite Micro's tensor arena, computed the way its allocator takes
 * them: every persistent allocation in the order {@code MicroInterpreter} makes it, each placed below
 * the previous one at an address aligned down to its alignment, so padding is counted exactly.
 *
 * <p>The order (TFLite Micro at commit {@code 90b983c}, {@code micro_interpreter.cc},
 * {@code micro_allocator.cc}): the arena allocator, the greedy memory planner and the {@code MicroAllocator}
 * (constructor); the builtin-data allocator and the subgraph table; one {@code TfLiteEvalTensor} per
 * tensor and one {@code NodeAndRegistration} per operator; each operator's parsed builtin options
 * ({@code flatbuffer_conversions.cc}); each kernel's op data (its {@code Init}); each kernel's
 * persistent buffers (its {@code Prepare}: per-channel multipliers and shifts, lookup tables); the
 * scratch-buffer handles; the variable tensors; then an array of pointers and a {@code TfLiteTensor}
 * (with its quantization parameters) for each model input and each output. Allocations through the
 * kernel API are 16-byte aligned; the others take their type's alignment. The arena's end is taken
 * 16-byte aligned, as it is when the arena's start is 16-byte aligned and its size a multiple of 16.
 *
 * <p>Kernels are TFLite Micro's reference kernels. The model is one subgraph (tinyfit reads subgraph
 * 0). An operator whose kernel is not modelled, or a file with more subgraphs, makes the figure
 * inexact ({@link Result#exact()} false); it then counts such an operator as {@link #UNKNOWN_OP_BYTES}.
 */
public final class TflmTail {
    private TflmTail() {}

    /** Alignment of TFLite Micro's arena buffers and of every kernel's persistent buffer ({@code MicroArenaBufferAlignment}). */
    public static final int ARENA_ALIGNMENT = 16;

    /** Counted for an operator whose kernel is not modelled: options and op data of a typical kernel. */
    public static final long UNKNOWN_OP_BYTES = 128;

    /** Entries of the int16 lookup tables SOFTMAX keeps for int16 inputs ({@code LUTSize<int16_t>()}). */
    static final int INT16_LUT_ENTRIES = 513;

    /** Scratch-buffer requests each kernel may make; the head keeps room for this many more while kernels are prepared ({@code kMaxScratchBuffersPerOp}). */
    static final int MAX_SCRATCH_BUFFERS_PER_OP = 12;

    /**
     * Bytes the greedy planner needs per buffer it plans ({@code GreedyMemoryPlanner::per_buffer_size()}: its
     * requirements record, two sort arrays, a list entry and an offset; ints on every target).
     */
    static final int PLANNER_BYTES_PER_BUFFER = 40;

    /** One persistent allocation: what it is, its size and alignment, and by how much the tail grew. */
    public record Allocation(String what, long bytes, int alignment, long growth) {}

    /**
     * The tail on {@code abi}: its total bytes, every allocation in order, whether the figure is exact,
     * and the op kinds whose kernels are not modelled (then not exact). {@code planningBytes} is the
     * arena the memory planning step of {@code AllocateTensors()} needs (see {@link #planningBytes}).
     */
    public record Result(TflmAbi abi, long bytes, List<Allocation> allocations, boolean exact, List<String> unmodelled, long planningBytes) {
        public Result {
            allocations = List.copyOf(allocations);
            unmodelled = List.copyOf(unmodelled);
        }

        /**
         * The {@code tensor_arena} to request when the planned (head) part of the arena takes {@code headBytes}:
         * head + this tail, or more when {@code AllocateTensors()} needs more room while it plans
         * ({@link #planningBytes}). The one figure for the arena a model needs on TFLite Micro.
         */
        public long tensorArenaBytes(long headBytes) { return Math.max(headBytes + bytes, planningBytes); }
    }

    /** The tail for {@code g} run from a file with one subgraph. */
    public static Result of(Graph g, TflmAbi abi) {
        return of(g, abi, subgraphs(g));
    }

    /** The number of subgraphs of the file {@code g} was read from (1 when it was not read from a file). */
    public static int subgraphs(Graph g) {
        String s = g.metadata().get("tflite.subgraphs");
        return s == null ? 1 : Integer.parseInt(s);
    }

    static Result of(Graph g, TflmAbi abi, int subgraphs) {
        Tail t = new Tail(abi);
        TreeSet<String> unmodelled = new TreeSet<>();
        t.add("SingleArenaBufferAllocator", Struct.SINGLE_ARENA_BUFFER_ALLOCATOR);
        t.add("GreedyMemoryPlanner", Struct.GREEDY_MEMORY_PLANNER);
        t.add("MicroAllocator", Struct.MICRO_ALLOCATOR);
        t.add("MicroBuiltinDataAllocator", Struct.BUILTIN_DATA_ALLOCATOR);
        t.add("SubgraphAllocations", abi.size(Struct.SUBGRAPH_ALLOCATIONS) * subgraphs, abi.alignment(Struct.SUBGRAPH_ALLOCATIONS));
        t.add("TfLiteEvalTensor x " + g.tensors().size(), abi.size(Struct.EVAL_TENSOR) * g.tensors().size(), abi.alignment(Struct.EVAL_TENSOR));
        t.add("NodeAndRegistration x " + g.nodes().size(), abi.size(Struct.NODE_AND_REGISTRATION) * g.nodes().size(),
                abi.alignment(Struct.NODE_AND_REGISTRATION));
        List<Kernel> kernels = new ArrayList<>();
        for (Node n : g.nodes()) kernels.add(kernel(g, n));
        for (int i = 0; i < kernels.size(); i++) {
            Struct options = kernels.get(i).options;
            if (options != null) t.add("node " + i + " options", options);
        }
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            if (k.opData != null) t.add("node " + i + " op data", abi.size(k.opData), ARENA_ALIGNMENT);
            if (!k.modelled) {
                unmodelled.add(g.node(i).op().kind());
                t.add("node " + i + " (" + g.node(i).op().kind() + ", not modelled)", UNKNOWN_OP_BYTES, ARENA_ALIGNMENT);
            }
        }
        int scratchRequests = 0;
        for (int i = 0; i < kernels.size(); i++) {
            for (long bytes : kernels.get(i).prepare) t.add("node " + i + " persistent buffer", bytes, ARENA_ALIGNMENT);
            scratchRequests += ScratchRequirement.of(g, g.node(i)).size();
        }
        if (scratchRequests > 0) {
            t.add("ScratchBufferHandle x " + scratchRequests, abi.size(Struct.SCRATCH_BUFFER_HANDLE) * scratchRequests,
                    abi.alignment(Struct.SCRATCH_BUFFER_HANDLE));
        }
        for (Tensor v : g.tensors()) if (v.variable()) t.add("variable tensor " + v.id(), v.bytes(), ARENA_ALIGNMENT);
        long planning = planningBytes(g, abi, t.bytes, scratchRequests, subgraphs);
        ioTensors(t, g, g.inputs(), "input");
        ioTensors(t, g, g.outputs(), "output");
        boolean exact = unmodelled.isEmpty() && subgraphs == 1;
        return new Result(abi, t.bytes, t.list, exact, new ArrayList<>(unmodelled), planning);
    }

    /**
     * The arena (a multiple of 16 bytes) in which TFLite Micro's memory planning step finds room: while
     * it plans ({@code MicroAllocator::CommitStaticMemoryPlan}) the head still holds the kernels'
     * scratch-buffer requests (with room for {@value #MAX_SCRATCH_BUFFERS_PER_OP} more), above them lie
     * temporary subgraph offsets and an {@code AllocationInfo} per tensor and per scratch buffer, and the
     * greedy planner takes {@value #PLANNER_BYTES_PER_BUFFER} bytes for each buffer it places, all below
     * the tail as it is by then (everything up to the variable tensors). With little activation memory
     * this exceeds head + tail, and a smaller arena fails in {@code AllocateTensors()}.
     */
    static long planningBytes(Graph g, TflmAbi abi, long tailBeforeIo, int scratchRequests, int subgraphs) {
        long temp = abi.size(Struct.SCRATCH_BUFFER_REQUEST) * (scratchRequests + MAX_SCRATCH_BUFFERS_PER_OP);
        temp = alignUp(temp, abi.alignment(Struct.SIZE_T)) + abi.size(Struct.SIZE_T) * subgraphs;
        temp = alignUp(temp, abi.alignment(Struct.ALLOCATION_INFO)) + abi.size(Struct.ALLOCATION_INFO) * (g.tensors().size() + scratchRequests);
        long buffers = scratchRequests;
        for (Tensor x : g.tensors()) if (!x.isConstant() && !x.variable() && x.bytes() > 0) buffers++;
        return alignUp(alignUp(temp, ARENA_ALIGNMENT) + alignUp(tailBeforeIo, ARENA_ALIGNMENT) + PLANNER_BYTES_PER_BUFFER * buffers, ARENA_ALIGNMENT);
    }

    static long alignUp(long bytes, long alignment) { return (bytes + alignment - 1) / alignment * alignment; }

    private static void ioTensors(Tail t, Graph g, int[] ids, String role) {
        t.add(role + " tensor pointers", (long) t.abi.pointerBytes() * ids.length, ARENA_ALIGNMENT);
        for (int id : ids) {
            t.add(role + " TfLiteTensor " + id, Struct.TFLITE_TENSOR);
            Quantization q = g.tensor(id).quant();
            if (q != null) {
                t.add(role + " quantization " + id, Struct.AFFINE_QUANTIZATION);
                t.add(role + " zero points " + id, 4L + 4L * q.channels(), 4);
            }
        }
    }

    /** A kernel's tail: its parsed options, its op data, and the persistent buffers its Prepare takes. */
    private record Kernel(Struct options, Struct opData, List<Long> prepare, boolean modelled) {
        static Kernel of(Struct options, Struct opData, long... prepare) {
            List<Long> p = new ArrayList<>();
            for (long b : prepare) p.add(b);
            return new Kernel(options, opData, p, true);
        }
    }

    private static final Kernel UNMODELLED = new Kernel(null, null, List.of(), false);

    /** What TFLite Micro's reference kernel for {@code n} keeps in the tail. */
    private static Kernel kernel(Graph g, Node n) {
        return switch (n.op()) {
            case Op.Conv2D c -> {
                long channels = 4L * g.tensor(n.input(1)).shape().dim(0);
                yield Kernel.of(Struct.CONV_PARAMS, Struct.OP_DATA_CONV, channels, channels);
            }
            case Op.DepthwiseConv2D d -> {
                long channels = 4L * g.tensor(n.input(1)).shape().dim(3);
                yield Kernel.of(Struct.DEPTHWISE_CONV_PARAMS, Struct.OP_DATA_CONV, channels, channels);
            }
            case Op.TransposeConv t -> {
                long channels = 4L * g.tensor(n.input(1)).shape().dim(0);
                yield Kernel.of(Struct.TRANSPOSE_CONV_PARAMS, Struct.OP_DATA_TRANSPOSE_CONV, channels, channels);
            }
            case Op.FullyConnected f -> {
                Tensor in = g.tensor(n.input(0));
                Quantization wq = g.tensor(n.input(1)).quant();
                boolean perChannel = !in.dtype().isFloat() && wq != null && wq.perChannel();
                yield perChannel
                        ? Kernel.of(Struct.FULLY_CONNECTED_PARAMS, Struct.OP_DATA_FULLY_CONNECTED, 4L * wq.channels(), 4L * wq.channels())
                        : Kernel.of(Struct.FULLY_CONNECTED_PARAMS, Struct.OP_DATA_FULLY_CONNECTED);
            }
            case Op.Pool2D p -> Kernel.of(Struct.POOL_PARAMS, Struct.OP_DATA_POOLING);
            case Op.Add a -> Kernel.of(Struct.ADD_PARAMS, Struct.OP_DATA_ADD);
            case Op.Sub s -> Kernel.of(Struct.SUB_PARAMS, Struct.OP_DATA_SUB);
            case Op.Mul m -> Kernel.of(Struct.MUL_PARAMS, Struct.OP_DATA_MUL);
            case Op.Concat c -> Kernel.of(Struct.CONCATENATION_PARAMS, Struct.OP_DATA_CONCATENATION);
            case Op.Reshape r -> Kernel.of(Struct.RESHAPE_PARAMS, null);
            case Op.Softmax s -> g.tensor(n.input(0)).dtype() == DType.I16
                    ? Kernel.of(Struct.SOFTMAX_PARAMS, Struct.OP_DATA_SOFTMAX, 2L * INT16_LUT_ENTRIES, 2L * INT16_LUT_ENTRIES)
                    : Kernel.of(Struct.SOFTMAX_PARAMS, Struct.OP_DATA_SOFTMAX);
            case Op.Relu r -> Kernel.of(null, Struct.OP_DATA_RELU);
            case Op.Relu6 r -> Kernel.of(null, Struct.OP_DATA_RELU6);
            case Op.Logistic l -> Kernel.of(null, Struct.OP_DATA_LOGISTIC);
            case Op.Tanh t -> Kernel.of(null, Struct.OP_DATA_TANH);
            case Op.LeakyRelu l -> Kernel.of(Struct.LEAKY_RELU_PARAMS, Struct.OP_DATA_LEAKY_RELU);
            case Op.Pad p -> Kernel.of(null, Struct.OP_DATA_PAD);
            case Op.Mean m -> Kernel.of(Struct.REDUCER_PARAMS, Struct.OP_DATA_REDUCE);
            case Op.Quantize q -> Kernel.of(null, Struct.OP_DATA_QUANTIZE);
            case Op.Dequantize d -> Kernel.of(null, Struct.OP_DATA_DEQUANTIZE);
            case Op.StridedSlice s -> Kernel.of(Struct.STRIDED_SLICE_PARAMS, Struct.OP_DATA_STRIDED_SLICE);
            case Op.Transpose t -> Kernel.of(null, null);
            case Op.Resize r -> Kernel.of(Struct.RESIZE_PARAMS, null);
            case Op.Svdf s -> Kernel.of(Struct.SVDF_PARAMS, Struct.OP_DATA_SVDF);
            case Op.UnidirectionalSequenceLstm l -> Kernel.of(Struct.UNIDIRECTIONAL_SEQUENCE_LSTM_PARAMS, Struct.OP_DATA_LSTM);
            case Op.BidirectionalSequenceLstm l -> UNMODELLED;
            case Op.BatchNorm b -> UNMODELLED;
            case Op.Dropout d -> UNMODELLED;
            case Op.Opaque o -> switch (o.name()) {
                case "SQUEEZE" -> Kernel.of(Struct.SQUEEZE_PARAMS, null);
                case "PADV2" -> Kernel.of(null, Struct.OP_DATA_PAD);
                case "SUM", "REDUCE_MAX", "REDUCE_MIN" -> Kernel.of(Struct.REDUCER_PARAMS, Struct.OP_DATA_REDUCE);
                default -> UNMODELLED;
            };
        };
    }

    /** The tail as it grows: each allocation ends at the lowest address aligned to its alignment below the previous one. */
    private static final class Tail {
        final TflmAbi abi;
        final List<Allocation> list = new ArrayList<>();
        long bytes;

        Tail(TflmAbi abi) { this.abi = abi; }

        void add(String what, Struct s) { add(what, abi.size(s), abi.alignment(s)); }

        void add(String what, long size, int alignment) {
            long next = alignUp(bytes + size, alignment);
            list.add(new Allocation(what, size, alignment, next - bytes));
            bytes = next;
        }
    }
}
