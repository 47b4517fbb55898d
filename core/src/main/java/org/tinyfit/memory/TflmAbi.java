package org.tinyfit.memory;

/**
 * The machine TFLite Micro is compiled for, as far as the persistent part of its arena depends on it:
 * the size and alignment of each structure the allocator and the reference kernels place there.
 *
 * <p>The figures are {@code sizeof} and {@code alignof} of TFLite Micro's own types at commit
 * {@code 90b983c2b3f1480642e040bbd2ddb37b998f3424} with {@code TF_LITE_STATIC_MEMORY} defined (as every
 * TFLite Micro build does), printed by a compiler for each target:
 * <ul>
 *   <li>{@link #HOST_64}: g++ 12.2 for x86-64 (8-byte pointers, 4-byte enums): TFLite Micro's host build,
 *       the one tinyfit's measurements of whole arenas were made with;</li>
 *   <li>{@link #CORTEX_M}: arm-none-eabi-g++ 12.2, {@code -mcpu=cortex-m4 -mthumb} (4-byte pointers; enums
 *       as small as their values, that toolchain's default): an application built with TFLite Micro's
 *       Cortex-M makefiles;</li>
 *   <li>{@link #ILP32}: the same compiler with {@code -fno-short-enums} (4-byte pointers and enums), which
 *       is how the 32-bit RISC-V and Xtensa toolchains lay out these types.</li>
 * </ul>
 */
public enum TflmAbi {
    HOST_64("64-bit host build (x86-64)"),
    CORTEX_M("32-bit Cortex-M build (arm-none-eabi-gcc)"),
    ILP32("32-bit build with 4-byte enums (RISC-V, Xtensa)");

    private final String description;

    TflmAbi(String description) { this.description = description; }

    public String description() { return description; }

    /** A structure's size on this target. */
    public long size(Struct s) {
        return switch (this) {
            case HOST_64 -> s.hostSize;
            case CORTEX_M -> s.armSize;
            case ILP32 -> s.ilp32Size;
        };
    }

    /** A structure's alignment on this target. */
    public int alignment(Struct s) {
        return switch (this) {
            case HOST_64 -> s.hostAlign;
            case CORTEX_M -> s.armAlign;
            case ILP32 -> s.ilp32Align;
        };
    }

    /** Bytes of a pointer. */
    public int pointerBytes() { return this == HOST_64 ? 8 : 4; }

    /** The target a core's TFLite Micro build has. */
    public static TflmAbi of(org.tinyfit.device.Core core) {
        return switch (core) {
            case CORTEX_M0_PLUS, CORTEX_M3, CORTEX_M4, CORTEX_M4F, CORTEX_M7, CORTEX_M33, CORTEX_M55 -> CORTEX_M;
            case XTENSA_LX6, XTENSA_LX7, RISCV32 -> ILP32;
        };
    }

