package org.tinyfit.passes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/**
 * Puts a per-channel input normalization {@code x' = (x - shift[c]) * scale[c]} (the channel is the
 * input's last dimension) inside a float32 graph, so that the graph takes the data as stored.
 *
 * <p>Where that is exact it is folded into the weights of the op that reads the input: a
 * FullyConnected, or a Conv2D that pads nothing (VALID, or SAME whose window needs no padding) or
 * whose shift is zero (a zero pad stays zero under a scale alone):
 * {@code W'[o,i] = W[o,i]·scale[c(i)]} and {@code b'[o] = b[o] − Σᵢ W'[o,i]·shift[c(i)]}. A Conv2D
 * that pads is not folded (its zero padding would become {@code -shift·scale} in the normalized
 * space), nor is an input read by more than one op or one that is a graph output: then the graph
 * gets two first nodes, {@code MUL} by {@code scale} and {@code ADD} of {@code -shift·scale}, which
 * every runtime tinyfit targets (TFLite Micro included) runs. Either way the result computes the same
 * function up to float rounding, and the metadata entry {@link #METADATA_KEY} records the
 * normalization and where it went.
 */
public final class InputNormalization {
    private InputNormalization() {}

    /** The metadata entry that records the normalization a graph carries. */
    public static final String METADATA_KEY = "tinyfit.normalization";

    /** Where the normalization went. */
    public enum Placement { FOLDED, FIRST_LAYERS }

    /** The graph and where the normalization went. */
    public record Result(Graph graph, Placement placement, String description) {}

    /**
     * {@code g} with the normalization of its first input inside it.
     *
     * @throws GraphException if that input is not float32, or shift and scale do not match its last dimension
     */
    public static Result apply(Graph g, float[] shift, float[] scale) {
        if (g.inputs().length == 0) throw new GraphException("the graph has no input to normalize");
        Tensor x = g.tensor(g.inputs()[0]);
        int c = shift.length;
        if (c == 0 || scale.length != c) throw new GraphException("a normalization needs one shift and one scale per channel, got " + shift.length + " and " + scale.length);
        if (x.dtype() != DType.F32) throw new GraphException("a normalization goes into a float32 model only; input " + x.name() + " is " + x.describe());
        int last = x.shape().rank() == 0 ? 1 : x.shape().dim(-1);
        if (last % c != 0 && c != 1) {
            throw new GraphException("the normalization has " + c + " channels, but input " + x.name() + " " + x.describe() + " has " + last + " in its last dimension");
        }
        int[] readers = g.consumers(x.id());
        if (readers.length == 1 && !g.isGraphOutput(x.id())) {
            Node n = g.node(readers[0]);
            Graph folded = foldable(g, n, x, c, allZero(shift)) ? fold(g, n, shift, scale) : null;
            if (folded != null) {
                String where = "folded into " + n.op().kind() + " " + g.tensor(n.output(0)).name();
                return new Result(record(folded, shift, scale, where), Placement.FOLDED, where);
            }
        }
        String where = "MUL and ADD before the first layer";
        return new Result(record(firstLayers(g, x, last, shift, scale), shift, scale, where), Placement.FIRST_LAYERS, where);
    }

    /** The metadata value: shift, scale and where they went. */
    private static Graph record(Graph g, float[] shift, float[] scale, String where) {
        String v = String.format(Locale.ROOT, "x' = (x - shift) * scale per channel; shift=%s scale=%s; %s", Arrays.toString(shift), Arrays.toString(scale), where);
        return g.withMetadata(Map.of(METADATA_KEY, v));
    }

    /** Whether {@code n}, the only reader of {@code x}, can take the normalization into its weights exactly. */
    private static boolean foldable(Graph g, Node n, Tensor x, int c, boolean noShift) {
        if (n.input(0) != x.id() || !isFloatConstant(g, n.input(1)) || (n.hasInput(2) && !isFloatConstant(g, n.input(2)))) return false;
        for (int k = 1; k < n.inputs().length; k++) if (n.input(k) == x.id()) return false;
        int columns = g.tensor(n.input(1)).shape().elements() / g.tensor(n.input(1)).shape().dim(0);
        return switch (n.op()) {
            case Op.FullyConnected f -> columns % c == 0 && x.shape().elements() % columns == 0;
            case Op.Conv2D cv -> x.shape().rank() == 4 && g.tensor(n.input(1)).shape().dim(3) == x.shape().dim(3) && (noShift
                    || padsNothing(x.shape().dim(1), g.tensor(n.input(1)).shape().dim(1), cv.strideH(), cv.dilationH(), cv.padding())
                    && padsNothing(x.shape().dim(2), g.tensor(n.input(1)).shape().dim(2), cv.strideW(), cv.dilationW(), cv.padding()));
            case Op.DepthwiseConv2D d -> false;
            case Op.TransposeConv t -> false;
            case Op.Pool2D p -> false;
            case Op.Add a -> false;
            case Op.Sub s -> false;
            case Op.Mul m -> false;
            case Op.Concat cc -> false;
            case Op.Reshape r -> false;
            case Op.Softmax s -> false;
            case Op.Relu r -> false;
            case Op.Relu6 r -> false;
            case Op.Logistic l -> false;
            case Op.Tanh t -> false;
            case Op.LeakyRelu l -> false;
            case Op.Pad p -> false;
            case Op.Mean m -> false;
            case Op.Quantize q -> false;
            case Op.Dequantize d -> false;
            case Op.BatchNorm b -> false;
            case Op.Dropout d -> false;
            case Op.StridedSlice s -> false;
            case Op.Transpose t -> false;
            case Op.Resize r -> false;
            case Op.Svdf s -> false;
            case Op.UnidirectionalSequenceLstm s -> false;
            case Op.BidirectionalSequenceLstm s -> false;
            case Op.Opaque o -> false;
        };
    }

