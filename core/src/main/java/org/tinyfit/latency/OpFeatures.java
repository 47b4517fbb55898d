package org.tinyfit.latency;

import java.util.List;
import org.tinyfit.cost.Work;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;

/**
 * What one node costs in the latency model's terms: a vector of counts, one per column of
 * {@link #NAMES}, that the fitted cycles per unit multiply. The columns follow the shapes the
 * kernels treat differently (CMSIS-NN's fast paths among them):
 * <ol start="0">
 * <li>{@code conv}: MACs of a regular convolution whose input channels are a multiple of 4;</li>
 * <li>{@code convShallow}: MACs of a convolution over fewer or unaligned input channels (a first
 *     layer on 1 or 3 channels: short dot products, im2col per output pixel);</li>
 * <li>{@code pointwise}: MACs of a 1x1, stride-1 convolution over a multiple of 4 channels (a plain
 *     matrix product, CMSIS-NN's 1x1 fast path);</li>
 * <li>{@code depthwise}: MACs of a depthwise convolution;</li>
 * <li>{@code fullyConnected}: MACs of a fully connected (or SVDF, or LSTM) layer;</li>
 * <li>{@code outputs}: output values of those MAC ops (the requantization of each);</li>
 * <li>{@code elements}: element ops of every other op (pooling window reads, adds, activations,
 *     softmax, data movement), counted as {@link Work} counts them, and an LSTM's gate activations
 *     and additions;</li>
 * <li>{@code ops}: 1 per op (the interpreter's dispatch and the kernel's setup).</li>
 * </ol>
 */
public final class OpFeatures {
    public static final List<String> NAMES = List.of("conv", "convShallow", "pointwise", "depthwise", "fullyConnected", "outputs", "elements", "ops");
    static final int CONV = 0, SHALLOW = 1, POINTWISE = 2, DEPTHWISE = 3, FC = 4, OUTPUTS = 5, ELEMENTS = 6, OPS = 7;

    private OpFeatures() {}

    /** The counts of one node. */
    public static double[] of(Graph g, Node n) {
        Work w = Work.of(g, n);
        double[] f = new double[NAMES.size()];
        long outputs = g.tensor(n.output(0)).shape().elements();
        switch (n.op()) {
            case Op.Conv2D c -> {
                int[] filter = g.tensor(n.input(1)).shape().dims();
                int kh = filter[1], kw = filter[2], inC = filter[3];
                boolean aligned = inC % 4 == 0;
                boolean oneByOne = kh == 1 && kw == 1 && c.strideH() == 1 && c.strideW() == 1;
                f[!aligned ? SHALLOW : oneByOne ? POINTWISE : CONV] = w.macs();
                f[OUTPUTS] = outputs;
            }
            case Op.TransposeConv t -> {
                f[CONV] = w.macs();
                f[OUTPUTS] = outputs;
            }
            case Op.DepthwiseConv2D d -> {
                f[DEPTHWISE] = w.macs();
                f[OUTPUTS] = outputs;
            }
            case Op.FullyConnected fc -> {
                f[FC] = w.macs();
                f[OUTPUTS] = outputs;
            }
            case Op.Svdf s -> {
                f[FC] = w.macs();
                f[OUTPUTS] = outputs;
            }
            case Op.UnidirectionalSequenceLstm l -> lstm(f, w, outputs);
            case Op.BidirectionalSequenceLstm l -> lstm(f, w, outputs);
            case Op.Pool2D p -> f[ELEMENTS] = w.elementOps();
            case Op.Mean m -> f[ELEMENTS] = w.elementOps();
            case Op.BatchNorm b -> f[ELEMENTS] = w.elementOps();
            case Op.Add a -> f[ELEMENTS] = w.elementOps();
            case Op.Sub s -> f[ELEMENTS] = w.elementOps();
            case Op.Mul m -> f[ELEMENTS] = w.elementOps();
            case Op.Concat c -> f[ELEMENTS] = w.elementOps();
            case Op.Reshape r -> f[ELEMENTS] = w.elementOps();
            case Op.Softmax s -> f[ELEMENTS] = w.elementOps();
            case Op.Relu r -> f[ELEMENTS] = w.elementOps();
            case Op.Relu6 r -> f[ELEMENTS] = w.elementOps();
            case Op.Logistic l -> f[ELEMENTS] = w.elementOps();
            case Op.Tanh t -> f[ELEMENTS] = w.elementOps();
            case Op.LeakyRelu l -> f[ELEMENTS] = w.elementOps();
            case Op.Pad p -> f[ELEMENTS] = w.elementOps();
            case Op.Quantize q -> f[ELEMENTS] = w.elementOps();
            case Op.Dequantize d -> f[ELEMENTS] = w.elementOps();
            case Op.StridedSlice s -> f[ELEMENTS] = w.elementOps();
            case Op.Transpose t -> f[ELEMENTS] = w.elementOps();
            case Op.Resize r -> f[ELEMENTS] = w.elementOps();
            case Op.Opaque o -> f[ELEMENTS] = w.elementOps();
            case Op.Dropout d -> { return f; }
        }
        f[OPS] = 1;
        return f;
    }

