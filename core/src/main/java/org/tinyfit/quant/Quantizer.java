package org.tinyfit.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/**
 * Rewrites a float graph as an int8 one by TFLite's full-integer rules, given the calibrated range of
 * every float activation:
 * <ul>
 *   <li>activations: asymmetric int8 from their range (widened to hold 0);</li>
 *   <li>weights of CONV_2D, TRANSPOSE_CONV and FULLY_CONNECTED (axis 0) and DEPTHWISE_CONV_2D (axis 3):
 *       symmetric int8, per channel or per tensor; biases: int32 at input scale times weight scale;</li>
 *   <li>SOFTMAX and LOGISTIC outputs: scale 1/256, zero point -128; TANH: 1/128, 0 (what TFLite
 *       Micro's kernels require);</li>
 *   <li>ops whose int8 kernels copy values without rescaling (RESHAPE, pooling, PAD, STRIDED_SLICE,
 *       RELU6) and the inputs and output of a CONCATENATION share one scale and zero point: the
 *       union of their ranges. Where such a group meets a fixed output scale that cannot hold its
 *       range, the fixed op writes a tensor of its own and a QUANTIZE rescales it into the group;</li>
 *   <li>fused activations stay fused (the calibrated range is that of the activated output);</li>
 *   <li>other float constants an op reads as data (an ADD's operand, a PADV2 value) get int8 of their
 *       own range, or of the group or input they join; int32 parameters stay as they are.</li>
 * </ul>
 * Tensor order follows the float graph's; a constant used in two roles (say, weights of two layers
 * with different input scales) gets one quantized copy per role.
 */
public final class Quantizer {
    private Quantizer() {}

    private static final Quantization SOFTMAX_OUT = Quantization.perTensor(1f / 256, -128);
    private static final Quantization LOGISTIC_OUT = Quantization.perTensor(1f / 256, -128);
    private static final Quantization TANH_OUT = Quantization.perTensor(1f / 128, 0);

    /** The int8 graph for float graph {@code g}; {@code ranges} as {@link Calibration#observe} returns. */
    public static Graph quantize(Graph g, Calibration.Range[] ranges, PtqOptions options) {
        return new Run(g, ranges, options).build();
    }

    /**
     * An int8 graph and where each float activation went.
     *
     * @param tensorOf for each tensor id of the float graph, the id of the int8 tensor that holds its
     *                 values (its group's tensor where a fixed-scale output was split off), -1 for constants
     */
    public record Mapped(Graph graph, int[] tensorOf) {}

    /** As {@link #quantize}, also telling which int8 tensor holds each float activation. */
    public static Mapped quantizeMapped(Graph g, Calibration.Range[] ranges, PtqOptions options) {
        Run run = new Run(g, ranges, options);
        Graph q = run.build();
        return new Mapped(q, run.newId.clone());
    }

    /** How a node uses one of its inputs. */
    private enum Role { ACTIVATION, WEIGHTS_AXIS0, WEIGHTS_AXIS3, BIAS, DATA, PAD_VALUE, PARAMETER }

    private static final class Run {
        private final Graph g;
        private final Calibration.Range[] ranges;
        private final PtqOptions options;
        private final int[] parent;
        private final Quantization[] fixed;
        private final boolean[] split;
        private final Quantization[] groupQuant;
        private final List<Tensor> tensors = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();
        private final int[] newId;
        private final Map<String, Integer> constants = new HashMap<>();

        Run(Graph g, Calibration.Range[] ranges, PtqOptions options) {
            this.g = g;
            this.ranges = ranges;
            this.options = options;
            int n = g.tensors().size();
            parent = new int[n];
            for (int t = 0; t < n; t++) parent[t] = t;
            fixed = new Quantization[n];
            split = new boolean[n];
            groupQuant = new Quantization[n];
            newId = new int[n];
            Arrays.fill(newId, -1);
        }

