package org.tinyfit.graph;

/**
 * The tensors of an LSTM node in TFLite's order, and the sizes that follow from them. Shared by shape
 * inference, the cost model, the memory rules and the runtime, so each reads an LSTM the same way.
 *
 * <p>A unidirectional LSTM ({@link Op.UnidirectionalSequenceLstm}) has 24 inputs, indexed by the
 * constants below. A bidirectional one ({@link Op.BidirectionalSequenceLstm}) has its forward cell's
 * weights at {@link #BIDI_FORWARD} + (1..17 - 1), its backward cell's at {@link #BIDI_BACKWARD} + (1..17 - 1),
 * and its states at 35 to 38.
 */
public final class Lstm {
    private Lstm() {}

    public static final int INPUT = 0;
    /** Input weights of the input, forget, cell and output gates ({@code [S,I]}); the input gate's is optional (CIFG). */
    public static final int INPUT_TO_INPUT = 1, INPUT_TO_FORGET = 2, INPUT_TO_CELL = 3, INPUT_TO_OUTPUT = 4;
    /** Recurrent weights of the four gates ({@code [S,P]}, P the output size). */
    public static final int RECURRENT_TO_INPUT = 5, RECURRENT_TO_FORGET = 6, RECURRENT_TO_CELL = 7, RECURRENT_TO_OUTPUT = 8;
    /** Optional peephole weights ({@code [S]}). */
    public static final int CELL_TO_INPUT = 9, CELL_TO_FORGET = 10, CELL_TO_OUTPUT = 11;
    /** Gate biases ({@code [S]}). */
    public static final int INPUT_GATE_BIAS = 12, FORGET_GATE_BIAS = 13, CELL_GATE_BIAS = 14, OUTPUT_GATE_BIAS = 15;
    /** Optional projection ({@code [P,S]} and {@code [P]}). */
    public static final int PROJECTION_WEIGHTS = 16, PROJECTION_BIAS = 17;
    /** The state kept across runs: hidden state {@code [B,P]} and cell state {@code [B,S]}, both variables. */
    public static final int HIDDEN_STATE = 18, CELL_STATE = 19;
    /** Optional layer-norm coefficients of the four gates ({@code [S]}). */
    public static final int INPUT_LAYER_NORM = 20, FORGET_LAYER_NORM = 21, CELL_LAYER_NORM = 22, OUTPUT_LAYER_NORM = 23;
    public static final int UNIDIRECTIONAL_INPUTS = 24;

    /** Where the forward and the backward cell's 17 tensors start in a bidirectional LSTM's inputs. */
    public static final int BIDI_FORWARD = 1, BIDI_BACKWARD = 18;
    /** A bidirectional LSTM's states. */
    public static final int BIDI_FW_HIDDEN = 35, BIDI_FW_CELL = 36, BIDI_BW_HIDDEN = 37, BIDI_BW_CELL = 38;
    /** A bidirectional LSTM's optional auxiliary input, and where the forward and backward auxiliary weights start. */
    public static final int BIDI_AUX_INPUT = 39, BIDI_FW_AUX = 40, BIDI_BW_AUX = 44;
    public static final int BIDIRECTIONAL_INPUTS = 48;

    /**
     * One cell's sizes: batch B, time steps T, input size I, cell size S (the state dimension), output
     * size P (S unless projected), and which optional parts it has.
     */
    public record Sizes(int batch, int time, int input, int cell, int output, boolean cifg, boolean peephole, boolean projection,
                        boolean layerNorm) {

        /**
         * Multiply-accumulates of one run over the whole sequence: per step and batch row, each gate's
         * input product S·I and recurrent product S·P (3 gates without an input gate), the peepholes
         * (one per gate and cell), the layer norms (one per gate and cell), the two element-wise cell
         * products and the hidden product (3·S), and the projection P·S.
         */
        public long macs() {
            long gates = cifg ? 3 : 4;
            long perStep = gates * cell * ((long) input + output) + 3L * cell;
            if (peephole) perStep += (cifg ? 2 : 3) * (long) cell;
            if (layerNorm) perStep += gates * cell;
            if (projection) perStep += (long) output * cell;
            return perStep * batch * time;
        }

        /** Element ops besides the MACs: the gate activations, the tanh of the cell and the additions (S each per gate). */
        public long elementOps() {
            long gates = cifg ? 3 : 4;
            return (gates * 2 + 2) * (long) cell * batch * time;
        }
    }

