package org.tinyfit.runtime.int16;

import java.nio.ByteBuffer;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/**
 * The entry point for an interpreter: which nodes run on the 16-bit-activation kernels
 * ({@link #handles}), and a prepared kernel for one node ({@link #prepare}). Prepare computes every
 * fixed-point parameter once from the tensors' quantization and constants, as TFLite Micro's Prepare
 * does; the returned kernel then reads and writes tensors through {@link Tensors}.
 */
public final class Int16Kernels {
    private Int16Kernels() {}

    /** Where a running kernel finds a tensor's bytes (little-endian; constants included). */
    @FunctionalInterface
    public interface Tensors {
        /** A buffer whose index 0 is the tensor's first byte, holding at least the tensor's bytes. */
        ByteBuffer bytes(int tensorId);
    }

    /**
     * Which implementation to be bit-exact with. They differ only where TFLite Micro computes a
     * parameter in float and TFLite in double (int16 SUB's rescale factors).
     */
    public enum Reference { TFLITE_MICRO, TFLITE }

    /** A node ready to run. */
    @FunctionalInterface
    public interface Kernel {
        void invoke(Tensors tensors);
    }

    /**
     * True for the nodes these kernels run: ADD, SUB, MUL, LEAKY_RELU, PAD, STRIDED_SLICE,
     * AVERAGE_POOL_2D, MAX_POOL_2D, MEAN and SOFTMAX with int16 tensors; CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV with int16 input and
     * int8 weights; QUANTIZE with an int16
     * input or output, or int32 to int8; integer SVDF (int8 input).
     */
    public static boolean handles(Node node, Graph graph) {
        DType in = node.hasInput(0) ? graph.tensor(node.input(0)).dtype() : DType.UNKNOWN;
        DType out = graph.tensor(node.output(0)).dtype();
        return switch (node.op()) {
            case Op.Add a -> out == DType.I16;
            case Op.Sub s -> out == DType.I16;
            case Op.LeakyRelu l -> out == DType.I16;
            case Op.Pad p -> out == DType.I16;
            case Op.StridedSlice s -> out == DType.I16;
            case Op.Transpose t -> false;
            case Op.Resize r -> false;
            case Op.Conv2D c -> in == DType.I16;
            case Op.TransposeConv t -> node.hasInput(2) && graph.tensor(node.input(2)).dtype() == DType.I16;
            case Op.Quantize q -> in == DType.I16 || out == DType.I16 || (in == DType.I32 && out == DType.I8);
            case Op.Svdf s -> in == DType.I8;
            case Op.UnidirectionalSequenceLstm s -> false;
            case Op.BidirectionalSequenceLstm s -> false;
            case Op.DepthwiseConv2D d -> in == DType.I16;
            case Op.FullyConnected f -> in == DType.I16;
            case Op.Pool2D p -> out == DType.I16;
            case Op.Mul m -> out == DType.I16;
            case Op.Concat c -> false;
            case Op.Reshape r -> false;
            case Op.Softmax s -> in == DType.I16;
            case Op.Relu r -> false;
            case Op.Relu6 r -> false;
            case Op.Logistic l -> false;
            case Op.Tanh t -> false;
            case Op.Mean m -> out == DType.I16;
            case Op.Dequantize d -> false;
            case Op.BatchNorm b -> false;
            case Op.Dropout d -> false;
            case Op.Opaque o -> false;
        };
    }

    /** Prepares {@code node} bit-exact with TFLite Micro; fails with a message naming the node when it is not one {@link #handles} accepts. */
    public static Kernel prepare(Node node, Graph graph) {
        return prepare(node, graph, Reference.TFLITE_MICRO);
    }