        Graph build() {
            for (Node n : g.nodes()) constrain(n);
            chooseGroupQuantization();
            int[] ins = g.inputs();
            int[] graphInputs = new int[ins.length];
            List<Node> quantizeInputs = new ArrayList<>();
            for (int k = 0; k < ins.length; k++) {
                Tensor t = g.tensor(ins[k]);
                int q = add(Tensor.activation(0, options.floatIo() ? t.name() + "_int8" : t.name(), DType.I8, t.shape(), groupQuant[find(ins[k])]));
                newId[ins[k]] = q;
                if (options.floatIo()) {
                    int f = add(Tensor.activation(0, t.name(), DType.F32, t.shape(), null));
                    graphInputs[k] = f;
                    quantizeInputs.add(new Node(0, new Op.Quantize(), new int[] {f}, new int[] {q}));
                } else {
                    graphInputs[k] = q;
                }
            }
            for (Node n : quantizeInputs) addNode(n.op(), n.inputs(), n.outputs());
            for (Node n : g.nodes()) emit(n);
            int[] outs = g.outputs();
            int[] graphOutputs = new int[outs.length];
            for (int k = 0; k < outs.length; k++) {
                int q = newId[outs[k]];
                if (q < 0) throw new QuantizationException("graph output " + k + " (" + g.tensor(outs[k]).name() + ") is not computed by any node");
                if (options.floatIo()) {
                    Tensor t = tensors.get(q);
                    tensors.set(q, new Tensor(q, t.name() + "_int8", t.dtype(), t.shape(), t.quant(), null, false));
                    int f = add(Tensor.activation(0, t.name(), DType.F32, t.shape(), null));
                    addNode(new Op.Dequantize(), new int[] {q}, new int[] {f});
                    graphOutputs[k] = f;
                } else {
                    graphOutputs[k] = q;
                }
            }
            return new Graph(g.name(), tensors, nodes, graphInputs, graphOutputs, metadata(g));
        }

        /**
         * The float model's metadata, with entries read from a file's metadata table under their own
         * names again, so that entries added later (provenance) replace them rather than repeat them.
         */
        private static Map<String, String> metadata(Graph g) {
            String prefix = "tflite.metadata.";
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : g.metadata().entrySet()) {
                String k = e.getKey();
                out.put(k.startsWith(prefix) && !k.endsWith(".bytes") ? k.substring(prefix.length()) : k, e.getValue());
            }
            return out;
        }

        // ---- constraints between tensors -------------------------------------------------------

        private void constrain(Node n) {
            switch (n.op()) {
                case Op.Reshape r -> union(n.input(0), n.output(0));
                case Op.Pool2D p -> union(n.input(0), n.output(0));
                case Op.Pad p -> union(n.input(0), n.output(0));
                case Op.StridedSlice s -> union(n.input(0), n.output(0));
                case Op.Transpose t -> union(n.input(0), n.output(0));
                case Op.Resize r -> union(n.input(0), n.output(0));
                case Op.Relu6 r -> union(n.input(0), n.output(0));
                case Op.Concat c -> { for (int t : n.inputs()) if (t >= 0) union(t, n.output(0)); }
                case Op.Softmax s -> fixed[n.output(0)] = SOFTMAX_OUT;
                case Op.Logistic l -> fixed[n.output(0)] = LOGISTIC_OUT;
                case Op.Tanh t -> fixed[n.output(0)] = TANH_OUT;
                case Op.Conv2D c -> { }
                case Op.DepthwiseConv2D d -> { }
                case Op.TransposeConv t -> { }
                case Op.FullyConnected f -> { }
                case Op.Add a -> { }
                case Op.Sub s -> { }
                case Op.Mul m -> { }
                case Op.Relu r -> { }
                case Op.LeakyRelu l -> { }
                case Op.Mean m -> { }
                case Op.Quantize q -> throw new QuantizationException(n.label() + ": the model already quantizes; give tinyfit the float model");
                case Op.Dequantize d -> throw new QuantizationException(n.label() + ": the model already holds quantized tensors; give tinyfit the float model");
                case Op.BatchNorm b -> throw new QuantizationException(n.label() + ": fold batch norm into the convolution before quantizing");
                case Op.Dropout d -> throw new QuantizationException(n.label() + ": remove dropout (an identity at inference) before quantizing");
                case Op.Svdf s -> throw new QuantizationException(n.label() + ": post-training quantization of SVDF is not supported");
                case Op.UnidirectionalSequenceLstm l -> throw new QuantizationException(n.label() + ": post-training quantization of an LSTM is not supported");
                case Op.BidirectionalSequenceLstm l -> throw new QuantizationException(n.label() + ": post-training quantization of an LSTM is not supported");
                case Op.Opaque o -> throw new QuantizationException(n.label() + ": tinyfit cannot quantize an operator it does not know");
            }
        }

