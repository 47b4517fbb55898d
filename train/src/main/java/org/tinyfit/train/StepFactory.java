package org.tinyfit.train;

import java.util.Arrays;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.kernels.ResizeKernel;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.runtime.kernels.KernelParams;

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
                if (w[3] <= 0 || x[3] % w[3] != 0 || w[0] % (x[3] / w[3]) != 0) {
                    throw new GraphException(where + ": the filter's " + w[3] + " input channels and " + w[0] + " outputs do not split the input's " + x[3] + " channels into equal groups");
                }
                ConvGeometry geo = ConvGeometry.of(x[1], x[2], x[3], w[1], w[2], w[0], c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.padding(), where);
                if (w[3] != x[3]) yield new GroupedConvStep(act(n, 0), weight(n, 1, true), bias(n, 2), n.output(0), geo, x[3] / w[3], c.act());
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
            case Op.TransposeConv t -> {
                Activations.check(t.act(), where);
                int[] x = dims(n, 2), w = shape(n.input(1)), y = shape(n.output(0));
                if (x.length != 4 || y.length != 4 || w.length != 4 || x[3] != w[3] || y[3] != w[0]) {
                    throw new GraphException(where + ": TRANSPOSE_CONV needs an input [N,H,W,I], a filter [O,KH,KW,I] and an output [N,H,W,O]; got " + g.tensor(n.input(2)).shape() + ", " + g.tensor(n.input(1)).shape() + ", " + g.tensor(n.output(0)).shape());
                }
                var geo = new TransposeConvStep.Geometry(x[1], x[2], x[3], y[1], y[2], y[3], w[1], w[2], t.strideH(), t.strideW(),
                        ShapeInference.padBefore(y[1], w[1], t.strideH(), 1, t.padding()), ShapeInference.padBefore(y[2], w[2], t.strideW(), 1, t.padding()));
                yield new TransposeConvStep(act(n, 2), weight(n, 1, true), bias(n, 3), n.output(0), geo, t.act());
            }
            case Op.Pad p -> {
                int[] x = dims(n, 0);
                int[] pads = ShapeInference.ints(g.tensor(n.input(1)));
                if (pads.length != 2 * x.length) throw new GraphException(where + ": paddings have " + pads.length + " values, expected " + 2 * x.length);
                if (pads[0] != 0 || pads[1] != 0) throw new GraphException(where + ": padding the batch axis cannot be trained");
                int r = x.length - 1;
                int[] in = new int[r], before = new int[r], after = new int[r];
                for (int d = 0; d < r; d++) { in[d] = x[d + 1]; before[d] = pads[2 * d + 2]; after[d] = pads[2 * d + 3]; }
                float fill = 0f;
                if (n.hasInput(2)) {
                    Tensor v = g.tensor(n.input(2));
                    if (!v.isConstant() || v.dtype() != DType.F32 || v.shape().elements() != 1) throw new GraphException(where + ": the pad value " + v.name() + " must be one float32 constant to be trained");
                    fill = TensorBytes.floats(v)[0];
                }
                yield new GatherStep(act(n, 0), n.output(0), GatherStep.pad(in, before, after), fill);
            }
            case Op.StridedSlice s -> {
                if (s.ellipsisMask() != 0 || s.newAxisMask() != 0) throw cannot(where, "STRIDED_SLICE", "ellipsis and new-axis masks are not supported");
                int[] x = dims(n, 0);
                int[] begin = ShapeInference.ints(g.tensor(n.input(1))), end = ShapeInference.ints(g.tensor(n.input(2))), stride = ShapeInference.ints(g.tensor(n.input(3)));
                int rank = x.length, lead = rank - begin.length;
                if (begin.length != end.length || end.length != stride.length || lead < 0) throw new GraphException(where + ": begin, end and strides have " + begin.length + ", " + end.length + " and " + stride.length + " values for an input of rank " + rank);
                int[] start = new int[rank], stop = new int[rank], step = new int[rank];
                for (int d = 0; d < rank; d++) {
                    int k = d - lead;
                    if (k < 0) { start[d] = 0; stop[d] = x[d]; step[d] = 1; continue; }
                    if (stride[k] == 0) throw new GraphException(where + ": stride 0 on axis " + d);
                    step[d] = stride[k];
                    start[d] = KernelParams.sliceStart(begin[k], stride[k], (s.beginMask() >> k & 1) != 0, x[d]);
                    stop[d] = KernelParams.sliceStop(end[k], stride[k], (s.endMask() >> k & 1) != 0, (s.shrinkAxisMask() >> k & 1) != 0, s.offset(), x[d], start[d]);
                }
                if (start[0] != 0 || step[0] != 1 || stop[0] != x[0] || lead == 0 && (s.shrinkAxisMask() & 1) != 0) throw new GraphException(where + ": a slice of the batch axis cannot be trained");
                yield new GatherStep(act(n, 0), n.output(0), GatherStep.slice(Arrays.copyOfRange(x, 1, rank), Arrays.copyOfRange(start, 1, rank), Arrays.copyOfRange(stop, 1, rank), Arrays.copyOfRange(step, 1, rank)), 0f);
            }
            case Op.Transpose t -> {
                int[] x = dims(n, 0);
                int[] perm = ShapeInference.ints(g.tensor(n.input(1)));
                if (perm.length != x.length || perm[0] != 0) throw cannot(where, "TRANSPOSE", "only permutations that keep the batch axis first can be trained");
                int[] inner = new int[x.length - 1];
                for (int d = 1; d < x.length; d++) inner[d - 1] = perm[d] - 1;
                yield new GatherStep(act(n, 0), n.output(0), GatherStep.transpose(Arrays.copyOfRange(x, 1, x.length), inner), 0f);
            }
            case Op.Resize r -> {
                if (r.mode() == Op.ResizeMode.BILINEAR) throw cannot(where, "RESIZE_BILINEAR", "the trainer has no interpolation step");
                int[] x = dims(n, 0), y = g.tensor(n.output(0)).shape().dims();
                int[] ys = new int[y[1]], xs = new int[y[2]];
                for (int i = 0; i < ys.length; i++) ys[i] = ResizeKernel.nearest(i, x[1], y[1], r.alignCorners(), r.halfPixelCenters());
                for (int i = 0; i < xs.length; i++) xs[i] = ResizeKernel.nearest(i, x[2], y[2], r.alignCorners(), r.halfPixelCenters());
                yield new GatherStep(act(n, 0), n.output(0), GatherStep.nearest(x[2], x[3], ys, xs), 0f);
            }
            case Op.Quantize q -> throw cannot(where, "QUANTIZE", "it works on integers; train the float model and quantize afterwards");
            case Op.Dequantize d -> throw cannot(where, "DEQUANTIZE", "it works on integers; train the float model and quantize afterwards");
            case Op.Svdf s -> throw cannot(where, "SVDF", "it keeps state across invocations, which this trainer does not model");
            case Op.UnidirectionalSequenceLstm l -> throw cannot(where, "UNIDIRECTIONAL_SEQUENCE_LSTM", "the trainer has no backward pass through time");
            case Op.BidirectionalSequenceLstm l -> throw cannot(where, "BIDIRECTIONAL_SEQUENCE_LSTM", "the trainer has no backward pass through time");
            case Op.Opaque o -> throw cannot(where, o.name(), "tinyfit does not know what it computes");
        };
    }

    private static GraphException cannot(String where, String kind, String why) {
        return new GraphException(where + ": " + kind + " cannot be trained: " + why);
    }

    private Step elementwise(Node n, ElementwiseStep.Kind kind, Op.Act act) {
        Activations.check(act, n.label());
        int a = n.input(0), b = n.input(1);
        int[] out = g.tensor(n.output(0)).shape().dims();
        boolean ac = g.tensor(a).isConstant(), bc = g.tensor(b).isConstant();
        int[] am = operandMap(n, 0, out), bm = operandMap(n, 1, out);
        if (ac) operandConstant(n, 0);
        else act(n, 0);
        if (bc) operandConstant(n, 1);
        else act(n, 1);
        return new ElementwiseStep(kind, a, b, n.output(0), ac, bc, am, bm, act);
    }

    /**
     * A constant operand of ADD, SUB or MUL: trained (a per-element or per-channel offset or scale)
     * unless it is a single value, which is kept fixed (the 3 and 1/6 of hard-swish, a division by a
     * number turned into a product).
     */
    private void operandConstant(Node n, int i) {
        if (g.tensor(n.input(i)).shape().elements() == 1) stats(n, i);
        else weight(n, i, false);
    }

    /** Input i's broadcast map onto the output's per-sample elements (null when it has the output's shape). */
    private int[] operandMap(Node n, int i, int[] out) {
        Tensor t = g.tensor(n.input(i));
        int[] d = t.shape().dims();
        int rank = out.length;
        if (d.length > rank) throw new GraphException(n.label() + ": input " + i + " " + t.shape() + " has a higher rank than the output " + g.tensor(n.output(0)).shape());
        if (!t.isConstant() && d.length != rank) {
            throw new GraphException(n.label() + ": " + n.op().kind() + " broadcasts activation " + t.shape() + " of a lower rank over " + g.tensor(n.output(0)).shape() + ", which would mix it across the batch; reshape it to the output's rank");
        }
        int[] aligned = new int[rank];
        for (int k = 0; k < rank; k++) aligned[k] = k < rank - d.length ? 1 : d[k - (rank - d.length)];
        if (t.isConstant() && aligned[0] != 1) throw new GraphException(n.label() + ": constant input " + i + " " + t.shape() + " has a batch dimension of " + aligned[0] + "; training needs 1 there");
        for (int k = 1; k < rank; k++) {
            if (aligned[k] != 1 && aligned[k] != out[k]) throw new GraphException(n.label() + ": input " + i + " " + t.shape() + " does not broadcast to " + g.tensor(n.output(0)).shape());
        }
        return ElementwiseStep.broadcastMap(Arrays.copyOfRange(aligned, 1, rank), Arrays.copyOfRange(out, 1, rank));
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
        else if (old.trainable != trainable) throw new GraphException(n.label() + ": tensor " + t + " (" + tensor.name() + ") is used both as a trained value and as a fixed one (running statistics, a single-value operand)");
        return t;
    }

    private int[] dims(Node n, int i) { return g.tensor(act(n, i)).shape().dims(); }

    private int[] shape(int t) { return g.tensor(t).shape().dims(); }

    private int lastDim(int t) { return g.tensor(t).shape().dim(-1); }
}
