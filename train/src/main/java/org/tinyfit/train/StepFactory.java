package org.tinyfit.train;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/** Builds the {@link Step} for each node (exhaustive over {@link Op}) and registers the float constants it reads as params. */
final class StepFactory {
    private final Graph g;
    private final Ctx ctx;

    StepFactory(Graph g, Ctx ctx) { this.g = g; this.ctx = ctx; }

    Step build(Node n) {
        String where = n.label();
        return switch (n.op()) {
            case Op.Conv2D c -> {
                Activations.check(c.act(), where);
                int[] x = dims(n, 0), w = shape(n.input(1));
                if (w[3] != x[3]) throw new GraphException(where + ": grouped convolution (filter has " + w[3] + " input channels, input " + x[3] + ") cannot be trained yet; use groups of 1");
                ConvGeometry geo = ConvGeometry.of(x[1], x[2], x[3], w[1], w[2], w[0], c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.padding(), where);
                yield new ConvStep(act(n, 0), weight(n, 1, true), bias(n, 2), n.output(0), geo, c.act());
            }
            case Op.DepthwiseConv2D d -> {
                Activations.check(d.act(), where);
                int[] x = dims(n, 0), w = shape(n.input(1));
                int m = w[3] / x[3];
                ConvGeometry geo = ConvGeometry.of(x[1], x[2], x[3], w[1], w[2], w[3], d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), d.padding(), where);
                yield new DepthwiseStep(act(n, 0), weight(n, 1, true), bias(n, 2), n.output(0), geo, m, d.act());
            }
            case Op.FullyConnected fc -> {
                Activations.check(fc.act(), where);
                int[] w = shape(n.input(1));
                yield new DenseStep(act(n, 0), weight(n, 1, true), bias(n, 2), n.output(0), w[1], w[0], fc.act());
            }
            case Op.Pool2D p -> {
                Activations.check(p.act(), where);
                int[] x = dims(n, 0);
                ConvGeometry geo = ConvGeometry.of(x[1], x[2], x[3], p.filterH(), p.filterW(), x[3], p.strideH(), p.strideW(), 1, 1, p.padding(), where);
                yield new PoolStep(act(n, 0), n.output(0), geo, p.pool() == Op.PoolKind.MAX, p.act());
            }
            case Op.Add a -> elementwise(n, ElementwiseStep.Kind.ADD, a.act());
            case Op.Sub s -> elementwise(n, ElementwiseStep.Kind.SUB, s.act());
            case Op.Mul m -> elementwise(n, ElementwiseStep.Kind.MUL, m.act());
            case Op.Concat c -> {
                if (c.act() != Op.Act.NONE) throw new GraphException(where + ": a fused activation on CONCATENATION cannot be trained; use a separate activation op");
                int[] x = dims(n, 0);
                int axis = c.axis() < 0 ? c.axis() + x.length : c.axis();
                if (axis == 0) throw new GraphException(where + ": concatenation along the batch axis cannot be trained");
                int outer = 1;
                for (int d = 1; d < axis; d++) outer *= x[d];
                int[] ins = new int[n.inputCount()], inner = new int[n.inputCount()];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = act(n, i);
                    inner[i] = ctx.per[ins[i]] / outer;
                }
                yield new ConcatStep(ins, n.output(0), outer, inner);
            }
            case Op.Reshape r -> new ReshapeStep(act(n, 0), n.output(0));
            case Op.Softmax s -> new SoftmaxStep(act(n, 0), n.output(0), lastDim(n.output(0)), s.beta());
            case Op.Relu r -> new UnaryStep(UnaryStep.Kind.RELU, act(n, 0), n.output(0), 0f);
            case Op.Relu6 r -> new UnaryStep(UnaryStep.Kind.RELU6, act(n, 0), n.output(0), 0f);
            case Op.Logistic l -> new UnaryStep(UnaryStep.Kind.LOGISTIC, act(n, 0), n.output(0), 0f);
            case Op.Tanh t -> new UnaryStep(UnaryStep.Kind.TANH, act(n, 0), n.output(0), 0f);
            case Op.LeakyRelu l -> new UnaryStep(UnaryStep.Kind.LEAKY_RELU, act(n, 0), n.output(0), l.alpha());
            case Op.Mean m -> {
                int[] x = dims(n, 0);
                boolean[] reduce = new boolean[x.length];
                for (int a : ShapeInference.ints(g.tensor(n.input(1)))) {
                    int ax = a < 0 ? a + x.length : a;
                    if (ax == 0) throw new GraphException(where + ": a mean over the batch axis cannot be trained");
                    reduce[ax] = true;
                }
                yield new MeanStep(act(n, 0), n.output(0), MeanStep.outIndex(x, reduce), ctx.per[n.output(0)]);
            }
            case Op.BatchNorm b -> {
                int ch = lastDim(n.input(0));
                yield new BatchNormStep(act(n, 0), weight(n, 1, false), weight(n, 2, false), stats(n, 3), stats(n, 4), n.output(0), ch, b.epsilon(), b.momentum());
            }
            case Op.Dropout d -> new DropoutStep(act(n, 0), n.output(0), n.id(), d.rate());
            case Op.TransposeConv t -> throw cannot(where, "TRANSPOSE_CONV", "its backward pass is not written yet");
            case Op.Pad p -> throw cannot(where, "PAD", "its backward pass is not written yet; use SAME padding on the convolution instead");
            case Op.StridedSlice s -> throw cannot(where, "STRIDED_SLICE", "its backward pass is not written yet");
            case Op.Quantize q -> throw cannot(where, "QUANTIZE", "it works on integers; train the float model and quantize afterwards");
            case Op.Dequantize d -> throw cannot(where, "DEQUANTIZE", "it works on integers; train the float model and quantize afterwards");
            case Op.Svdf s -> throw cannot(where, "SVDF", "it keeps state across invocations, which this trainer does not model");
            case Op.Opaque o -> throw cannot(where, o.name(), "tinyfit does not know what it computes");
        };
    }

    private static GraphException cannot(String where, String kind, String why) {
        return new GraphException(where + ": " + kind + " cannot be trained: " + why);
    }

    private Step elementwise(Node n, ElementwiseStep.Kind kind, Op.Act act) {
        Activations.check(act, n.label());
        int a = n.input(0), b = n.input(1);
        int per = ctx.per[n.output(0)];
        boolean ac = g.tensor(a).isConstant(), bc = g.tensor(b).isConstant();
        int sa = ac ? g.tensor(a).shape().elements() : ctx.per[a], sb = bc ? g.tensor(b).shape().elements() : ctx.per[b];
        if (sa != per || sb != per) {
            throw new GraphException(n.label() + ": " + n.op().kind() + " with broadcasting (" + g.tensor(a).shape() + " and " + g.tensor(b).shape() + ") cannot be trained yet; give both inputs the same shape");
        }
        if (ac) weight(n, 0, false);
        else act(n, 0);
        if (bc) weight(n, 1, false);
        else act(n, 1);
        return new ElementwiseStep(kind, a, b, n.output(0), ac, bc, act);
    }

    /** Input i must be an activation; returns its tensor id. */
    private int act(Node n, int i) {
        int t = n.input(i);
        if (t < 0) throw new GraphException(n.label() + ": input " + i + " is missing");
        if (g.tensor(t).isConstant()) throw new GraphException(n.label() + ": input " + i + " is a constant; training expects an activation there");
        return t;
    }

    /** Input i must be a float constant: registers it as a trainable param. */
    private int weight(Node n, int i, boolean decay) { return register(n, i, true, decay); }

    /** Input i must be a float constant: registers it as running statistics. */
    private int stats(Node n, int i) { return register(n, i, false, false); }

    private int bias(Node n, int i) { return n.hasInput(i) ? register(n, i, true, false) : -1; }

    private int register(Node n, int i, boolean trainable, boolean decay) {
        int t = n.input(i);
        if (t < 0) throw new GraphException(n.label() + ": input " + i + " is missing");
        Tensor tensor = g.tensor(t);
        if (!tensor.isConstant() || tensor.dtype() != DType.F32) {
            throw new GraphException(n.label() + ": input " + i + " (" + tensor.name() + ") is " + (tensor.isConstant() ? tensor.dtype().lower() : "computed at run time") + "; training needs a float32 constant there");
        }
        Param old = ctx.params[t];
        if (old == null) ctx.params[t] = new Param(t, tensor.name(), TensorBytes.floats(tensor), trainable, decay);
        else if (old.trainable != trainable) throw new GraphException(n.label() + ": tensor " + t + " (" + tensor.name() + ") is used both as a trained weight and as running statistics");
        return t;
    }

    private int[] dims(Node n, int i) { return g.tensor(act(n, i)).shape().dims(); }

    private int[] shape(int t) { return g.tensor(t).shape().dims(); }

    private int lastDim(int t) { return g.tensor(t).shape().dim(-1); }
}