    private static void lstm(double[] f, Work w, long outputs) {
        f[FC] = w.macs();
        f[OUTPUTS] = outputs;
        f[ELEMENTS] = w.elementOps();
    }

    /** The counts of a whole graph: the sum over its nodes. */
    public static double[] of(Graph g) { return sum(g, NAMES.size(), OpFeatures::of); }

    /** The sum over a graph's nodes of {@code counts}, {@code width} columns. */
    private static double[] sum(Graph g, int width, java.util.function.BiFunction<Graph, Node, double[]> counts) {
        double[] sum = new double[width];
        for (Node n : g.nodes()) {
            double[] f = counts.apply(g, n);
            for (int j = 0; j < sum.length; j++) sum[j] += f[j];
        }
        return sum;
    }

    /**
     * The columns of tinyfit's generated C ({@link #generatedC}): {@link #NAMES} with the element ops of
     * ADD, SUB and MUL apart in a last column, {@code arithmetic}: each of their outputs rescales both
     * inputs and itself (three fixed-point multiplies in the generated C, tens of instructions), where a
     * pooling window read, a copy or a pad is a few.
     */
    public static final List<String> GENERATED_C_NAMES = List.of("conv", "convShallow", "pointwise", "depthwise", "fullyConnected", "outputs", "elements", "ops", "arithmetic");
    static final int ARITHMETIC = 8;

    /** The counts of one node in the generated C's columns ({@link #GENERATED_C_NAMES}). */
    public static double[] generatedC(Graph g, Node n) {
        double[] f = java.util.Arrays.copyOf(of(g, n), GENERATED_C_NAMES.size());
        if (n.op() instanceof Op.Add || n.op() instanceof Op.Sub || n.op() instanceof Op.Mul) {
            f[ARITHMETIC] = f[ELEMENTS];
            f[ELEMENTS] = 0;
        }
        return f;
    }

    /** The generated C's counts of a whole graph: the sum over its nodes. */
    public static double[] generatedC(Graph g) { return sum(g, GENERATED_C_NAMES.size(), OpFeatures::generatedC); }

    /** The counts of one node in the columns {@code runtime}'s model uses: {@link #generatedC} for tinyfit's C, {@link #of(Graph, Node)} otherwise. */
    public static double[] of(Graph g, Node n, String runtime) { return Runtimes.TINYFIT_C.equals(runtime) ? generatedC(g, n) : of(g, n); }

    /** The counts of a whole graph in the columns {@code runtime}'s model uses. */
    public static double[] of(Graph g, String runtime) { return Runtimes.TINYFIT_C.equals(runtime) ? generatedC(g) : of(g); }

    public static double dot(double[] f, double[] theta) {
        double s = 0;
        for (int j = 0; j < f.length; j++) s += f[j] * theta[j];
        return s;
    }
}