    /** Prepares {@code node} bit-exact with {@code reference}. */
    public static Kernel prepare(Node node, Graph graph, Reference reference) {
        if (!handles(node, graph)) {
            throw new IllegalArgumentException(node.label() + ": not a 16-bit-activation node (input "
                    + graph.tensor(node.input(0)).describe() + ")");
        }
        try {
            return switch (node.op()) {
                case Op.Add a -> addSub(node, graph, a.act(), false, reference);
                case Op.Sub s -> addSub(node, graph, s.act(), true, reference);
                case Op.LeakyRelu l -> leakyRelu(node, graph, l);
                case Op.Pad p -> pad(node, graph);
                case Op.StridedSlice s -> stridedSlice(node, graph, s);
                case Op.Transpose t -> unreachable(node);
                case Op.Resize r -> unreachable(node);
                case Op.Conv2D c -> conv(node, graph, c);
                case Op.TransposeConv t -> transposeConv(node, graph, t);
                case Op.Quantize q -> quantize(node, graph);
                case Op.Svdf s -> svdf(node, graph, s);
                case Op.UnidirectionalSequenceLstm l -> unreachable(node);
                case Op.BidirectionalSequenceLstm l -> unreachable(node);
                case Op.DepthwiseConv2D d -> depthwise(node, graph, d);
                case Op.FullyConnected f -> fullyConnected(node, graph, f);
                case Op.Pool2D p -> pool(node, graph, p);
                case Op.Mul m -> mul(node, graph, m);
                case Op.Concat c -> unreachable(node);
                case Op.Reshape r -> unreachable(node);
                case Op.Softmax s -> softmax(node, graph, s);
                case Op.Relu r -> unreachable(node);
                case Op.Relu6 r -> unreachable(node);
                case Op.Logistic l -> unreachable(node);
                case Op.Tanh t -> unreachable(node);
                case Op.Mean m -> mean(node, graph);
                case Op.Dequantize d -> unreachable(node);
                case Op.BatchNorm b -> unreachable(node);
                case Op.Dropout d -> unreachable(node);
                case Op.Opaque o -> unreachable(node);
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(node.label() + ": " + e.getMessage(), e);
        }
    }

    private static Kernel unreachable(Node node) {
        throw new IllegalStateException(node.label() + " is not handled by the int16 kernels");
    }

    private static Kernel addSub(Node node, Graph g, Op.Act act, boolean subtract, Reference reference) {
        Tensor a = g.tensor(node.input(0));
        Tensor b = g.tensor(node.input(1));
        Tensor o = g.tensor(node.output(0));
        Quantization qa = quant(a, node), qb = quant(b, node), qo = quant(o, node);
        float sa1 = qa.scale(), sb1 = qb.scale(), so = qo.scale();
        int za = (int) qa.zeroPoint(), zb = (int) qb.zeroPoint(), zo = (int) qo.zeroPoint();
        AddSubInt16.Params p = !subtract ? AddSubInt16.prepareAdd(sa1, za, sb1, zb, so, zo, act)
                : reference == Reference.TFLITE ? AddSubInt16.prepareSubAsTflite(sa1, za, sb1, zb, so, zo, act)
                : AddSubInt16.prepareSub(sa1, za, sb1, zb, so, zo, act);
        return broadcasting(a, b, o, (x, xShape, y, yShape, out) -> AddSubInt16.run(x, xShape, y, yShape, out, p));
    }

    private static Kernel mul(Node node, Graph g, Op.Mul op) {
        Tensor a = g.tensor(node.input(0));
        Tensor b = g.tensor(node.input(1));
        Tensor o = g.tensor(node.output(0));
        if (a.dtype() != DType.I16 || b.dtype() != DType.I16) {
            throw new IllegalArgumentException("int16 MUL needs int16 inputs, got " + a.dtype().lower() + " and " + b.dtype().lower());
        }
        Quantization qa = quant(a, node), qb = quant(b, node), qo = quant(o, node);
        MulInt16.Params p = MulInt16.prepare(qa.scale(), (int) qa.zeroPoint(), qb.scale(), (int) qb.zeroPoint(), qo.scale(),
                (int) qo.zeroPoint(), op.act());
        return broadcasting(a, b, o, (x, xShape, y, yShape, out) -> MulInt16.run(x, xShape, y, yShape, out, p));
    }

    private static Kernel pool(Node node, Graph g, Op.Pool2D op) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        if (in.dtype() != DType.I16 || in.shape().rank() != 4 || o.shape().rank() != 4) {
            throw new IllegalArgumentException("int16 pooling needs 4-D int16 tensors, got " + in.describe() + " -> " + o.describe());
        }
        Quantization qo = quant(o, node);
        int[] is = in.shape().dims(), os = o.shape().dims();
        PoolInt16.Params p = PoolInt16.prepare(op, is[1], is[2], qo.scale(), (int) qo.zeroPoint());
        int n = in.shape().elements(), no = o.shape().elements(), ii = in.id(), io = o.id();
        return shortsToShorts(ii, n, io, no, (x, out) -> PoolInt16.run(x, is, out, os, p));
    }