    /** The structures in the tail: size and alignment on the host, on Cortex-M, and on {@link #ILP32}. */
    public enum Struct {
        // The allocator's own objects (micro_allocator.cc, single_arena_buffer_allocator.cc).
        SINGLE_ARENA_BUFFER_ALLOCATOR(72, 8, 36, 4, 36, 4),
        GREEDY_MEMORY_PLANNER(72, 8, 44, 4, 44, 4),
        MICRO_ALLOCATOR(72, 8, 36, 4, 36, 4),
        /** MicroBuiltinDataAllocator: a vtable pointer and the persistent allocator's pointer. */
        BUILTIN_DATA_ALLOCATOR(16, 8, 8, 4, 8, 4),
        SUBGRAPH_ALLOCATIONS(16, 8, 8, 4, 8, 4),
        EVAL_TENSOR(24, 8, 12, 4, 12, 4),
        NODE_AND_REGISTRATION(64, 8, 32, 4, 32, 4),
        TFLITE_TENSOR(64, 8, 32, 4, 40, 4),
        AFFINE_QUANTIZATION(24, 8, 12, 4, 12, 4),
        SCRATCH_BUFFER_HANDLE(8, 8, 4, 4, 4, 4),
        // Temporary data while the model is prepared and planned (in the free middle of the arena).
        SCRATCH_BUFFER_REQUEST(16, 8, 12, 4, 12, 4),
        SIZE_T(8, 8, 4, 4, 4, 4),
        ALLOCATION_INFO(32, 8, 24, 4, 24, 4),
        // Builtin options as the flatbuffer parser stores them (builtin_op_data.h).
        CONV_PARAMS(28, 4, 28, 4, 28, 4),
        DEPTHWISE_CONV_PARAMS(28, 4, 28, 4, 28, 4),
        TRANSPOSE_CONV_PARAMS(20, 4, 16, 4, 20, 4),
        FULLY_CONNECTED_PARAMS(16, 4, 5, 1, 16, 4),
        POOL_PARAMS(40, 4, 40, 4, 40, 4),
        SOFTMAX_PARAMS(4, 4, 4, 4, 4, 4),
        RESHAPE_PARAMS(36, 4, 36, 4, 36, 4),
        ADD_PARAMS(8, 4, 2, 1, 8, 4),
        SUB_PARAMS(8, 4, 2, 1, 8, 4),
        MUL_PARAMS(4, 4, 1, 1, 4, 4),
        CONCATENATION_PARAMS(8, 4, 8, 4, 8, 4),
        LEAKY_RELU_PARAMS(4, 4, 4, 4, 4, 4),
        REDUCER_PARAMS(1, 1, 1, 1, 1, 1),
        SQUEEZE_PARAMS(36, 4, 36, 4, 36, 4),
        STRIDED_SLICE_PARAMS(24, 4, 24, 4, 24, 4),
        SVDF_PARAMS(12, 4, 8, 4, 12, 4),
        UNIDIRECTIONAL_SEQUENCE_LSTM_PARAMS(16, 4, 16, 4, 16, 4),
        /** TfLiteResizeBilinearParams and TfLiteResizeNearestNeighborParams: align_corners, half_pixel_centers. */
        RESIZE_PARAMS(2, 1, 2, 1, 2, 1),
        // Reference kernels' op data (what each kernel's Init allocates).
        OP_DATA_CONV(72, 8, 56, 4, 56, 4),
        OP_DATA_TRANSPOSE_CONV(80, 8, 72, 4, 72, 4),
        OP_DATA_FULLY_CONNECTED(64, 8, 48, 4, 48, 4),
        OP_DATA_POOLING(32, 4, 32, 4, 32, 4),
        OP_DATA_SOFTMAX(80, 8, 56, 8, 56, 8),
        OP_DATA_ADD(60, 4, 60, 4, 60, 4),
        OP_DATA_SUB(52, 4, 52, 4, 52, 4),
        OP_DATA_MUL(36, 4, 36, 4, 36, 4),
        OP_DATA_CONCATENATION(40, 8, 24, 4, 24, 4),
        OP_DATA_RELU(28, 4, 28, 4, 28, 4),
        OP_DATA_RELU6(8, 4, 8, 4, 8, 4),
        OP_DATA_LOGISTIC(16, 4, 16, 4, 16, 4),
        OP_DATA_TANH(16, 4, 16, 4, 16, 4),
        OP_DATA_LEAKY_RELU(24, 4, 24, 4, 24, 4),
        OP_DATA_PAD(56, 4, 56, 4, 56, 4),
        OP_DATA_REDUCE(44, 4, 44, 4, 44, 4),
        OP_DATA_QUANTIZE(32, 8, 32, 8, 32, 8),
        OP_DATA_DEQUANTIZE(32, 8, 32, 8, 32, 8),
        OP_DATA_STRIDED_SLICE(84, 4, 84, 4, 84, 4),
        OP_DATA_SVDF(36, 4, 36, 4, 36, 4),
        /** OpDataLSTM (lstm_shared.h): sizes, cell-state info, four gates' two FullyConnectedParams, three ArithmeticParams, four scratch indices. */
        OP_DATA_LSTM(688, 8, 688, 8, 688, 8);

        final int hostSize, hostAlign, armSize, armAlign, ilp32Size, ilp32Align;

        Struct(int hostSize, int hostAlign, int armSize, int armAlign, int ilp32Size, int ilp32Align) {
            this.hostSize = hostSize;
            this.hostAlign = hostAlign;
            this.armSize = armSize;
            this.armAlign = armAlign;
            this.ilp32Size = ilp32Size;
            this.ilp32Align = ilp32Align;
        }
    }
}
