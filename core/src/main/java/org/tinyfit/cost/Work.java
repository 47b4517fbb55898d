package org.tinyfit.cost;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Lstm;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/**
 * The arithmetic one node does: multiply-accumulates for the MAC-bound kinds, and element ops for the
 * rest. How each kind is counted (per inference, batch included):
 * <ul>
 * <li>CONV_2D: N·outH·outW·outC·kH·kW·(inC/groups) MACs (the filter's last dim is inC/groups);</li>
 * <li>DEPTHWISE_CONV_2D: N·outH·outW·outC·kH·kW MACs;</li>
 * <li>TRANSPOSE_CONV: N·inH·inW·inC·kH·kW·outC MACs (every input value is scattered to a kH·kW·outC patch);</li>
 * <li>FULLY_CONNECTED: batch·in·out MACs (batch = input elements / in);</li>
 * <li>SVDF: batch·F·(in + T) MACs (the feature product over F filters, then the time product over T steps);</li>
 * <li>UNIDIRECTIONAL_SEQUENCE_LSTM, BIDIRECTIONAL_SEQUENCE_LSTM: per time step and batch row, each gate's input
 *     and recurrent products, peepholes, layer norms, the cell and hidden products and the projection
 *     ({@link org.tinyfit.graph.Lstm.Sizes#macs()}); both directions of a bidirectional one (an auxiliary
 *     input's products are not counted);</li>
 * <li>pooling: output elements · window size ops; MEAN: input elements ops; BATCH_NORM: 2 ops per element;</li>
 * <li>element-wise, activations, softmax, quantize and data movement (concat, reshape, pad, slice):
 *     one op per output element; DROPOUT: none (identity at inference);</li>
 * <li>an opaque op: unknown, counted as zero and flagged by {@link Support}.</li>
 * </ul>
 */
public record Work(long macs, long elementOps, KernelClass kernel) {

    /** The multiply-accumulates of all of {@code g}'s nodes (a split graph's extra MACs are its total minus the original's). */
    public static long macs(Graph g) {
        long sum = 0;
        for (Node n : g.nodes()) sum += of(g, n).macs();
        return sum;
    }

    public static Work of(Graph g, Node n) {
        long out = elements(g, n.output(0));
        return switch (n.op()) {
            case Op.Conv2D c -> {
                Shape f = shape(g, n, 1);
                yield new Work(out * f.dim(1) * f.dim(2) * f.dim(3), 0, KernelClass.CONV);
            }
            case Op.DepthwiseConv2D d -> {
                Shape f = shape(g, n, 1);
                yield new Work(out * f.dim(1) * f.dim(2), 0, KernelClass.DEPTHWISE);
            }
            case Op.TransposeConv t -> {
                Shape f = shape(g, n, 1);
                yield new Work(elements(g, n.input(2)) * f.dim(0) * f.dim(1) * f.dim(2), 0, KernelClass.CONV);
            }
            case Op.FullyConnected fc -> {
                Shape w = shape(g, n, 1);
                yield new Work(elements(g, n.input(0)) * w.dim(0), 0, KernelClass.FULLY_CONNECTED);
            }
            case Op.Svdf s -> {
                Shape x = shape(g, n, 0);
                Shape wf = shape(g, n, 1);
                Shape wt = shape(g, n, 2);
                yield new Work((long) x.dim(0) * wf.dim(0) * ((long) x.dim(1) + wt.dim(1)), 0, KernelClass.FULLY_CONNECTED);
            }
            case Op.UnidirectionalSequenceLstm l -> {
                Lstm.Sizes z = Lstm.unidirectional(l, Lstm.of(g, n));
                yield new Work(z.macs(), z.elementOps(), KernelClass.FULLY_CONNECTED);
            }
            case Op.BidirectionalSequenceLstm l -> {
                Lstm.Sizes fw = Lstm.bidirectional(l, Lstm.of(g, n), false), bw = Lstm.bidirectional(l, Lstm.of(g, n), true);
                yield new Work(fw.macs() + bw.macs(), fw.elementOps() + bw.elementOps(), KernelClass.FULLY_CONNECTED);
            }
            case Op.Pool2D p -> new Work(0, out * p.filterH() * p.filterW(), KernelClass.ELEMENTWISE);
            case Op.Mean m -> new Work(0, elements(g, n.input(0)), KernelClass.ELEMENTWISE);
            case Op.BatchNorm b -> new Work(0, 2 * out, KernelClass.ELEMENTWISE);
            case Op.Add a -> elementwise(out);
            case Op.Sub s -> elementwise(out);
            case Op.Mul m -> elementwise(out);
            case Op.Concat c -> elementwise(out);
            case Op.Reshape r -> elementwise(out);
            case Op.Softmax s -> elementwise(out);
            case Op.Relu r -> elementwise(out);
            case Op.Relu6 r -> elementwise(out);
            case Op.Logistic l -> elementwise(out);
            case Op.Tanh t -> elementwise(out);
            case Op.LeakyRelu l -> elementwise(out);
            case Op.Pad p -> elementwise(out);
            case Op.Quantize q -> elementwise(out);
            case Op.Dequantize d -> elementwise(out);
            case Op.StridedSlice s -> elementwise(out);
            case Op.Transpose t -> elementwise(out);
            // Bilinear: four weighted reads per output element.
            case Op.Resize r -> r.mode() == Op.ResizeMode.NEAREST ? elementwise(out) : new Work(0, 4 * out, KernelClass.ELEMENTWISE);
            case Op.Dropout d -> new Work(0, 0, KernelClass.NONE);
            case Op.Opaque o -> new Work(0, 0, KernelClass.NONE);
        };
    }

    /**
     * True if input {@code slot} of a node of this kind, when constant, holds learned parameters
     * (weights, biases, batch-norm statistics, a constant operand); false for the structural inputs
     * (shapes, paddings, axes, slice bounds), which take flash but are not parameters.
     */
    public static boolean isParameterInput(Op op, int slot) {
        return switch (op) {
            case Op.TransposeConv t -> slot != 0;
            case Op.Reshape r -> slot == 0;
            case Op.Pad p -> slot == 0;
            case Op.Mean m -> slot == 0;
            case Op.StridedSlice s -> slot == 0;
            case Op.Transpose t -> slot == 0;
            case Op.Resize r -> slot == 0;
            case Op.Conv2D c -> true;
            case Op.DepthwiseConv2D d -> true;
            case Op.FullyConnected f -> true;
            case Op.Svdf s -> true;
            case Op.UnidirectionalSequenceLstm l -> true;
            case Op.BidirectionalSequenceLstm l -> true;
            case Op.Pool2D p -> true;
            case Op.Add a -> true;
            case Op.Sub s -> true;
            case Op.Mul m -> true;
            case Op.Concat c -> true;
            case Op.Softmax s -> true;
            case Op.Relu r -> true;
            case Op.Relu6 r -> true;
            case Op.Logistic l -> true;
            case Op.Tanh t -> true;
            case Op.LeakyRelu l -> true;
            case Op.Quantize q -> true;
            case Op.Dequantize d -> true;
            case Op.BatchNorm b -> true;
            case Op.Dropout d -> true;
            case Op.Opaque o -> true;
        };
    }

    private static Work elementwise(long out) { return new Work(0, out, KernelClass.ELEMENTWISE); }

    private static Shape shape(Graph g, Node n, int slot) { return g.tensor(n.input(slot)).shape(); }

    private static long elements(Graph g, int tensor) { return tensor < 0 ? 0 : g.tensor(tensor).shape().elements(); }
}