        private int find(int t) {
            while (parent[t] != t) {
                parent[t] = parent[parent[t]];
                t = parent[t];
            }
            return t;
        }

        private void union(int a, int b) {
            if (a < 0 || b < 0) return;
            int ra = find(a), rb = find(b);
            if (ra != rb) parent[ra] = rb;
        }

        /** The range a tensor contributes to its group: calibrated for activations, the data's extremes for constants. */
        private Calibration.Range rangeOf(int t) {
            Tensor tensor = g.tensor(t);
            if (tensor.isConstant()) {
                if (tensor.dtype() != DType.F32) return null;
                float[] v = TensorBytes.floats(tensor);
                double lo = 0, hi = 0;
                for (float x : v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
                return new Calibration.Range(lo, hi);
            }
            return ranges[t];
        }

        private void chooseGroupQuantization() {
            int n = g.tensors().size();
            Calibration.Range[] free = new Calibration.Range[n];
            Calibration.Range[] all = new Calibration.Range[n];
            Quantization[] fixedOf = new Quantization[n];
            boolean[] conflict = new boolean[n];
            int[] members = new int[n];
            for (int t = 0; t < n; t++) members[find(t)]++;
            for (int t = 0; t < n; t++) {
                if (g.tensor(t).isConstant() && members[find(t)] == 1) continue;
                checkFloat(t);
                int r = find(t);
                Calibration.Range range = rangeOf(t);
                if (range != null) all[r] = range.union(all[r]);
                if (fixed[t] != null) {
                    if (fixedOf[r] != null && !fixedOf[r].equals(fixed[t])) conflict[r] = true;
                    fixedOf[r] = fixed[t];
                } else if (range != null) {
                    free[r] = range.union(free[r]);
                }
            }
            for (int r = 0; r < n; r++) {
                if (find(r) != r || (all[r] == null && fixedOf[r] == null)) continue;
                if (fixedOf[r] != null && !conflict[r] && fits(free[r], fixedOf[r])) {
                    groupQuant[r] = fixedOf[r];
                    continue;
                }
                if (fixedOf[r] != null) {
                    for (int t = 0; t < n; t++) if (fixed[t] != null && find(t) == r) split[t] = true;
                }
                Calibration.Range range = all[r] != null ? all[r] : new Calibration.Range(0, 0);
                groupQuant[r] = AffineParams.asymmetric(range.min(), range.max());
            }
        }

        private void checkFloat(int t) {
            Tensor tensor = g.tensor(t);
            if (tensor.isConstant()) return;
            if (tensor.dtype() != DType.F32 || tensor.quant() != null) {
                throw new QuantizationException("tensor " + t + " (" + tensor.name() + ") is " + tensor.dtype().lower()
                        + (tensor.quant() != null ? ", already quantized" : "") + "; post-training quantization takes a float32 model");
            }
        }

        /** Whether every value of {@code r} lies within one step of what {@code q} represents. */
        private static boolean fits(Calibration.Range r, Quantization q) {
            if (r == null) return true;
            double[] rep = AffineParams.representable(q);
            return r.min() >= rep[0] - q.scale() && r.max() <= rep[1] + q.scale();
        }

        // ---- emitting the int8 graph -----------------------------------------------------------

        private int add(Tensor t) {
            int id = tensors.size();
            tensors.add(t.withId(id));
            return id;
        }

        private void addNode(Op op, int[] ins, int[] outs) {
            nodes.add(new Node(nodes.size(), op, ins, outs));
        }

        private void emit(Node n) {
            int[] ins = n.inputs();
            int[] mapped = new int[ins.length];
            for (int k = 0; k < ins.length; k++) mapped[k] = ins[k] < 0 ? -1 : input(n, k, mapped);
            int[] outs = n.outputs();
            int[] newOuts = new int[outs.length];
            List<int[]> requantize = new ArrayList<>();
            for (int k = 0; k < outs.length; k++) {
                int t = outs[k];
                checkFloat(t);
                Tensor old = g.tensor(t);
                int id = add(Tensor.activation(0, old.name(), DType.I8, old.shape(), groupQuant[find(t)]));
                newId[t] = id;
                if (split[t]) {
                    int own = add(Tensor.activation(0, old.name() + "_" + n.op().kind().toLowerCase(java.util.Locale.ROOT), DType.I8, old.shape(), fixed[t]));
                    newOuts[k] = own;
                    requantize.add(new int[] {own, id});
                } else {
                    newOuts[k] = id;
                }
            }
            addNode(n.op(), mapped, newOuts);
            for (int[] r : requantize) addNode(new Op.Quantize(), new int[] {r[0]}, new int[] {r[1]});
        }

        /** The new id of input {@code k} of {@code n}; {@code mapped} holds those of earlier inputs. */
        private int input(Node n, int k, int[] mapped) {
            int t = n.input(k);
            Tensor old = g.tensor(t);
            if (!old.isConstant()) {
                if (newId[t] < 0) throw new QuantizationException(n.label() + ": input " + k + " (" + old.name() + ") is not computed before it");
                return newId[t];
            }
            if (old.dtype() != DType.F32) return constant("param:" + t, () -> Tensor.constant(0, old.name(), old.dtype(), old.shape(), old.quant(), old.data()));
            Role role = role(n, k);
            float[] values = TensorBytes.floats(old);
            return switch (role) {
                case WEIGHTS_AXIS0, WEIGHTS_AXIS3 -> {
                    int axis = role == Role.WEIGHTS_AXIS0 ? 0 : 3;
                    float[] floor = biasFloor(n, values, old.shape().dims(), axis);
                    yield constant("w:" + t + (floor == null ? "" : ":" + Arrays.toString(floor)), () -> {
                        AffineParams.Weights w = AffineParams.symmetric(values, old.shape().dims(), axis, options.perChannel(), floor);
                        return Tensor.constant(0, old.name(), DType.I8, old.shape(), w.quant(), w.data());
                    });
                }
                case BIAS -> {
                    int actIn = n.op() instanceof Op.TransposeConv ? 2 : 0;
                    float inScale = tensors.get(mapped[actIn]).quant().scale();
                    Quantization wq = tensors.get(mapped[1]).quant();
                    yield constant("b:" + t + ":" + Float.floatToIntBits(inScale) + ":" + mapped[1], () -> {
                        AffineParams.Weights b = AffineParams.bias(values, inScale, wq);
                        return Tensor.constant(0, old.name(), DType.I32, old.shape(), b.quant(), b.data());
                    });
                }
                case PAD_VALUE -> {
                    Quantization q = tensors.get(mapped[0]).quant();
                    yield constant("v:" + t + ":" + q, () -> int8Constant(old, values, q));
                }
                case DATA -> {
                    Quantization q = groupQuant[find(t)] != null ? groupQuant[find(t)] : ownRange(values);
                    yield constant("d:" + t + ":" + q, () -> int8Constant(old, values, q));
                }
                case ACTIVATION, PARAMETER -> throw new QuantizationException(n.label() + ": input " + k + " (" + old.name() + ") is a float constant where " + n.op().kind() + " expects " + (role == Role.ACTIVATION ? "an activation" : "an integer parameter"));
            };
        }

        /**
         * The weight scales below which {@code n}'s float bias would not fit int32 at input scale times
         * weight scale ({@link AffineParams#biasScaleFloor}), or null when it fits at the scales the
         * weights get anyway (or there is no float bias).
         */
        private float[] biasFloor(Node n, float[] weights, int[] dims, int axis) {
            boolean transpose = n.op() instanceof Op.TransposeConv;
            int biasAt = transpose ? 3 : 2, actAt = transpose ? 2 : 0;
            if (!n.hasInput(biasAt) || !n.hasInput(actAt)) return null;
            Tensor b = g.tensor(n.input(biasAt));
            Quantization in = groupQuant[find(n.input(actAt))];
            if (!b.isConstant() || b.dtype() != DType.F32 || in == null) return null;
            float[] natural = AffineParams.symmetric(weights, dims, axis, options.perChannel()).quant().scales();
            float[] bias = TensorBytes.floats(b);
            if (natural.length != 1 && natural.length != bias.length) return null;
            float[] floor = AffineParams.biasScaleFloor(bias, in.scale(), natural);
            for (float f : floor) if (f > 0) return floor;
            return null;
        }

        private static Quantization ownRange(float[] values) {
            double lo = 0, hi = 0;
            for (float v : values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            return AffineParams.asymmetric(lo, hi);
        }

        private static Tensor int8Constant(Tensor old, float[] values, Quantization q) {
            byte[] data = new byte[values.length];
            for (int i = 0; i < values.length; i++) data[i] = (byte) AffineParams.quantize(values[i], q.scale(), q.zeroPoint());
            return Tensor.constant(0, old.name(), DType.I8, old.shape(), q, data);
        }

        private int constant(String key, java.util.function.Supplier<Tensor> make) {
            Integer id = constants.get(key);
            if (id == null) {
                id = add(make.get());
                constants.put(key, id);
            }
            return id;
        }

        private static Role role(Node n, int k) {
            return switch (n.op()) {
                case Op.Conv2D c -> k == 0 ? Role.ACTIVATION : k == 1 ? Role.WEIGHTS_AXIS0 : Role.BIAS;
                case Op.FullyConnected f -> k == 0 ? Role.ACTIVATION : k == 1 ? Role.WEIGHTS_AXIS0 : Role.BIAS;
                case Op.DepthwiseConv2D d -> k == 0 ? Role.ACTIVATION : k == 1 ? Role.WEIGHTS_AXIS3 : Role.BIAS;
                case Op.TransposeConv t -> k == 0 ? Role.PARAMETER : k == 1 ? Role.WEIGHTS_AXIS0 : k == 2 ? Role.ACTIVATION : Role.BIAS;
                case Op.Pad p -> k == 0 ? Role.DATA : k == 1 ? Role.PARAMETER : Role.PAD_VALUE;
                case Op.Reshape r -> k == 0 ? Role.DATA : Role.PARAMETER;
                case Op.Mean m -> k == 0 ? Role.DATA : Role.PARAMETER;
                case Op.StridedSlice s -> k == 0 ? Role.DATA : Role.PARAMETER;
                case Op.Transpose t -> k == 0 ? Role.DATA : Role.PARAMETER;
                case Op.Resize r -> k == 0 ? Role.DATA : Role.PARAMETER;
                case Op.Add a -> Role.DATA;
                case Op.Sub s -> Role.DATA;
                case Op.Mul m -> Role.DATA;
                case Op.Concat c -> Role.DATA;
                case Op.Pool2D p -> Role.DATA;
                case Op.Softmax s -> Role.DATA;
                case Op.Relu r -> Role.DATA;
                case Op.Relu6 r -> Role.DATA;
                case Op.Logistic l -> Role.DATA;
                case Op.Tanh t -> Role.DATA;
                case Op.LeakyRelu l -> Role.DATA;
                case Op.Quantize q -> Role.DATA;
                case Op.Dequantize d -> Role.DATA;
                case Op.BatchNorm b -> Role.PARAMETER;
                case Op.Dropout d -> Role.DATA;
                case Op.Svdf s -> Role.PARAMETER;
                case Op.UnidirectionalSequenceLstm s -> Role.PARAMETER;
                case Op.BidirectionalSequenceLstm s -> Role.PARAMETER;
                case Op.Opaque o -> Role.PARAMETER;
            };
        }
    }
}