    private static Kernel mean(Node node, Graph g) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        if (in.dtype() != DType.I16) throw new IllegalArgumentException("int16 MEAN needs an int16 input, got " + in.dtype().lower());
        Quantization qi = quant(in, node), qo = quant(o, node);
        int[] is = in.shape().dims();
        MeanInt16.Params p = MeanInt16.prepare(is, TensorBytes.constInts(constant(g, node, 1, "axes")), qi.scale(), (int) qi.zeroPoint(),
                qo.scale(), (int) qo.zeroPoint());
        int n = in.shape().elements(), no = o.shape().elements(), ii = in.id(), io = o.id();
        return shortsToShorts(ii, n, io, no, (x, out) -> MeanInt16.run(x, is, out, p));
    }

    private static Kernel softmax(Node node, Graph g, Op.Softmax op) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        if (o.dtype() != DType.I16 || in.shape().rank() < 1) {
            throw new IllegalArgumentException("int16 SOFTMAX needs an int16 output, got " + o.describe());
        }
        Quantization qi = quant(in, node), qo = quant(o, node);
        SoftmaxInt16.Params p = SoftmaxInt16.prepare(qi.scale(), (int) qi.zeroPoint(), qo.scale(), (int) qo.zeroPoint(), op.beta());
        int depth = in.shape().dim(-1);
        int n = in.shape().elements(), ii = in.id(), io = o.id();
        return shortsToShorts(ii, n, io, n, (x, out) -> SoftmaxInt16.run(x, out, depth, p));
    }

    private static Kernel leakyRelu(Node node, Graph g, Op.LeakyRelu op) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        Quantization qi = quant(in, node), qo = quant(o, node);
        LeakyReluInt16.Params p = LeakyReluInt16.prepare(qi.scale(), (int) qi.zeroPoint(), qo.scale(), (int) qo.zeroPoint(), op.alpha());
        int n = in.shape().elements(), ii = in.id(), io = o.id();
        return shortsToShorts(ii, n, io, n, (x, out) -> LeakyReluInt16.run(x, out, p));
    }

    private static Kernel pad(Node node, Graph g) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        int[] paddings = TensorBytes.constInts(constant(g, node, 1, "paddings"));
        Short value = node.hasInput(2) ? (short) TensorBytes.constInts(constant(g, node, 2, "pad value"))[0] : null;
        PadInt16.Params p = PadInt16.prepare(paddings, value);
        int[] inShape = in.shape().dims();
        int[] expected = PadInt16.outputShape(inShape, p);
        if (!java.util.Arrays.equals(expected, o.shape().dims())) {
            throw new IllegalArgumentException("padding " + in.shape() + " gives " + java.util.Arrays.toString(expected)
                    + " but the output is declared " + o.shape());
        }
        int n = in.shape().elements(), no = o.shape().elements(), ii = in.id(), io = o.id();
        return shortsToShorts(ii, n, io, no, (x, out) -> PadInt16.run(x, inShape, out, p));
    }

    private static Kernel stridedSlice(Node node, Graph g, Op.StridedSlice op) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        StridedSliceInt16.Params p = StridedSliceInt16.prepare(in.shape().dims(),
                TensorBytes.constInts(constant(g, node, 1, "begin")), TensorBytes.constInts(constant(g, node, 2, "end")),
                TensorBytes.constInts(constant(g, node, 3, "strides")), op.beginMask(), op.endMask(), op.shrinkAxisMask());
        int[] idx = StridedSliceInt16.indices(p);
        if (idx.length != o.shape().elements()) {
            throw new IllegalArgumentException("the slice selects " + idx.length + " elements but the output " + o.shape() + " holds " + o.shape().elements());
        }
        int n = in.shape().elements(), ii = in.id(), io = o.id();
        return t -> {
            short[] x = TensorBytes.shorts(t.bytes(ii), n);
            short[] out = new short[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = x[idx[i]];
            TensorBytes.putShorts(t.bytes(io), out);
        };
    }

    private static Kernel conv(Node node, Graph g, Op.Conv2D op) {
        Weighted w = weighted(g, node, "16-bit CONV_2D", true);
        int[] is = w.in().shape().dims(), fs = w.weights().shape().dims(), os = w.out().shape().dims();
        ConvInt16.Params p = ConvInt16.prepare(op, is[1], is[2], fs[1], fs[2], fs[0], w.qi().scale(), w.qw().scales(), w.qo().scale(),
                (int) w.qo().zeroPoint(), w.int32Bias());
        byte[] filter = w.weightBytes();
        long[] b = w.biasValues();
        return shortsToShorts(w.in().id(), w.in().shape().elements(), w.out().id(), w.out().shape().elements(),
                (x, out) -> ConvInt16.run(x, is, filter, fs, b, out, os, p));
    }

    private static Kernel depthwise(Node node, Graph g, Op.DepthwiseConv2D op) {
        Weighted w = weighted(g, node, "16-bit DEPTHWISE_CONV_2D", false);
        int[] is = w.in().shape().dims(), fs = w.weights().shape().dims(), os = w.out().shape().dims();
        DepthwiseConvInt16.Params p = DepthwiseConvInt16.prepare(op, is[1], is[2], is[3], fs[1], fs[2], fs[3], w.qi().scale(),
                w.qw().scales(), w.qo().scale(), (int) w.qo().zeroPoint());
        byte[] filter = w.weightBytes();
        long[] b = w.biasValues();
        return shortsToShorts(w.in().id(), w.in().shape().elements(), w.out().id(), w.out().shape().elements(),
                (x, out) -> DepthwiseConvInt16.run(x, is, filter, fs, b, out, os, p));
    }

    private static Kernel fullyConnected(Node node, Graph g, Op.FullyConnected op) {
        Tensor in = g.tensor(node.input(0));
        Tensor w = constant(g, node, 1, "weights");
        Tensor o = g.tensor(node.output(0));
        if (w.dtype() != DType.I8 || w.shape().rank() != 2) {
            throw new IllegalArgumentException("16-bit FULLY_CONNECTED needs 2-D int8 weights, got " + w.describe());
        }
        if (o.dtype() != DType.I16) throw new IllegalArgumentException("16-bit FULLY_CONNECTED needs an int16 output, got " + o.dtype().lower());
        Tensor bias = optionalBias(g, node, "16-bit FULLY_CONNECTED", true);
        Quantization qi = quant(in, node), qw = quant(w, node), qo = quant(o, node);
        int outChannels = w.shape().dim(0), depth = w.shape().dim(1);
        FullyConnectedInt16.Params p = FullyConnectedInt16.prepare(op, outChannels, qi.scale(), (int) qi.zeroPoint(), qw.scales(),
                qo.scale(), (int) qo.zeroPoint(), bias != null && bias.dtype() == DType.I32);
        byte[] weights = w.data().clone();
        long[] b = bias == null ? null : TensorBytes.constLongs(bias);
        int n = in.shape().elements(), no = o.shape().elements(), ii = in.id(), io = o.id();
        if (no != (n / depth) * outChannels) {
            throw new IllegalArgumentException("input " + in.shape() + " and weights " + w.shape() + " give " + (n / depth) * outChannels
                    + " outputs, the output " + o.shape() + " holds " + no);
        }
        return shortsToShorts(ii, n, io, no, (x, out) -> FullyConnectedInt16.run(x, weights, outChannels, depth, b, out, p));
    }

    private static Kernel transposeConv(Node node, Graph g, Op.TransposeConv op) {
        Tensor f = constant(g, node, 1, "filter");
        Tensor in = g.tensor(node.input(2));
        Tensor o = g.tensor(node.output(0));
        if (f.dtype() != DType.I8) throw new IllegalArgumentException("16-bit TRANSPOSE_CONV needs int8 weights, got " + f.dtype().lower());
        Tensor bias = node.hasInput(3) ? constant(g, node, 3, "bias") : null;
        if (bias != null && bias.dtype() != DType.I16 && bias.dtype() != DType.I64) {
            throw new IllegalArgumentException("16-bit TRANSPOSE_CONV needs an int16 or int64 bias, got " + bias.dtype().lower());
        }
        Quantization qi = quant(in, node), qf = quant(f, node), qo = quant(o, node);
        int[] is = in.shape().dims(), fs = f.shape().dims(), os = o.shape().dims();
        TransposeConvInt16.Params p = TransposeConvInt16.prepare(op, os[1], os[2], fs[1], fs[2], fs[0], qi.scale(), qf.scales(),
                qo.scale(), (int) qo.zeroPoint());
        byte[] filter = f.data().clone();
        long[] b = bias == null ? null : TensorBytes.constLongs(bias);
        int n = in.shape().elements(), no = o.shape().elements(), ii = in.id(), io = o.id();
        return shortsToShorts(ii, n, io, no, (x, out) -> TransposeConvInt16.run(x, is, filter, fs, b, out, os, p));
    }

    private static Kernel quantize(Node node, Graph g) {
        Tensor in = g.tensor(node.input(0));
        Tensor o = g.tensor(node.output(0));
        Quantization qo = quant(o, node);
        if (qo.perChannel()) throw new IllegalArgumentException("QUANTIZE supports only a per-tensor output scale");
        int n = in.shape().elements(), ii = in.id(), io = o.id();
        DType inType = in.dtype(), outType = o.dtype();
        if (inType == DType.F32) {
            float scale = qo.scale();
            int zp = (int) qo.zeroPoint();
            return t -> {
                int[] out = new int[n];
                QuantizeInt16.quantize(TensorBytes.floats(t.bytes(ii), n), out, scale, zp, outType);
                TensorBytes.putInts(t.bytes(io), outType, out);
            };
        }
        Quantization qi = quant(in, node);
        QuantizeInt16.Requantize p = QuantizeInt16.prepare(qi.scale(), (int) qi.zeroPoint(), qo.scale(), (int) qo.zeroPoint(), outType);
        int[] x = new int[n], out = new int[n];
        return t -> {
            TensorBytes.intsInto(t.bytes(ii), inType, x);
            QuantizeInt16.requantize(x, out, p);
            TensorBytes.putInts(t.bytes(io), outType, out);
        };
    }

    /** An integer SVDF node's checked tensors and prepared parameters ({@link SvdfInteger#run}'s arguments but the data). */
    public record SvdfSetup(Tensor in, Tensor state, Tensor out, SvdfInteger.Params params, int batch, int inputSize,
                             byte[] featureWeights, int filters, int[] timeWeights, int memory, int[] bias) {}

    /**
     * Checks an integer SVDF node (one {@link #handles} accepts) and prepares its parameters, as
     * {@link #prepare} does; its input, state and output are tensors {@code node.input(0)}, {@code
     * node.input(4)} and {@code node.output(0)}. Throws {@link IllegalArgumentException} naming the
     * node.
     */
    public static SvdfSetup svdfSetup(Node node, Graph graph) {
        if (!(node.op() instanceof Op.Svdf op) || !handles(node, graph)) {
            throw new IllegalArgumentException(node.label() + ": not an integer SVDF node");
        }
        try {
            return svdfSetup(node, graph, op);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(node.label() + ": " + e.getMessage(), e);
        }
    }

    private static SvdfSetup svdfSetup(Node node, Graph g, Op.Svdf op) {
        Tensor in = g.tensor(node.input(0));
        Tensor wf = constant(g, node, 1, "weights_feature");
        Tensor wt = constant(g, node, 2, "weights_time");
        Tensor bias = node.hasInput(3) ? constant(g, node, 3, "bias") : null;
        Tensor state = g.tensor(node.input(4));
        Tensor o = g.tensor(node.output(0));
        if (wf.dtype() != DType.I8 || o.dtype() != DType.I8 || (state.dtype() != DType.I8 && state.dtype() != DType.I16)) {
            throw new IllegalArgumentException("integer SVDF needs int8 feature weights and output and an int8 or int16 state, got "
                    + wf.dtype().lower() + ", " + o.dtype().lower() + ", " + state.dtype().lower());
        }
        Quantization qi = quant(in, node), qf = quant(wf, node), qt = quant(wt, node), qs = quant(state, node), qo = quant(o, node);
        SvdfInteger.Params p = SvdfInteger.prepare(op.rank(), qi.scale(), (int) qi.zeroPoint(), qf.scale(), qs.scale(),
                (int) qs.zeroPoint(), state.dtype() == DType.I16, qt.scale(), qo.scale(), (int) qo.zeroPoint());
        return new SvdfSetup(in, state, o, p, in.shape().dim(0), in.shape().dim(1), wf.data().clone(), wf.shape().dim(0),
                TensorBytes.constInts(wt), wt.shape().dim(1), bias == null ? null : TensorBytes.constInts(bias));
    }

    private static Kernel svdf(Node node, Graph g, Op.Svdf op) {
        SvdfSetup v = svdfSetup(node, g, op);
        int ns = v.state().shape().elements(), no = v.out().shape().elements(), ni = v.in().shape().elements();
        int ii = v.in().id(), is = v.state().id(), io = v.out().id();
        DType stateType = v.state().dtype();
        return t -> {
            int[] s = TensorBytes.ints(t.bytes(is), stateType, ns);
            byte[] out = new byte[no];
            SvdfInteger.run(TensorBytes.bytes(t.bytes(ii), ni), v.batch(), v.inputSize(), v.featureWeights(), v.filters(), v.timeWeights(),
                    v.memory(), v.bias(), s, out, v.params());
            TensorBytes.putInts(t.bytes(is), stateType, s);
            TensorBytes.putBytes(t.bytes(io), out);
        };
    }

    /** One int16 tensor in, one out: what most of these kernels are. */
    @FunctionalInterface
    private interface ShortsOp {
        void run(short[] input, short[] out);
    }

    /** Reads input {@code ii} ({@code n} values), runs {@code op} into a fresh array of {@code no} values, writes it to {@code io}. */
    private static Kernel shortsToShorts(int ii, int n, int io, int no, ShortsOp op) {
        return t -> {
            short[] out = new short[no];
            op.run(TensorBytes.shorts(t.bytes(ii), n), out);
            TensorBytes.putShorts(t.bytes(io), out);
        };
    }

    /** Two int16 tensors in (broadcast against each other by their shapes), one out: ADD, SUB, MUL. */
    @FunctionalInterface
    private interface BroadcastOp {
        void run(short[] a, int[] aShape, short[] b, int[] bShape, short[] out);
    }

    /** Reads {@code a} and {@code b}, runs {@code op} into a fresh array of {@code o}'s size, writes it to {@code o}. */
    private static Kernel broadcasting(Tensor a, Tensor b, Tensor o, BroadcastOp op) {
        int[] sa = a.shape().dims(), sb = b.shape().dims();
        int na = a.shape().elements(), nb = b.shape().elements(), no = o.shape().elements();
        int ia = a.id(), ib = b.id(), io = o.id();
        return t -> {
            short[] out = new short[no];
            op.run(TensorBytes.shorts(t.bytes(ia), na), sa, TensorBytes.shorts(t.bytes(ib), nb), sb, out);
            TensorBytes.putShorts(t.bytes(io), out);
        };
    }

    /** A weighted 16-bit op's input 0, int8 constant weights (input 1), output and optional bias, with their quantization. */
    private record Weighted(Tensor in, Tensor weights, Tensor out, Tensor bias, Quantization qi, Quantization qw, Quantization qo) {
        boolean int32Bias() { return bias != null && bias.dtype() == DType.I32; }

        byte[] weightBytes() { return weights.data().clone(); }

        long[] biasValues() { return bias == null ? null : TensorBytes.constLongs(bias); }
    }

    private static Weighted weighted(Graph g, Node node, String what, boolean int32BiasAllowed) {
        Tensor in = g.tensor(node.input(0));
        Tensor f = constant(g, node, 1, "filter");
        Tensor o = g.tensor(node.output(0));
        if (f.dtype() != DType.I8) throw new IllegalArgumentException(what + " needs int8 weights, got " + f.dtype().lower());
        Tensor bias = optionalBias(g, node, what, int32BiasAllowed);
        return new Weighted(in, f, o, bias, quant(in, node), quant(f, node), quant(o, node));
    }

    /** Input 2 (the bias) if present: constant, int64, or int32 too when {@code int32Allowed}. */
    private static Tensor optionalBias(Graph g, Node node, String what, boolean int32Allowed) {
        if (!node.hasInput(2)) return null;
        Tensor bias = constant(g, node, 2, "bias");
        if (bias.dtype() != DType.I64 && !(int32Allowed && bias.dtype() == DType.I32)) {
            throw new IllegalArgumentException(what + " needs " + (int32Allowed ? "an int32 or int64" : "an int64") + " bias, got " + bias.dtype().lower());
        }
        return bias;
    }

    private static Quantization quant(Tensor t, Node node) {
        if (t.quant() == null) {
            throw new IllegalArgumentException("tensor " + t.id() + " (" + t.name() + ") has no quantization; the quantized kernel needs a scale and zero point");
        }
        return t.quant();
    }

    private static Tensor constant(Graph g, Node node, int input, String what) {
        if (!node.hasInput(input)) throw new IllegalArgumentException("input " + input + " (" + what + ") is missing");
        Tensor t = g.tensor(node.input(input));
        if (!t.isConstant()) {
            throw new IllegalArgumentException("input " + input + " (" + what + ") must be a constant tensor, as TFLite Micro requires");
        }
        return t;
    }
}
