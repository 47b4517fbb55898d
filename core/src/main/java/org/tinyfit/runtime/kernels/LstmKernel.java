package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Lstm;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.Int16Sigmoid;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.PreparedKernel;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM as TFLite Micro's kernel ({@code unidirectional_sequence_lstm.cc},
 * {@code lstm_eval.h}): float, and int8 activations with int8 weights, int32 biases and an int16 cell
 * state, or int16 activations with int8 weights and int64 biases, bit-exact with its integer paths. Per time step (all batch rows at once when time-major, else
 * one row at a time, batch after batch), with the hidden state h and the cell state c kept in their
 * variable tensors across steps and runs:
 * <ol>
 * <li>the forget, input and cell gates: {@code act(W·x + b + R·h)}, sigmoid for forget and input, the
 *     op's activation (tanh) for the cell gate;</li>
 * <li>{@code c = f ⊙ c + i ⊙ g}, clipped to ±cellClip when it is positive;</li>
 * <li>the output gate {@code o = sigmoid(W·x + b + R·h)} (the previous h), then {@code h = o ⊙ tanh(c)},
 *     copied to the output at the step's place.</li>
 * </ol>
 * In the integer path each product W·x and R·h is requantized to int16 at scale 2^-12 (Q3.12, the
 * activations' input), the two are added with int16 saturation, and the activations give Q0.15; f ⊙ c
 * and i ⊙ g are requantized to the cell state's scale, o ⊙ tanh(c) to the hidden state's scale and zero
 * point; tanh(c) reads c at the power of two nearest its scale. Every multiplier is TFLite's {@code
 * QuantizeMultiplier} of a ratio of scales taken in double.
 *
 * <p>Like TFLite Micro, it runs only the plain LSTM: all four gates, no peepholes, no projection, no
 * layer norm; hidden and cell state are variables. The four gate buffers are the scratch buffers the
 * plan placed in the arena (used as TFLite Micro's kernel uses them), so a run also checks that plan.
 */
public final class LstmKernel implements Kernel {
    public LstmKernel() {}

    /** 2^-12: the scale of the gates' pre-activations (Q3.12). */
    static final double GATE_INPUT_SCALE = 1.0 / 4096;
    /** 2^-15: the scale of the activations' outputs (Q0.15). */
    static final double GATE_OUTPUT_SCALE = 1.0 / 32768;

    private static final String[] GATES = {"input", "forget", "cell", "output"};

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.UnidirectionalSequenceLstm op = (Op.UnidirectionalSequenceLstm) node.op();
        Lstm.Sizes z;
        try {
            z = Lstm.unidirectional(op, Lstm.of(g, node));
        } catch (IllegalArgumentException e) {
            throw fail(node, e.getMessage());
        }
        if (z.cifg() || z.peephole() || z.projection() || z.layerNorm()) {
            throw fail(node, "only a plain LSTM runs, as in TFLite Micro (all four gates; no peepholes, projection or layer norm)");
        }
        if (op.act() != Op.Act.TANH) throw fail(node, "the cell gate's activation is " + op.act() + "; TFLite Micro's kernel runs TANH");
        Tensor in = g.tensor(node.input(Lstm.INPUT));
        Tensor hidden = state(g, node, Lstm.HIDDEN_STATE, "hidden");
        Tensor cell = state(g, node, Lstm.CELL_STATE, "cell");
        Tensor out = g.tensor(node.output(0));
        if (hidden.shape().elements() != z.batch() * z.cell() || cell.shape().elements() != z.batch() * z.cell()) {
            throw fail(node, "the hidden state " + hidden.shape() + " and cell state " + cell.shape() + " must hold batch x cells = " + z.batch() * z.cell() + " values");
        }
        Steps steps = new Steps(z, op.timeMajor(), in.id(), hidden.id(), cell.id(), out.id());
        return switch (in.dtype()) {
            case F32 -> floatKernel(node, g, op, z, steps);
            case I8, I16 -> integerKernel(node, g, op, z, steps);
            default -> throw fail(node, "input " + in.dtype().lower() + ": the runtime runs float LSTMs and int8 or int16 ones with an int16 cell state");
        };
    }

    private static Tensor state(Graph g, Node node, int slot, String what) {
        if (!node.hasInput(slot)) throw fail(node, "the " + what + " state (input " + slot + ") is missing");
        Tensor t = g.tensor(node.input(slot));
        if (!t.variable()) throw fail(node, "the " + what + " state (input " + slot + ") must be a variable tensor");
        return t;
    }

    private static Tensor constant(Graph g, Node node, int slot, String what) {
        if (!node.hasInput(slot)) throw fail(node, what + " (input " + slot + ") is missing");
        Tensor t = g.tensor(node.input(slot));
        if (!t.isConstant()) throw fail(node, what + " (input " + slot + ") must be a constant");
        return t;
    }

    /** Where each step reads and writes: rows per step, and the offsets (in values) of step k. */
    record Steps(Lstm.Sizes z, boolean timeMajor, int input, int hidden, int cell, int output) {
        int rows() { return timeMajor ? z.batch() : 1; }

        int count() { return z.batch() * z.time() / rows(); }

        /** Step k's first input row (batch-major: batch k / T, time k % T, rows stored batch after batch). */
        int row(int k) { return k * rows(); }

        /** The state row step k starts at. */
        int stateRow(int k) { return timeMajor ? 0 : k / z.time(); }
    }

    // ---------------------------------------------------------------- float

    private static PreparedKernel floatKernel(Node node, Graph g, Op.UnidirectionalSequenceLstm op, Lstm.Sizes z, Steps s) {
        float[][] w = new float[4][], r = new float[4][], b = new float[4][];
        for (int k = 0; k < 4; k++) {
            w[k] = floats(node, constant(g, node, Lstm.INPUT_TO_INPUT + k, GATES[k] + " gate's input weights"));
            r[k] = floats(node, constant(g, node, Lstm.RECURRENT_TO_INPUT + k, GATES[k] + " gate's recurrent weights"));
            b[k] = node.hasInput(Lstm.INPUT_GATE_BIAS + k) ? floats(node, constant(g, node, Lstm.INPUT_GATE_BIAS + k, GATES[k] + " gate's bias")) : null;
        }
        for (int t : new int[] {s.hidden(), s.cell(), s.output()}) {
            if (g.tensor(t).dtype() != DType.F32) throw fail(node, "a float LSTM needs float states and output, tensor " + t + " is " + g.tensor(t).dtype().lower());
        }
        int rows = s.rows(), n = z.cell(), ni = z.input();
        float clip = op.cellClip();
        int nodeId = node.id();
        long request = 4L * z.batch() * z.cell();
        return a -> {
            float[] x = new float[rows * ni], h = new float[rows * n], c = new float[rows * n];
            GateBuffers gb = new GateBuffers(a, nodeId, rows * n, 4, request);
            for (int k = 0; k < s.count(); k++) {
                int row = s.row(k), srow = s.stateRow(k);
                for (int i = 0; i < x.length; i++) x[i] = a.f32(s.input(), row * ni + i);
                for (int i = 0; i < h.length; i++) {
                    h[i] = a.f32(s.hidden(), srow * n + i);
                    c[i] = a.f32(s.cell(), srow * n + i);
                }
                // TFLite Micro's buffers: 0 forget, 1 input, 2 cell gate, 3 the recurrent product.
                int[] into = {1, 0, 2};
                for (int q : new int[] {1, 0, 2}) {
                    int buf = into[q];
                    floatGate(x, h, w[q], r[q], b[q], rows, ni, n, gb, buf, 3);
                    for (int i = 0; i < rows * n; i++) gb.setF(buf, i, q == 2 ? (float) Math.tanh(gb.f(buf, i)) : ActivationKernel.logistic(gb.f(buf, i)));
                }
                for (int i = 0; i < c.length; i++) {
                    float fc = gb.f(0, i) * c[i];
                    gb.setF(1, i, gb.f(1, i) * gb.f(2, i));
                    float v = fc + gb.f(1, i);
                    c[i] = clip > 0 ? Math.max(Math.min(clip, v), -clip) : v;
                }
                floatGate(x, h, w[3], r[3], b[3], rows, ni, n, gb, 1, 3);
                for (int i = 0; i < h.length; i++) {
                    gb.setF(1, i, ActivationKernel.logistic(gb.f(1, i)));
                    gb.setF(0, i, (float) Math.tanh(c[i]));
                    h[i] = gb.f(0, i) * gb.f(1, i);
                }
                for (int i = 0; i < h.length; i++) {
                    a.setF32(s.hidden(), srow * n + i, h[i]);
                    a.setF32(s.cell(), srow * n + i, c[i]);
                    a.setF32(s.output(), row * n + i, h[i]);
                }
            }
        };
    }

    /** Buffer {@code out} = W·x + b + R·h per row (R·h through buffer {@code tmp}), each product summed in float in TFLite's order. */
    private static void floatGate(float[] x, float[] h, float[] w, float[] r, float[] b, int rows, int ni, int n, GateBuffers gb, int out, int tmp) {
        for (int row = 0; row < rows; row++) {
            for (int o = 0; o < n; o++) {
                float acc = 0f;
                for (int d = 0; d < ni; d++) acc += x[row * ni + d] * w[o * ni + d];
                gb.setF(out, row * n + o, acc + (b == null ? 0f : b[o]));
                float rec = 0f;
                for (int d = 0; d < n; d++) rec += h[row * n + d] * r[o * n + d];
                gb.setF(tmp, row * n + o, rec);
            }
        }
        for (int i = 0; i < rows * n; i++) gb.setF(out, i, gb.f(out, i) + gb.f(tmp, i));
    }

    /**
     * The four gate buffers TFLite Micro's kernel requests (each batch x cells values of the cell
     * state's type), at the offsets the plan gives them in the arena; on the heap when the plan has none.
     * Step k uses {@code len} values of each.
     */
    static final class GateBuffers {
        private final byte[] mem;
        private final int[] off = new int[4];

        GateBuffers(Arena a, int node, int len, int width, long requestBytes) {
            boolean planned = true;
            for (int i = 0; i < 4; i++) {
                off[i] = a.scratchOffset(node, i, requestBytes);
                planned &= off[i] >= 0;
            }
            if (planned) {
                mem = a.bytes();
            } else {
                mem = new byte[4 * len * width];
                for (int i = 0; i < 4; i++) off[i] = i * len * width;
            }
        }

        short s(int b, int i) {
            int p = off[b] + 2 * i;
            return (short) ((mem[p] & 0xff) | (mem[p + 1] << 8));
        }

        void setS(int b, int i, int v) {
            int p = off[b] + 2 * i;
            mem[p] = (byte) v;
            mem[p + 1] = (byte) (v >> 8);
        }

        float f(int b, int i) {
            int p = off[b] + 4 * i;
            return Float.intBitsToFloat((mem[p] & 0xff) | (mem[p + 1] & 0xff) << 8 | (mem[p + 2] & 0xff) << 16 | mem[p + 3] << 24);
        }

        void setF(int b, int i, float v) {
            int bits = Float.floatToRawIntBits(v), p = off[b] + 4 * i;
            mem[p] = (byte) bits;
            mem[p + 1] = (byte) (bits >> 8);
            mem[p + 2] = (byte) (bits >> 16);
            mem[p + 3] = (byte) (bits >> 24);
        }
    }

    private static float[] floats(Node node, Tensor t) {
        if (t.dtype() != DType.F32) throw fail(node, "tensor " + t.id() + " is " + t.dtype().lower() + ", a float LSTM needs float weights (hybrid LSTMs are not run)");
        return TensorBytes.floats(t);
    }

    // ---------------------------------------------------------------- integer: int8 or int16 activations, int8 weights, int16 cell

    /**
     * One gate's two requantizing products: weights, bias (int32 for int8 activations, int64 for int16),
     * offsets, multiplier and shift of W·x and of R·h.
     */
    record IntGate(byte[] w, long[] bias, int wOffset, int wMult, int wShift, byte[] r, int rOffset, int rMult, int rShift) {}

    /** The multiplier and shift of a real multiplier, as TFLite's {@code QuantizeMultiplier}. */
    private static FixedPoint.Multiplier multiplier(double real) { return FixedPoint.quantizeMultiplier(real); }

    private static PreparedKernel integerKernel(Node node, Graph g, Op.UnidirectionalSequenceLstm op, Lstm.Sizes z, Steps s) {
        Tensor in = g.tensor(s.input()), hidden = g.tensor(s.hidden()), cell = g.tensor(s.cell()), out = g.tensor(s.output());
        DType act = in.dtype();
        boolean wide = act == DType.I16;
        if (hidden.dtype() != act || out.dtype() != act || cell.dtype() != DType.I16) {
            throw fail(node, "an integer LSTM needs a hidden state and output of its input's type (" + act.lower() + ") and an int16 cell state, got "
                    + hidden.dtype().lower() + ", " + out.dtype().lower() + " and " + cell.dtype().lower());
        }
        DType biasType = wide ? DType.I64 : DType.I32;
        Quantization qi = quant(node, in, "input"), qh = quant(node, hidden, "hidden state"), qc = quant(node, cell, "cell state");
        IntGate[] gates = new IntGate[4];
        for (int k = 0; k < 4; k++) {
            Tensor w = constant(g, node, Lstm.INPUT_TO_INPUT + k, GATES[k] + " gate's input weights");
            Tensor r = constant(g, node, Lstm.RECURRENT_TO_INPUT + k, GATES[k] + " gate's recurrent weights");
            Tensor b = node.hasInput(Lstm.INPUT_GATE_BIAS + k) ? constant(g, node, Lstm.INPUT_GATE_BIAS + k, GATES[k] + " gate's bias") : null;
            if (w.dtype() != DType.I8 || r.dtype() != DType.I8) throw fail(node, "the " + GATES[k] + " gate's weights must be int8");
            if (b != null && b.dtype() != biasType) throw fail(node, "the " + GATES[k] + " gate's bias must be " + biasType.lower() + " with " + act.lower() + " activations");
            Quantization qw = quant(node, w, GATES[k] + " gate's input weights"), qr = quant(node, r, GATES[k] + " gate's recurrent weights");
            if (qw.perChannel() || qr.perChannel()) throw fail(node, "TFLite Micro's LSTM takes per-tensor weight scales; the " + GATES[k] + " gate's are per channel");
            FixedPoint.Multiplier mw = multiplier((double) qi.scale() * (double) qw.scale() / GATE_INPUT_SCALE);
            FixedPoint.Multiplier mr = multiplier((double) qh.scale() * (double) qr.scale() / GATE_INPUT_SCALE);
            gates[k] = new IntGate(w.data().clone(), b == null ? null : TensorBytes.constLongs(b), (int) -qw.zeroPoint(), mw.multiplier(), mw.shift(),
                    r.data().clone(), (int) -qr.zeroPoint(), mr.multiplier(), mr.shift());
        }
        FixedPoint.Multiplier forgetMul = multiplier(GATE_OUTPUT_SCALE * (double) qc.scale() / (double) qc.scale());
        FixedPoint.Multiplier inputMul = multiplier(GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE / (double) qc.scale());
        FixedPoint.Multiplier outputMul = multiplier(GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE / (double) qh.scale());
        int cellPower = cellScalePower(qc.scale());
        Int16Sigmoid.InputScaling tanhCell = Int16Sigmoid.lstmTanhScaling(cellPower);
        int clip = op.cellClip() > 0 ? (int) Math.min(Math.max((double) op.cellClip() / (double) qc.scale(), -32768.0), 32767.0) : -1;
        int inZp = (int) qi.zeroPoint(), hZp = (int) qh.zeroPoint();
        int hMin = wide ? FixedPoint.INT16_MIN : FixedPoint.INT8_MIN, hMax = wide ? FixedPoint.INT16_MAX : FixedPoint.INT8_MAX;
        int rows = s.rows(), n = z.cell(), ni = z.input();
        int nodeId = node.id();
        long request = 2L * z.batch() * z.cell();
        return a -> {
            int[] x = new int[rows * ni], h = new int[rows * n];
            short[] c = new short[rows * n];
            GateBuffers gb = new GateBuffers(a, nodeId, rows * n, 2, request);
            for (int k = 0; k < s.count(); k++) {
                int row = s.row(k), srow = s.stateRow(k);
                for (int i = 0; i < x.length; i++) x[i] = wide ? a.i16(s.input(), row * ni + i) : a.i8(s.input(), row * ni + i);
                for (int i = 0; i < h.length; i++) {
                    h[i] = wide ? a.i16(s.hidden(), srow * n + i) : a.i8(s.hidden(), srow * n + i);
                    c[i] = a.i16(s.cell(), srow * n + i);
                }
                // TFLite Micro's buffers: 0 forget, 1 input, 2 cell gate, 3 the recurrent product.
                int[] into = {1, 0, 2};
                for (int q : new int[] {1, 0, 2}) {
                    int buf = into[q];
                    intGate(x, -inZp, h, -hZp, gates[q], wide, rows, ni, n, gb, buf, 3);
                    for (int i = 0; i < c.length; i++) {
                        short v = gb.s(buf, i);
                        gb.setS(buf, i, q == 2 ? Int16Sigmoid.tanh(v, Int16Sigmoid.Q3_12) : Int16Sigmoid.sigmoid(v, Int16Sigmoid.Q3_12));
                    }
                }
                for (int i = 0; i < c.length; i++) {
                    int fc = mul(gb.s(0, i), c[i], forgetMul, 0, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX);
                    gb.setS(1, i, mul(gb.s(1, i), gb.s(2, i), inputMul, 0, FixedPoint.INT16_MIN, FixedPoint.INT16_MAX));
                    int v = FixedPoint.saturateInt16(fc + gb.s(1, i));
                    if (clip >= 0) v = Math.max(Math.min(clip, v), -clip);
                    c[i] = (short) v;
                }
                intGate(x, -inZp, h, -hZp, gates[3], wide, rows, ni, n, gb, 1, 3);
                for (int i = 0; i < c.length; i++) {
                    gb.setS(1, i, Int16Sigmoid.sigmoid(gb.s(1, i), Int16Sigmoid.Q3_12));
                    gb.setS(0, i, Int16Sigmoid.tanh(c[i], tanhCell));
                    h[i] = mul(gb.s(0, i), gb.s(1, i), outputMul, hZp, hMin, hMax);
                }
                for (int i = 0; i < c.length; i++) {
                    a.setI16(s.cell(), srow * n + i, c[i]);
                    if (wide) {
                        a.setI16(s.hidden(), srow * n + i, h[i]);
                        a.setI16(s.output(), row * n + i, h[i]);
                    } else {
                        a.setI8(s.hidden(), srow * n + i, h[i]);
                        a.setI8(s.output(), row * n + i, h[i]);
                    }
                }
            }
        };
    }

    /**
     * {@code out = sat16(rq(W·x + b) + rq(R·h))}, each product requantized to int16 as TFLite's integer
     * FULLY_CONNECTED does: an int32 accumulator for int8 activations, an int64 one for int16.
     */
    private static void intGate(int[] x, int xOffset, int[] h, int hOffset, IntGate gt, boolean wide, int rows, int ni, int n, GateBuffers gb, int out, int tmp) {
        for (int row = 0; row < rows; row++) {
            for (int o = 0; o < n; o++) {
                long acc = 0;
                for (int d = 0; d < ni; d++) acc += (gt.w()[o * ni + d] + gt.wOffset()) * (x[row * ni + d] + xOffset);
                if (gt.bias() != null) acc += gt.bias()[o];
                gb.setS(out, row * n + o, FixedPoint.saturateInt16(requantize(acc, wide, gt.wMult(), gt.wShift())));
                long rec = 0;
                for (int d = 0; d < n; d++) rec += (gt.r()[o * n + d] + gt.rOffset()) * (h[row * n + d] + hOffset);
                gb.setS(tmp, row * n + o, FixedPoint.saturateInt16(requantize(rec, wide, gt.rMult(), gt.rShift())));
            }
        }
        for (int i = 0; i < rows * n; i++) gb.setS(out, i, FixedPoint.saturateInt16(gb.s(out, i) + gb.s(tmp, i)));
    }

    private static int requantize(long acc, boolean wide, int mult, int shift) {
        return wide ? FixedPoint.multiplyByQuantizedMultiplier(acc, mult, shift) : FixedPoint.multiplyByQuantizedMultiplier((int) acc, mult, shift);
    }

    /** TFLite's {@code MulElementwise} of two symmetric int16 values into [lo, hi] with output offset {@code zp}. */
    private static int mul(int a, int b, FixedPoint.Multiplier m, int zp, int lo, int hi) {
        return FixedPoint.clamp(zp + FixedPoint.multiplyByQuantizedMultiplier(a * b, m.multiplier(), m.shift()), lo, hi);
    }

    /** The power of two nearest {@code scale}, as TFLite's {@code CheckedLog2} rounds it (in float). */
    static int cellScalePower(float scale) {
        float log2 = (float) Math.log(scale) * (float) (1.0 / Math.log(2.0));
        return (int) FixedPoint.roundHalfAwayFromZero(log2);
    }

    private static Quantization quant(Node node, Tensor t, String what) {
        Quantization q = t.quant();
        if (q == null || q.scale() <= 0) throw fail(node, "the " + what + " (tensor " + t.id() + ") has no quantization scale");
        return q;
    }
}
