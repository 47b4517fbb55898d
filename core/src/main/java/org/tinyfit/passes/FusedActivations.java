package org.tinyfit.passes;

import org.tinyfit.graph.Op;

/** What the passes need to know about fused activations, op by op. */
final class FusedActivations {
    private FusedActivations() {}

    /**
     * The fused activation that an op standing alone computes (ReLU, ReLU6), or NONE. Not Tanh or
     * Logistic: TFLite's kernels ignore a fused TANH, so fusing one would change what runs.
     */
    static Op.Act asFused(Op op) {
        return switch (op) {
            case Op.Relu r -> Op.Act.RELU;
            case Op.Relu6 r -> Op.Act.RELU6;
            case Op.Conv2D c -> Op.Act.NONE;
            case Op.DepthwiseConv2D d -> Op.Act.NONE;
            case Op.TransposeConv t -> Op.Act.NONE;
            case Op.FullyConnected f -> Op.Act.NONE;
            case Op.Pool2D p -> Op.Act.NONE;
            case Op.Add a -> Op.Act.NONE;
            case Op.Sub s -> Op.Act.NONE;
            case Op.Mul m -> Op.Act.NONE;
            case Op.Concat c -> Op.Act.NONE;
            case Op.Reshape r -> Op.Act.NONE;
            case Op.Softmax s -> Op.Act.NONE;
            case Op.Logistic l -> Op.Act.NONE;
            case Op.Tanh t -> Op.Act.NONE;
            case Op.LeakyRelu l -> Op.Act.NONE;
            case Op.Pad p -> Op.Act.NONE;
            case Op.Mean m -> Op.Act.NONE;
            case Op.Quantize q -> Op.Act.NONE;
            case Op.Dequantize d -> Op.Act.NONE;
            case Op.BatchNorm b -> Op.Act.NONE;
            case Op.Dropout d -> Op.Act.NONE;
            case Op.StridedSlice s -> Op.Act.NONE;
            case Op.Transpose t -> Op.Act.NONE;
            case Op.Resize r -> Op.Act.NONE;
            case Op.Svdf s -> Op.Act.NONE;
            case Op.UnidirectionalSequenceLstm s -> Op.Act.NONE;
            case Op.BidirectionalSequenceLstm s -> Op.Act.NONE;
            case Op.Opaque o -> Op.Act.NONE;
        };
    }

    /** The op with its fused activation set to {@code act}; an op kind that has none cannot take one. */
    static Op with(Op op, Op.Act act) {
        return switch (op) {
            case Op.Conv2D c -> new Op.Conv2D(c.padding(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), act);
            case Op.DepthwiseConv2D d -> new Op.DepthwiseConv2D(d.padding(), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.depthMultiplier(), act);
            case Op.TransposeConv t -> new Op.TransposeConv(t.padding(), t.strideH(), t.strideW(), act);
            case Op.FullyConnected f -> new Op.FullyConnected(act, f.keepNumDims());
            case Op.Pool2D p -> new Op.Pool2D(p.pool(), p.padding(), p.strideH(), p.strideW(), p.filterH(), p.filterW(), act);
            case Op.Add a -> new Op.Add(act);
            case Op.Sub s -> new Op.Sub(act);
            case Op.Mul m -> new Op.Mul(act);
            case Op.Concat c -> new Op.Concat(c.axis(), act);
            case Op.Svdf s -> new Op.Svdf(s.rank(), act);
            case Op.UnidirectionalSequenceLstm l -> throw none(op);
            case Op.BidirectionalSequenceLstm l -> throw none(op);
            case Op.Reshape r -> throw none(op);
            case Op.Softmax s -> throw none(op);
            case Op.Relu r -> throw none(op);
            case Op.Relu6 r -> throw none(op);
            case Op.Logistic l -> throw none(op);
            case Op.Tanh t -> throw none(op);
            case Op.LeakyRelu l -> throw none(op);
            case Op.Pad p -> throw none(op);
            case Op.Mean m -> throw none(op);
            case Op.Quantize q -> throw none(op);
            case Op.Dequantize d -> throw none(op);
            case Op.BatchNorm b -> throw none(op);
            case Op.Dropout d -> throw none(op);
            case Op.StridedSlice s -> throw none(op);
            case Op.Transpose t -> throw none(op);
            case Op.Resize r -> throw none(op);
            case Op.Opaque o -> throw none(op);
        };
    }

    private static IllegalArgumentException none(Op op) {
        return new IllegalArgumentException(op.kind() + " has no fused activation");
    }
}
