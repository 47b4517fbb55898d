package org.tinyfit.runtime;

import org.tinyfit.graph.Op;
import org.tinyfit.runtime.kernels.ActivationKernel;
import org.tinyfit.runtime.kernels.BatchNormKernel;
import org.tinyfit.runtime.kernels.BinaryKernel;
import org.tinyfit.runtime.kernels.ConcatKernel;
import org.tinyfit.runtime.kernels.Conv2DKernel;
import org.tinyfit.runtime.kernels.CopyKernel;
import org.tinyfit.runtime.kernels.DepthwiseConv2DKernel;
import org.tinyfit.runtime.kernels.FullyConnectedKernel;
import org.tinyfit.runtime.kernels.LstmKernel;
import org.tinyfit.runtime.kernels.MeanKernel;
import org.tinyfit.runtime.kernels.PadKernel;
import org.tinyfit.runtime.kernels.PoolKernel;
import org.tinyfit.runtime.kernels.QuantizeKernel;
import org.tinyfit.runtime.kernels.SoftmaxKernel;
import org.tinyfit.runtime.kernels.ResizeKernel;
import org.tinyfit.runtime.kernels.StridedSliceKernel;
import org.tinyfit.runtime.kernels.TransposeKernel;
import org.tinyfit.runtime.kernels.TransposeConvKernel;
import org.tinyfit.runtime.kernels.fast.FastBinary;
import org.tinyfit.runtime.kernels.fast.FastConv;
import org.tinyfit.runtime.kernels.fast.FastDepthwiseConv;
import org.tinyfit.runtime.kernels.fast.FastFullyConnected;

/**
 * The runtime's own kernels (float and int8), one per op kind: the reference kernels of {@code
 * kernels}, or, when asked for fast ones, those of {@code kernels.fast} where one exists (the same
 * bytes, tested against the reference).
 */
public final class BuiltinKernels {
    private BuiltinKernels() {}

    /** The kernel for {@code op}; {@code fast} picks the optimized version where one exists (same results). */
    public static Kernel forOp(Op op, boolean fast) { return forOp(op, fast, false); }

    /**
     * {@code inPlace}: the node's output shares its bytes with its input (a per-channel op then runs
     * one channel at a time; element-wise kernels are in-place safe as they are).
     */
    public static Kernel forOp(Op op, boolean fast, boolean inPlace) {
        return switch (op) {
            case Op.Conv2D c -> inPlace ? new Conv2DKernel(true) : fast ? new FastConv() : new Conv2DKernel();
            case Op.DepthwiseConv2D d -> fast && !inPlace ? new FastDepthwiseConv() : new DepthwiseConv2DKernel(inPlace);
            case Op.TransposeConv t -> new TransposeConvKernel();
            case Op.FullyConnected f -> fast ? new FastFullyConnected() : new FullyConnectedKernel();
            case Op.Pool2D p -> new PoolKernel(inPlace);
            case Op.Add a -> binary(BinaryKernel.Kind.ADD, a.act(), fast);
            case Op.Sub s -> binary(BinaryKernel.Kind.SUB, s.act(), fast);
            case Op.Mul m -> binary(BinaryKernel.Kind.MUL, m.act(), fast);
            case Op.Concat c -> new ConcatKernel();
            case Op.Reshape r -> new CopyKernel();
            case Op.Softmax s -> new SoftmaxKernel();
            case Op.Relu r -> new ActivationKernel(ActivationKernel.Kind.RELU, 0f);
            case Op.Relu6 r -> new ActivationKernel(ActivationKernel.Kind.RELU6, 0f);
            case Op.Logistic l -> new ActivationKernel(ActivationKernel.Kind.LOGISTIC, 0f);
            case Op.Tanh t -> new ActivationKernel(ActivationKernel.Kind.TANH, 0f);
            case Op.LeakyRelu l -> new ActivationKernel(ActivationKernel.Kind.LEAKY_RELU, l.alpha());
            case Op.Pad p -> new PadKernel();
            case Op.Mean m -> new MeanKernel();
            case Op.Quantize q -> new QuantizeKernel(false);
            case Op.Dequantize d -> new QuantizeKernel(true);
            case Op.BatchNorm b -> new BatchNormKernel();
            case Op.Dropout d -> new CopyKernel();
            case Op.StridedSlice s -> new StridedSliceKernel();
            case Op.Transpose t -> new TransposeKernel();
            case Op.Resize r -> new ResizeKernel();
            case Op.Svdf s -> unsupported("only integer SVDF with an int8 input runs, on the kernels of org.tinyfit.runtime.int16");
            case Op.UnidirectionalSequenceLstm l -> new LstmKernel();
            case Op.BidirectionalSequenceLstm l -> unsupported("BIDIRECTIONAL_SEQUENCE_LSTM has no TFLite Micro kernel to be bit-exact with");
            case Op.Opaque o -> unsupported(null);
        };
    }

    private static Kernel binary(BinaryKernel.Kind kind, Op.Act act, boolean fast) {
        return fast ? new FastBinary(kind, act) : new BinaryKernel(kind, act);
    }

    private static Kernel unsupported(String why) {
        return (node, graph) -> {
            throw KernelSupport.fail(node, "not supported by tinyfit's runtime" + (why == null ? "" : " (" + why + ")"));
        };
    }
}