    /** The sizes of a unidirectional LSTM node, read from its input, weights and projection. */
    public static Sizes unidirectional(Op.UnidirectionalSequenceLstm op, Tensors in) {
        return sizes(op.timeMajor(), in, 0, true);
    }

    /** The sizes of one direction of a bidirectional LSTM ({@code backward} false: forward). */
    public static Sizes bidirectional(Op.BidirectionalSequenceLstm op, Tensors in, boolean backward) {
        return sizes(op.timeMajor(), in, backward ? BIDI_BACKWARD - 1 : 0, false);
    }

    /** Access to a node's input tensors by slot (null for an absent optional input). */
    @FunctionalInterface
    public interface Tensors { Tensor get(int slot); }

    /** A node's inputs in graph {@code g}. */
    public static Tensors of(Graph g, Node n) {
        return slot -> n.hasInput(slot) ? g.tensor(n.input(slot)) : null;
    }

    /** {@code base}: where the cell's tensors start, less one; {@code layerNorm}: whether it may have layer-norm inputs (20-23). */
    private static Sizes sizes(boolean timeMajor, Tensors in, int base, boolean layerNorm) {
        Tensor x = in.get(INPUT);
        if (x == null) throw new IllegalArgumentException("input 0 is missing");
        Shape xs = x.shape();
        if (xs.rank() != 3) throw new IllegalArgumentException("input 0 has shape " + xs + ", an LSTM needs a rank-3 sequence [batch, time, features]");
        int batch = timeMajor ? xs.dim(1) : xs.dim(0);
        int time = timeMajor ? xs.dim(0) : xs.dim(1);
        Tensor forget = in.get(base + INPUT_TO_FORGET);
        Tensor recurrent = in.get(base + RECURRENT_TO_FORGET);
        if (forget == null || recurrent == null) throw new IllegalArgumentException("the forget gate's input or recurrent weights are missing");
        Shape fw = forget.shape(), rw = recurrent.shape();
        if (fw.rank() != 2 || fw.dim(1) != xs.dim(2)) {
            throw new IllegalArgumentException("input 0 has " + xs.dim(2) + " features, the input-to-forget weights " + fw + " expect [cells, " + xs.dim(2) + "]");
        }
        int cell = fw.dim(0);
        if (rw.rank() != 2 || rw.dim(0) != cell) {
            throw new IllegalArgumentException("the recurrent-to-forget weights have shape " + rw + ", expected [" + cell + ", outputs]");
        }
        int output = rw.dim(1);
        Tensor projection = in.get(base + PROJECTION_WEIGHTS);
        if (projection != null && (projection.shape().rank() != 2 || projection.shape().dim(0) != output || projection.shape().dim(1) != cell)) {
            throw new IllegalArgumentException("the projection weights have shape " + projection.shape() + ", expected [" + output + ", " + cell + "]");
        }
        if (projection == null && output != cell) {
            throw new IllegalArgumentException("the recurrent weights " + rw + " give " + output + " outputs for " + cell + " cells, but there is no projection");
        }
        boolean ln = layerNorm && in.get(FORGET_LAYER_NORM) != null;
        return new Sizes(batch, time, xs.dim(2), cell, output, in.get(base + INPUT_TO_INPUT) == null, in.get(base + CELL_TO_FORGET) != null,
                projection != null, ln);
    }
}