    /** Whether a window op along one axis reads no padding: VALID, or SAME whose total padding is zero. */
    static boolean padsNothing(int in, int kernel, int stride, int dilation, Op.Padding padding) {
        if (padding == Op.Padding.VALID) return true;
        long eff = (long) (kernel - 1) * dilation + 1, out = ((long) in + stride - 1) / stride;
        return (out - 1) * stride + eff - in <= 0;
    }

    /** {@code n}'s weights and bias with the normalization folded in; filters are [O, ..., I] with I innermost. */
    private static Graph fold(Graph g, Node n, float[] shift, float[] scale) {
        Tensor wt = g.tensor(n.input(1));
        float[] w = TensorBytes.floats(wt);
        int out = wt.shape().dim(0), columns = w.length / out, c = shift.length;
        float[] bias = n.hasInput(2) ? TensorBytes.floats(g.tensor(n.input(2))) : new float[out];
        for (int o = 0; o < out; o++) {
            double correction = 0;
            for (int i = 0; i < columns; i++) {
                int k = i % c;
                float folded = w[o * columns + i] * scale[k];
                w[o * columns + i] = folded;
                correction += (double) folded * shift[k];
            }
            bias[o] = (float) (bias[o] - correction);
        }
        List<Tensor> tensors = new ArrayList<>(g.tensors());
        int wId = tensors.size();
        tensors.add(Tensor.constant(wId, wt.name(), DType.F32, wt.shape(), null, TensorBytes.ofFloats(w)));
        int bId = tensors.size();
        String biasName = n.hasInput(2) ? g.tensor(n.input(2)).name() : wt.name() + "/bias";
        tensors.add(Tensor.constant(bId, biasName, DType.F32, Shape.of(out), null, TensorBytes.ofFloats(bias)));
        List<Node> nodes = new ArrayList<>(g.nodes());
        nodes.set(n.id(), new Node(n.id(), n.op(), new int[] {n.input(0), wId, bId}, n.outputs()));
        return Renumbering.rebuild(g, tensors, nodes, g.inputs(), g.outputs());
    }

    /** A new input of {@code x}'s name and shape, then MUL by scale and ADD of -shift·scale writing the old input tensor. */
    private static Graph firstLayers(Graph g, Tensor x, int last, float[] shift, float[] scale) {
        int c = shift.length;
        float[] mul = new float[last], add = new float[last];
        for (int i = 0; i < last; i++) {
            mul[i] = scale[i % c];
            add[i] = -shift[i % c] * scale[i % c];
        }
        List<Tensor> tensors = new ArrayList<>(g.tensors());
        tensors.set(x.id(), Tensor.activation(x.id(), x.name() + "/normalized", DType.F32, x.shape(), null));
        int raw = tensors.size();
        tensors.add(Tensor.activation(raw, x.name(), DType.F32, x.shape(), null));
        int scaled = tensors.size();
        tensors.add(Tensor.activation(scaled, x.name() + "/scaled", DType.F32, x.shape(), null));
        int mulId = tensors.size();
        tensors.add(Tensor.constant(mulId, x.name() + "/scale", DType.F32, Shape.of(last), null, TensorBytes.ofFloats(mul)));
        int addId = tensors.size();
        tensors.add(Tensor.constant(addId, x.name() + "/offset", DType.F32, Shape.of(last), null, TensorBytes.ofFloats(add)));
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node(0, new Op.Mul(Op.Act.NONE), new int[] {raw, mulId}, new int[] {scaled}));
        nodes.add(new Node(1, new Op.Add(Op.Act.NONE), new int[] {scaled, addId}, new int[] {x.id()}));
        nodes.addAll(g.nodes());
        int[] inputs = g.inputs();
        inputs[0] = raw;
        return Renumbering.rebuild(g, tensors, nodes, inputs, g.outputs());
    }

    private static boolean allZero(float[] v) {
        for (float f : v) if (f != 0) return false;
        return true;
    }

    private static boolean isFloatConstant(Graph g, int t) {
        return t >= 0 && g.tensor(t).isConstant() && g.tensor(t).dtype() == DType.F32;
    }
}
