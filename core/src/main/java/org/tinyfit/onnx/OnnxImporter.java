package org.tinyfit.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.onnx.OnnxTensors.Value;
import com.google.protobuf.ByteString;
import org.tinyfit.onnx.proto.OnnxProto.AttributeProto;
import org.tinyfit.onnx.proto.OnnxProto.GraphProto;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.NodeProto;
import org.tinyfit.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorShapeProto;
import org.tinyfit.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * Turns a parsed ONNX model into a tinyfit {@link Graph}. Values whose inputs are all constant are
 * folded; the rest become tinyfit nodes. Four-dimensional image tensors are stored NHWC: each value
 * remembers how its tinyfit tensor's dimensions relate to the ONNX ones, weights and constants are
 * permuted to match once, and axis attributes are mapped, so no Transpose is ever needed. Batch
 * normalization folds into the convolution or linear layer before it, and ReLU-like activations fuse
 * into it. Nodes tinyfit cannot import are collected and reported together, in one message.
 */
final class OnnxImporter {
    /** Metadata key prefix: {@code onnx.layout.<tensor name>} = {@code NCHW} for an NCHW value stored NHWC. */
    static final String LAYOUT_KEY = "onnx.layout.";

    /** The ops tinyfit imports (each also when all its inputs are constant, through the folder). */
    static final Set<String> SUPPORTED = Set.of("LSTM", "Conv", "ConvTranspose", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "HardSwish", "Add", "Mul", "Sub", "Div", "Concat", "Reshape",
            "Flatten", "Squeeze", "Unsqueeze", "Pad", "Softmax", "BatchNormalization", "ReduceMean", "Identity", "Dropout",
            "QuantizeLinear", "DequantizeLinear", "Neg", "Slice", "QLinearConv", "QLinearMatMul", "QLinearAdd");

    /** ONNX Runtime's contrib domain, which defines QLinearAdd. */
    static final String MICROSOFT = "com.microsoft";

    /** The ops that can start a spatial (NCHW) region: a 4-D graph input they read is stored NHWC. */
    private static final Set<String> SPATIAL = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
            "BatchNormalization", "QLinearConv");

    /** A value being imported: a constant, or a tensor of the tinyfit graph. */
    private sealed interface Val permits Const, Act {}

    private record Const(Value v) implements Val {}

    /**
     * A tinyfit tensor holding ONNX value of shape {@code dims}. {@code perm}: tinyfit dimension i is
     * ONNX dimension perm[i] (null: the same order). {@code flatChw}: a 2-D [N, C*H*W] value whose
     * tinyfit data is in H, W, C order (a flattened NHWC image), else null.
     */
    private record Act(int tensor, int[] dims, int[] perm, int[] flatChw) implements Val {
        Act(int tensor, int[] dims, int[] perm) { this(tensor, dims, perm, null); }

        boolean plain() { return Layouts.isIdentity(perm) && flatChw == null; }
    }

    /** A node tinyfit cannot import: the reason is collected, and the node's outputs are skipped. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(String why) { super(why, null, false, false); }
    }

    private final ModelProto model;
    private final GraphProto g;
    private final String file;
    private final Map<String, Value> bound;
    private final int opset;
    private final Map<String, Val> values = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Integer> producer = new HashMap<>();
    private final Set<Integer> ownConstants = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Integer> inputs = new ArrayList<>();
    private final List<String> unsupported = new ArrayList<>();
    /** Constant weights folded from a DequantizeLinear of int8 values with zero point 0: their scales per slice of {@code axis}. */
    private final Map<Value, WeightScales> dequantized = new java.util.IdentityHashMap<>();
    /** Float filters and weights made from such constants: their scales per output channel. */
    private final Map<Integer, float[]> weightScales = new HashMap<>();
    private final boolean fuseQuantized;

    private record WeightScales(float[] scales, int axis) {}
    private final Set<String> poisoned = new HashSet<>();

    OnnxImporter(ModelProto model, String file, Map<String, Value> bound) { this(model, file, bound, true); }

    /** {@code fuseQuantized}: run QuantizeLinear/DequantizeLinear pairs around a conv or linear layer as one int8 op (else in float, as written). */
    OnnxImporter(ModelProto model, String file, Map<String, Value> bound, boolean fuseQuantized) {
        this.fuseQuantized = fuseQuantized;
        this.model = model;
        this.g = model.getGraph();
        this.file = file;
        this.bound = bound == null ? Map.of() : bound;
        int v = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) v = (int) Math.min(Integer.MAX_VALUE, Math.max(v, o.getVersion()));
        }
        this.opset = v < 0 ? 1 : v;
    }

    Graph importGraph() {
        List<NodeProto> order = topologicalOrder();
        List<String> unknown = new ArrayList<>();
        for (NodeProto n : order) {
            boolean ours = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") || (n.getDomain().equals(MICROSOFT) && n.getOpType().equals("QLinearAdd"));
            if (!ours || !(SUPPORTED.contains(n.getOpType()) || ConstantFolder.FOLDABLE.contains(n.getOpType()))) {
                unknown.add(describe(n) + (ours ? "" : " in domain " + n.getDomain()));
            }
        }
        if (!unknown.isEmpty()) throw new OnnxFormatException(unsupportedMessage(unknown));
        for (NodeProto n : g.getNodeList()) for (String i : n.getInputList()) if (!i.isEmpty()) uses.merge(i, 1, Integer::sum);
        for (ValueInfoProto o : g.getOutputList()) {
            uses.merge(o.getName(), 1, Integer::sum);
            graphOutputs.add(o.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            values.put(t.getName(), new Const(OnnxTensors.decode(t, file + ": initializer '" + t.getName() + "'")));
        }
        for (ValueInfoProto in : g.getInputList()) {
            if (values.containsKey(in.getName())) continue; // an initializer listed as an input (IR < 4)
            Value b = bound.get(in.getName());
            if (b != null) values.put(in.getName(), new Const(b));
        }
        Set<Integer> spatialRanks = spatialRanks(order);
        for (ValueInfoProto in : g.getInputList()) {
            if (!values.containsKey(in.getName())) addGraphInput(in, spatialRanks);
        }
        for (NodeProto n : order) {
            String where = file + ": " + describe(n);
            if (n.getInputList().stream().anyMatch(poisoned::contains)) {
                poisoned.addAll(n.getOutputList());
                continue;
            }
            try {
                importNode(n, where);
            } catch (Unsupported e) {
                unsupported.add(describe(n) + ": " + e.getMessage());
                poisoned.addAll(n.getOutputList());
            } catch (GraphException e) {
                if (e instanceof OnnxFormatException) throw e;
                throw new OnnxFormatException(where + ": " + e.getMessage(), e);
            } catch (ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                throw new OnnxFormatException(where + ": inconsistent shapes or attributes (" + e.getMessage() + ")", e);
            } catch (NullPointerException e) {
                throw new OnnxFormatException(where + ": a required input or attribute is missing", e);
            }
        }
        if (!unsupported.isEmpty()) throw new OnnxFormatException(unsupportedMessage(unsupported));
        int[] outs = new int[g.getOutputCount()];
        for (int k = 0; k < outs.length; k++) {
            String name = g.getOutput(k).getName();
            Val v = values.get(name);
            if (v == null) throw new OnnxFormatException(file + ": graph output '" + name + "' is computed by no node");
            Act a = v instanceof Act act ? act : materialize((Const) v, name);
            if (a.flatChw() != null) throw new OnnxFormatException(file + ": graph output '" + name + "' is a flattened image; tinyfit would need a Transpose to give it in ONNX's order");
            if (!Layouts.isIdentity(a.perm())) {
                if (Arrays.equals(a.perm(), Layouts.NHWC)) metadata.put(LAYOUT_KEY + tensors.get(a.tensor()).name(), "NCHW");
                else if (Arrays.equals(a.perm(), NLC)) metadata.put(LAYOUT_KEY + tensors.get(a.tensor()).name(), "NCL");
                else throw new OnnxFormatException(file + ": graph output '" + name + "' is held in an order tinyfit cannot give back without a Transpose");
            }
            outs[k] = a.tensor();
        }
        metadata.put("onnx.opset", Integer.toString(opset));
        if (!model.getProducerName().isEmpty()) metadata.put("onnx.producer", (model.getProducerName() + " " + model.getProducerVersion()).trim());
        try {
            List<Node> finalNodes = fuseQuantized && !weightScales.isEmpty() ? fuseQdq(nodes, outs) : nodes;
            Graph graph = new Graph(g.getName().isEmpty() ? "onnx" : g.getName(), tensors, finalNodes, inputs.stream().mapToInt(Integer::intValue).toArray(), outs, metadata);
            ShapeInference.check(graph);
            return graph;
        } catch (GraphException e) {
            throw new OnnxFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private String unsupportedMessage(List<String> what) {
        return file + " (opset " + opset + "): " + what.size() + " node" + (what.size() == 1 ? "" : "s") + " tinyfit cannot import: " + String.join("; ", what);
    }

    private static String describe(NodeProto n) {
        String name = n.getName().isEmpty() ? (n.getOutputCount() > 0 ? "-> " + n.getOutput(0) : "?") : n.getName();
        return "node '" + name + "' (" + n.getOpType() + ")";
    }

    /**
     * The nodes in an order where each value is computed before it is read (ONNX requires the stored
     * order to be one; exporters sometimes break that). A cycle, a value computed twice or a value no
     * one computes is an error.
     */
    private List<NodeProto> topologicalOrder() {
        List<NodeProto> all = g.getNodeList();
        Map<String, Integer> writer = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            for (String o : all.get(i).getOutputList()) {
                if (o.isEmpty()) continue;
                Integer prev = writer.put(o, i);
                if (prev != null) throw new OnnxFormatException(file + ": value '" + o + "' is written by both " + describe(all.get(prev)) + " and " + describe(all.get(i)));
            }
        }
        Set<String> available = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) available.add(t.getName());
        for (ValueInfoProto v : g.getInputList()) {
            if (writer.containsKey(v.getName())) throw new OnnxFormatException(file + ": graph input '" + v.getName() + "' is also written by a node");
            available.add(v.getName());
        }
        int[] pending = new int[all.size()];
        Map<String, List<Integer>> readers = new HashMap<>();
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < all.size(); i++) {
            for (String in : new HashSet<>(all.get(i).getInputList())) {
                if (in.isEmpty() || available.contains(in)) continue;
                if (!writer.containsKey(in)) throw new OnnxFormatException(file + ": " + describe(all.get(i)) + " reads '" + in + "', which is neither a graph input, an initializer nor written by a node");
                pending[i]++;
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
            if (pending[i] == 0) ready.add(i);
        }
        List<NodeProto> out = new ArrayList<>(all.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(all.get(i));
            for (String o : all.get(i).getOutputList()) {
                for (int r : readers.getOrDefault(o, List.of())) if (--pending[r] == 0) ready.add(r);
            }
        }
        if (out.size() != all.size()) {
            for (int i = 0; i < all.size(); i++) {
                if (pending[i] > 0) throw new OnnxFormatException(file + ": the graph has a cycle through " + describe(all.get(i)));
            }
        }
        return out;
    }

    /**
     * The ranks of the images the model's windowed ops read (4 for 2-D, 3 for 1-D): a graph input of
     * such a rank is held channels-last.
     */
    private Set<Integer> spatialRanks(List<NodeProto> order) {
        Set<Integer> ranks = new HashSet<>();
        for (NodeProto n : order) {
            if (!SPATIAL.contains(n.getOpType())) continue;
            int[] k = new Attrs(n, file).ints("kernel_shape", null);
            if (k != null) ranks.add(k.length + 2);
            else if (n.getOpType().equals("QLinearConv") && n.getInputCount() > 3 && values.get(n.getInput(3)) instanceof Const c) ranks.add(c.v().dims().length);
            else if (n.getInputCount() > 1 && values.get(n.getInput(1)) instanceof Const c && !n.getOpType().equals("BatchNormalization")) ranks.add(c.v().dims().length);
            else ranks.add(4);
        }
        return ranks;
    }

    private void addGraphInput(ValueInfoProto in, Set<Integer> spatialRanks) {
        String where = file + ": graph input '" + in.getName() + "'";
        if (!in.hasType() || !in.getType().hasTensorType()) throw new OnnxFormatException(where + " is not a tensor");
        int type = in.getType().getTensorType().getElemType();
        DType dt = OnnxTensors.dtype(type);
        if (dt == null || !(dt == DType.F32 || dt == DType.I8 || dt == DType.U8)) {
            throw new OnnxFormatException(where + " holds " + OnnxTensors.typeName(type) + "; tinyfit takes float32, int8 or uint8 inputs");
        }
        TensorShapeProto shape = in.getType().getTensorType().getShape();
        if (shape.getDimCount() > OnnxTensors.MAX_RANK) throw new OnnxFormatException(where + " has " + shape.getDimCount() + " dimensions");
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < shape.getDimCount(); i++) {
            TensorShapeProto.Dimension d = shape.getDim(i);
            if (d.hasDimValue() && d.getDimValue() == 0) throw new OnnxFormatException(where + " has an empty dimension " + i + "; tinyfit needs at least one element");
            if (d.hasDimValue()) dims.add(d.getDimValue());
            else if (i == 0) dims.add(1L); // a symbolic batch: tinyfit runs one sample at a time
            else throw new OnnxFormatException(where + " has a symbolic or empty dimension " + i + " ('" + d.getDimParam() + "'); tinyfit needs fixed shapes: export with a fixed input size");
        }
        int[] d = OnnxTensors.dims(dims, where);
        int[] perm = !spatialRanks.contains(d.length) ? null : d.length == 4 ? Layouts.NHWC : d.length == 3 ? NLC : null;
        int id = tensors.size();
        tensors.add(Tensor.activation(id, in.getName(), dt, new Shape(Layouts.permute(d, perm)), null));
        inputs.add(id);
        if (perm != null) metadata.put(LAYOUT_KEY + in.getName(), d.length == 4 ? "NCHW" : "NCL");
        values.put(in.getName(), new Act(id, d, perm));
    }

    // ---- building the tinyfit graph -------------------------------------------------------------

    private int constant(String name, DType dt, int[] dims, double[] v) {
        if (dt.bytes() == 0 || dt == DType.F16) throw new OnnxFormatException(file + ": constant '" + name + "' of type " + dt.lower() + " cannot be stored");
        ByteBuffer b = ByteBuffer.allocate(v.length * dt.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) TensorBytes.put(b, dt, i, v[i]);
        int id = tensors.size();
        tensors.add(Tensor.constant(id, uniqueName(name), dt, new Shape(dims), null, b.array()));
        ownConstants.add(id);
        return id;
    }

    private final Set<String> names = new HashSet<>();

    private String uniqueName(String base) {
        String n = base;
        for (int k = 1; !names.add(n); k++) n = base + "_" + k;
        return n;
    }

    private int i32(String name, int... v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return constant(name, DType.I32, new int[] {v.length}, d);
    }

    private int f32(String name, int[] dims, double[] v) { return constant(name, DType.F32, dims, v); }

    /** Adds a node with one output of inferred shape; returns the output tensor id. */
    private int emit(Op op, String outName, DType dt, Quantization q, int... ins) {
        int out = tensors.size();
        Node n = new Node(nodes.size(), op, ins, new int[] {out});
        Shape[] shapes = ShapeInference.infer(n, i -> n.hasInput(i) ? tensors.get(n.input(i)) : null);
        if (shapes[0] == null) throw new OnnxFormatException(file + ": " + n.label() + " for '" + outName + "': the output shape is unknown");
        tensors.add(Tensor.activation(out, uniqueName(outName), dt, shapes[0], q));
        nodes.add(n);
        producer.put(out, n.id());
        return out;
    }

    /** Adds a node whose output has input 0's element type and quantization. */
    private int emit(Op op, String outName, int... ins) {
        Tensor first = tensors.get(ins[0]);
        return emit(op, outName, first.dtype(), first.quant(), ins);
    }

    private Act materialize(Const c, String name) {
        DType dt = OnnxTensors.dtype(c.v().type());
        if (dt == null) throw new OnnxFormatException(file + ": constant '" + name + "' has type " + OnnxTensors.typeName(c.v().type()));
        return new Act(constant(name, dt, c.v().dims(), c.v().values()), c.v().dims(), null);
    }

    private Val in(NodeProto n, int i) {
        if (i >= n.getInputCount() || n.getInput(i).isEmpty()) return null;
        Val v = values.get(n.getInput(i));
        if (v == null) throw new OnnxFormatException(file + ": " + describe(n) + " reads '" + n.getInput(i) + "', which has no value");
        return v;
    }

    private Value constIn(NodeProto n, int i, String what) {
        Val v = in(n, i);
        if (v == null) return null;
        if (v instanceof Const c) return c.v();
        throw new Unsupported(what + " (input " + i + ", '" + n.getInput(i) + "') is computed at run time; tinyfit needs it constant");
    }

    private Act actIn(NodeProto n, int i) {
        Val v = in(n, i);
        if (v == null) throw new OnnxFormatException(file + ": " + describe(n) + ": input " + i + " is missing");
        if (v instanceof Act a) return a;
        return materialize((Const) v, n.getInput(i));
    }

    private void put(NodeProto n, Val v) {
        if (n.getOutputCount() == 0) throw new OnnxFormatException(file + ": " + describe(n) + " has no output");
        values.put(n.getOutput(0), v);
    }

    private boolean onlyUse(String value) { return uses.getOrDefault(value, 0) == 1 && !graphOutputs.contains(value); }

    // ---- nodes ----------------------------------------------------------------------------------

    private void importNode(NodeProto n, String where) {
        Attrs a = new Attrs(n, where);
        String op = n.getOpType();
        List<Value> consts = new ArrayList<>();
        boolean allConst = true;
        for (int i = 0; i < n.getInputCount(); i++) {
            Val v = in(n, i);
            if (v instanceof Act) allConst = false;
            consts.add(v instanceof Const c ? c.v() : null);
        }
        if (op.equals("Shape") && in(n, 0) instanceof Act x) {
            consts.set(0, new Value(OnnxTensors.FLOAT, x.dims(), new double[0]));
            allConst = true;
        }
        if (allConst && ConstantFolder.FOLDABLE.contains(op)) {
            Value[] out = ConstantFolder.fold(op, a, consts, opset, where);
            if (out != null && op.equals("DequantizeLinear")) noteDequantized(out[0], consts, a);
            if (out != null) {
                for (int k = 0; k < out.length && k < n.getOutputCount(); k++) values.put(n.getOutput(k), new Const(out[k]));
                return;
            }
        }
        if (ConstantFolder.FOLD_ONLY.contains(op)) throw new Unsupported("tinyfit folds " + op + " only when all its inputs are constant");
        String name = n.getOutputCount() > 0 ? n.getOutput(0) : n.getName();
        switch (op) {
            case "Identity" -> put(n, in(n, 0));
            case "Dropout" -> dropout(n, a);
            case "Conv" -> conv(n, a, name);
            case "ConvTranspose" -> convTranspose(n, a, name);
            case "Gemm" -> gemm(n, a, name);
            case "MatMul" -> matmul(n, name);
            case "MaxPool", "AveragePool" -> pool(n, a, name, op.equals("MaxPool"));
            case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(n, name, op.equals("GlobalMaxPool"));
            case "Relu" -> activation(n, name, Op.Act.RELU);
            case "Clip" -> clip(n, a, name);
            case "Sigmoid" -> unary(n, name, new Op.Logistic());
            case "Tanh" -> unary(n, name, new Op.Tanh());
            case "LeakyRelu" -> unary(n, name, new Op.LeakyRelu(a.f("alpha", 0.01f)));
            case "HardSwish" -> hardSwish(n, name);
            case "Neg" -> {
                Act x = actIn(n, 0);
                put(n, new Act(emit(new Op.Mul(Op.Act.NONE), name, x.tensor(), f32(name + "_minus_one", new int[0], new double[] {-1})), x.dims(), x.perm(), x.flatChw()));
            }
            case "Slice" -> slice(n, a, name);
            case "QLinearConv" -> qlinearConv(n, a, name);
            case "QLinearMatMul" -> qlinearMatMul(n, name);
            case "QLinearAdd" -> qlinearAdd(n, name);
            case "Add", "Sub", "Mul", "Div" -> binary(n, name, op);
            case "Concat" -> concat(n, a, name);
            case "Reshape", "Flatten", "Squeeze", "Unsqueeze" -> reshape(n, a, name, op);
            case "Pad" -> pad(n, a, name);
            case "Softmax" -> softmax(n, a, name);
            case "BatchNormalization" -> batchNorm(n, a, name);
            case "ReduceMean" -> reduceMean(n, a, name);
            case "QuantizeLinear" -> quantize(n, a, name, true);
            case "DequantizeLinear" -> quantize(n, a, name, false);
            case "LSTM" -> lstm(n, a, name);
            default -> throw new Unsupported("not supported");
        }
    }

    /** Dropout at inference is the identity; in training mode (with a non-zero ratio) it is random, which tinyfit does not import. */
    private void dropout(NodeProto n, Attrs a) {
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty() && uses.containsKey(n.getOutput(1))) throw new Unsupported("the dropout mask is used");
        if (opset >= 12 && in(n, 2) != null) {
            Value training = constIn(n, 2, "training_mode");
            Value ratio = in(n, 1) == null ? null : constIn(n, 1, "ratio");
            double r = ratio == null ? 0.5 : ConstantFolder.scalar(ratio, file + ": " + describe(n));
            if (ConstantFolder.scalar(training, file + ": " + describe(n)) != 0 && r != 0) throw new Unsupported("training_mode=1 (random dropout)");
        } else if (a.i("is_test", 1) == 0 && opset < 7) {
            throw new Unsupported("is_test=0 (random dropout)");
        }
        put(n, in(n, 0));
    }

    /**
     * A node's image input as a tinyfit NHWC tensor: a 2-D image (NCHW held as NHWC) as it is, a 1-D
     * signal (NCL held as NLC) reshaped to height 1. {@code c, h, w} are the ONNX sizes.
     */
    private record Image(int tensor, int batch, int c, int h, int w, boolean oneD) {}

    private Image spatialInput(NodeProto n, String name) { return spatial(actIn(n, 0), name); }

    private Image spatial(Act x, String name) {
        int r = x.dims().length;
        if (r == 4 && Arrays.equals(x.perm(), Layouts.NHWC)) return new Image(x.tensor(), x.dims()[0], x.dims()[1], x.dims()[2], x.dims()[3], false);
        if (r == 3 && Arrays.equals(x.perm(), NLC)) {
            int[] d = x.dims();
            int[] view = {d[0], 1, d[2], d[1]};
            int t = emit(new Op.Reshape(view), name + "_as_image", x.tensor(), i32(name + "_as_image_shape", view));
            return new Image(t, d[0], d[1], 1, d[2], true);
        }
        if (r != 3 && r != 4) throw new Unsupported("input of rank " + r + " (1-D and 2-D convolutions and pooling are supported)");
        throw new Unsupported("the input is not an image that tinyfit holds channels-last (it would need a Transpose)");
    }

    /** NCL to NLC: a 1-D signal held channels-last. */
    private static final int[] NLC = {0, 2, 1};

    /** A 2-D attribute (strides, dilations, kernel_shape) of a 1-D or 2-D op, as [h, w]. */
    private int[] pair(Attrs a, String name, int[] def, Image img) {
        int[] v = a.ints(name, null);
        if (v == null) return def;
        if (img.oneD() && v.length == 1) return new int[] {1, v[0]};
        if (!img.oneD() && v.length == 2) return v;
        throw new OnnxFormatException(file + ": attribute " + name + " " + Arrays.toString(v) + " does not fit a " + (img.oneD() ? "1" : "2") + "-D input");
    }

    /** pads as [top, left, bottom, right] for a 1-D or 2-D op. */
    private int[] pads(Attrs a, Image img) {
        int[] p = a.ints("pads", null);
        if (p == null) return new int[4];
        if (img.oneD() && p.length == 2) return new int[] {0, p[0], 0, p[1]};
        if (!img.oneD() && p.length == 4) return p;
        throw new OnnxFormatException(file + ": pads " + Arrays.toString(p) + " do not fit a " + (img.oneD() ? "1" : "2") + "-D input");
    }

    /** The ONNX value of an NHWC result: an image, or a 1-D signal reshaped back from height 1. */
    private Act image(int tensor, boolean oneD, String name) {
        int[] t = tensors.get(tensor).shape().dims();
        if (!oneD) return new Act(tensor, new int[] {t[0], t[3], t[1], t[2]}, Layouts.NHWC);
        int[] nlc = {t[0], t[2], t[3]};
        int out = emit(new Op.Reshape(nlc), name, tensor, i32(name + "_shape", nlc));
        return new Act(out, new int[] {t[0], t[3], t[2]}, NLC);
    }

    private record Window(Op.Padding padding, int[] explicit) {}

    /**
     * ONNX padding (auto_pad, or pads [top, left, bottom, right]) as TFLite's SAME or VALID, or, when
     * neither matches, VALID after explicit padding.
     */
    private Window window(String auto, int[] pads, int inH, int inW, int kH, int kW, int sH, int sW, int dH, int dW, boolean ceil) {
        int effH = (kH - 1) * dH + 1, effW = (kW - 1) * dW + 1;
        int[] same = samePads(inH, inW, effH, effW, sH, sW, false);
        switch (auto) {
            case "SAME_UPPER": return new Window(Op.Padding.SAME, null);
            case "SAME_LOWER": pads = samePads(inH, inW, effH, effW, sH, sW, true); break;
            case "VALID": return new Window(Op.Padding.VALID, null);
            case "NOTSET": break;
            default: throw new Unsupported("auto_pad " + auto);
        }
        for (int p : pads) if (p < 0) throw new Unsupported("negative pads " + Arrays.toString(pads));
        int outH = outSize(inH + pads[0] + pads[2], effH, sH, ceil), outW = outSize(inW + pads[1] + pads[3], effW, sW, ceil);
        if (outH <= 0 || outW <= 0) throw new OnnxFormatException(file + ": the window " + kH + "x" + kW + " does not fit the padded input " + inH + "x" + inW);
        if (ceil && (outH != outSize(inH + pads[0] + pads[2], effH, sH, false) || outW != outSize(inW + pads[1] + pads[3], effW, sW, false))) {
            boolean sameAsSame = pads[0] == same[0] && pads[1] == same[1] && outH == (inH + sH - 1) / sH && outW == (inW + sW - 1) / sW;
            if (!sameAsSame) throw new Unsupported("ceil_mode=1 with a partial last window");
            return new Window(Op.Padding.SAME, null);
        }
        if (pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0) return new Window(Op.Padding.VALID, null);
        if (Arrays.equals(pads, same)) return new Window(Op.Padding.SAME, null);
        return new Window(Op.Padding.VALID, pads);
    }

    private static int outSize(int padded, int eff, int stride, boolean ceil) {
        if (padded < eff) return 0;
        return ceil ? (padded - eff + stride - 1) / stride + 1 : (padded - eff) / stride + 1;
    }

    /** TFLite's SAME pads [top, left, bottom, right] (extra pixel at the end; at the start when {@code lower}). */
    private static int[] samePads(int inH, int inW, int effH, int effW, int sH, int sW, boolean lower) {
        int th = Math.max(0, ((inH + sH - 1) / sH - 1) * sH + effH - inH), tw = Math.max(0, ((inW + sW - 1) / sW - 1) * sW + effW - inW);
        return lower ? new int[] {th - th / 2, tw - tw / 2, th / 2, tw / 2} : new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
    }

    /** Pads an NHWC tensor with {@code value}; {@code pads} = [top, left, bottom, right]. */
    private int padSpatial(int x, int[] pads, float value, String name) {
        int p = constant(name + "_pads", DType.I32, new int[] {4, 2}, new double[] {0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0});
        if (value == 0) return emit(new Op.Pad(), name + "_padded", x, p);
        return emit(new Op.Pad(), name + "_padded", x, p, f32(name + "_pad_value", new int[0], new double[] {value}));
    }

    /** A filter as [O, I, kH, kW]: a 1-D one [O, I, k] gains height 1. */
    private int[] filterDims(Value w, Image img) {
        int[] wd = w.dims();
        if (img.oneD() && wd.length == 3) return new int[] {wd[0], wd[1], 1, wd[2]};
        if (!img.oneD() && wd.length == 4) return wd;
        throw new OnnxFormatException(file + ": filter " + Arrays.toString(wd) + " does not fit a " + (img.oneD() ? "1" : "2") + "-D input");
    }

    private void conv(NodeProto n, Attrs a, String name) {
        Image x = spatialInput(n, name);
        Value w = constIn(n, 1, "the filter");
        Value b = constIn(n, 2, "the bias");
        int[] wd = filterDims(w, x);
        int group = a.i32("group", 1);
        int cin = x.c(), cout = wd[0], kH = wd[2], kW = wd[3];
        if (group <= 0 || cin % group != 0 || cout % group != 0 || wd[1] * group != cin) {
            throw new OnnxFormatException(file + ": " + describe(n) + ": filter " + Arrays.toString(w.dims()) + " does not fit " + cin + " input channels in " + group + " groups");
        }
        int[] ks = pair(a, "kernel_shape", new int[] {kH, kW}, x);
        if (ks[0] != kH || ks[1] != kW) throw new OnnxFormatException(file + ": " + describe(n) + ": kernel_shape differs from the filter " + Arrays.toString(w.dims()));
        int[] s = pair(a, "strides", new int[] {1, 1}, x), d = pair(a, "dilations", new int[] {1, 1}, x);
        Window win = window(a.s("auto_pad", "NOTSET"), pads(a, x), x.h(), x.w(), kH, kW, s[0], s[1], d[0], d[1], false);
        int input = win.explicit() == null ? x.tensor() : padSpatial(x.tensor(), win.explicit(), 0f, name);
        if (b != null && b.elements() != cout) throw new OnnxFormatException(file + ": " + describe(n) + ": bias has " + b.elements() + " values for " + cout + " output channels");
        int bias = b == null ? -1 : f32(n.getInput(2), new int[] {b.elements()}, b.values());
        int out;
        if (group > 1 && group == cin && wd[1] == 1) {
            // depthwise: ONNX [C*M, 1, kH, kW] -> TFLite [1, kH, kW, C*M]; output channel c*M+m in both
            int filter = f32(n.getInput(1), new int[] {1, kH, kW, cout}, Layouts.transpose(w.values(), wd, new int[] {1, 2, 3, 0}));
            noteWeights(filter, w, 0, cout);
            out = emit(new Op.DepthwiseConv2D(win.padding(), s[0], s[1], d[0], d[1], cout / cin, Op.Act.NONE), x.oneD() ? name + "_image" : name, input, filter, bias);
        } else {
            int filter = f32(n.getInput(1), new int[] {cout, kH, kW, wd[1]}, Layouts.transpose(w.values(), wd, new int[] {0, 2, 3, 1}));
            noteWeights(filter, w, 0, cout);
            out = emit(new Op.Conv2D(win.padding(), s[0], s[1], d[0], d[1], Op.Act.NONE), x.oneD() ? name + "_image" : name, input, filter, bias);
        }
        put(n, image(out, x.oneD(), name));
    }

    private void convTranspose(NodeProto n, Attrs a, String name) {
        Image x = spatialInput(n, name);
        Value w = constIn(n, 1, "the filter");
        Value b = constIn(n, 2, "the bias");
        int[] wd = filterDims(w, x);
        if (a.i32("group", 1) != 1) throw new Unsupported("group > 1");
        int[] dil = pair(a, "dilations", new int[] {1, 1}, x);
        if (dil[0] != 1 || dil[1] != 1) throw new Unsupported("dilations other than 1");
        int[] s = pair(a, "strides", new int[] {1, 1}, x);
        int cin = x.c(), cout = wd[1], kH = wd[2], kW = wd[3], inH = x.h(), inW = x.w();
        if (wd[0] != cin) throw new OnnxFormatException(file + ": " + describe(n) + ": filter " + Arrays.toString(w.dims()) + " does not take " + cin + " input channels");
        int[] op = pair(a, "output_padding", new int[] {0, 0}, x);
        int[] pads = pads(a, x);
        String auto = a.s("auto_pad", "NOTSET");
        int outH, outW;
        int[] outShape = a.has("output_shape") ? pair(a, "output_shape", null, x) : null;
        if (outShape != null || auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
            outH = outShape != null ? outShape[0] : inH * s[0];
            outW = outShape != null ? outShape[1] : inW * s[1];
            int th = s[0] * (inH - 1) + op[0] + kH - outH, tw = s[1] * (inW - 1) + op[1] + kW - outW;
            pads = auto.equals("SAME_LOWER") ? new int[] {th - th / 2, tw - tw / 2, th / 2, tw / 2} : new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
        } else {
            if (auto.equals("VALID")) pads = new int[4];
            outH = s[0] * (inH - 1) + op[0] + kH - pads[0] - pads[2];
            outW = s[1] * (inW - 1) + op[1] + kW - pads[1] - pads[3];
        }
        if (outH <= 0 || outW <= 0) throw new OnnxFormatException(file + ": " + describe(n) + ": output size " + outH + "x" + outW);
        if (pads[0] < 0 || pads[1] < 0) throw new Unsupported("negative pads " + Arrays.toString(pads));
        int filter = f32(n.getInput(1), new int[] {cout, kH, kW, cin}, Layouts.transpose(w.values(), wd, new int[] {1, 2, 3, 0}));
        int bias = b == null ? -1 : f32(n.getInput(2), new int[] {b.elements()}, b.values());
        // TFLite derives the leading padding from the output size and the padding kind; where neither kind gives ONNX's
        // padding, the full (VALID) result is computed and the window ONNX keeps is cut out of it
        Op.Padding kind = null;
        for (Op.Padding p : Op.Padding.values()) {
            if (transposeMatches(p, outH, inH, kH, s[0], pads[0]) && transposeMatches(p, outW, inW, kW, s[1], pads[1])) {
                kind = p;
                break;
            }
        }
        int out;
        String imageName = x.oneD() ? name + "_image" : name;
        if (kind != null) {
            int shape = i32(name + "_output_shape", x.batch(), outH, outW, cout);
            out = emit(new Op.TransposeConv(kind, s[0], s[1], Op.Act.NONE), imageName, DType.F32, null, shape, filter, x.tensor(), bias);
        } else {
            int fullH = Math.max(s[0] * (inH - 1) + kH, pads[0] + outH), fullW = Math.max(s[1] * (inW - 1) + kW, pads[1] + outW);
            int shape = i32(name + "_output_shape", x.batch(), fullH, fullW, cout);
            int full = emit(new Op.TransposeConv(Op.Padding.VALID, s[0], s[1], Op.Act.NONE), name + "_full", DType.F32, null, shape, filter, x.tensor(), bias);
            out = emit(new Op.StridedSlice(0, 0, 0, 0, 0, false), imageName, full, i32(name + "_begin", 0, pads[0], pads[1], 0),
                    i32(name + "_end", x.batch(), pads[0] + outH, pads[1] + outW, cout), i32(name + "_strides", 1, 1, 1, 1));
        }
        put(n, image(out, x.oneD(), name));
    }

    /** Whether TFLite's TRANSPOSE_CONV with padding {@code p} maps {@code in} to {@code out} with {@code before} leading padding along one axis. */
    private static boolean transposeMatches(Op.Padding p, int out, int in, int k, int stride, int before) {
        try {
            return ShapeInference.outSize(out, k, stride, 1, p, "") == in && ShapeInference.padBefore(out, k, stride, 1, p) == before;
        } catch (GraphException e) {
            return false;
        }
    }

    /** Weights [O, I] for an input whose tinyfit order may be a flattened NHWC image. */
    private double[] weightsFor(Act x, double[] w, int outC, int inC) {
        if (x.flatChw() == null) return w;
        int[] chw = x.flatChw();
        return Layouts.transpose(w, new int[] {outC, chw[0], chw[1], chw[2]}, new int[] {0, 2, 3, 1});
    }

    private void gemm(NodeProto n, Attrs a, String name) {
        Act x = actIn(n, 0);
        Value w = constIn(n, 1, "B");
        Value c = constIn(n, 2, "C");
        if (a.i("transA", 0) != 0) throw new Unsupported("transA=1");
        if (x.dims().length != 2 || w.dims().length != 2) throw new Unsupported("A or B not 2-D");
        if (!Layouts.isIdentity(x.perm())) throw new Unsupported("the input's layout would need a Transpose");
        float alpha = a.f("alpha", 1f), beta = a.f("beta", 1f);
        boolean transB = a.i("transB", 0) != 0;
        int inC = transB ? w.dims()[1] : w.dims()[0], outC = transB ? w.dims()[0] : w.dims()[1];
        if (inC != x.dims()[1]) throw new OnnxFormatException(file + ": " + describe(n) + ": A " + Arrays.toString(x.dims()) + " and B " + Arrays.toString(w.dims()) + " do not multiply");
        double[] wv = transB ? w.values().clone() : Layouts.transpose(w.values(), w.dims(), new int[] {1, 0});
        if (alpha != 1f) for (int i = 0; i < wv.length; i++) wv[i] = (float) (wv[i] * alpha);
        wv = weightsFor(x, wv, outC, inC);
        int bias = -1;
        if (c != null && beta != 0f) {
            int[] cd = c.dims();
            int rows = x.dims()[0];
            double[] bv = new double[outC];
            boolean perColumn = c.elements() == 1 || (cd.length >= 1 && cd[cd.length - 1] == outC && c.elements() == outC);
            if (!perColumn && !(rows == 1 && c.elements() == outC)) throw new Unsupported("C of shape " + Arrays.toString(cd) + " that varies by row");
            for (int o = 0; o < outC; o++) bv[o] = (float) (beta * c.values()[c.elements() == 1 ? 0 : o]);
            bias = f32(n.getInput(2), new int[] {outC}, bv);
        }
        int weights = f32(n.getInput(1), new int[] {outC, inC}, wv);
        if (alpha == 1f) noteWeights(weights, w, transB ? 0 : 1, outC);
        int out = emit(new Op.FullyConnected(Op.Act.NONE, false), name, x.tensor(), weights, bias);
        put(n, new Act(out, new int[] {x.dims()[0], outC}, null));
    }

    /**
     * A forward ONNX LSTM as UNIDIRECTIONAL_SEQUENCE_LSTM: ONNX's gate blocks (i, o, f, c) reordered to
     * TFLite's (input, forget, cell, output), its two bias halves summed, zero initial states as the op's
     * variable states. Y is the op's output seen as [T, 1, B, H] ([B, T, 1, H] for layout 1), Y_h its
     * last step. Refused: other directions, peepholes, clip, input_forget, sequence_lens, non-default
     * activations, non-zero initial states, and a used Y_c.
     */
    private void lstm(NodeProto n, Attrs a, String name) {
        Act x = actIn(n, 0);
        if (!x.plain() || x.dims().length != 3) throw new Unsupported("the input is not a plain [T, B, I] or [B, T, I] sequence");
        String dir = a.s("direction", "forward");
        if (!dir.equals("forward")) throw new Unsupported("direction " + dir + " (tinyfit imports forward LSTMs)");
        if (a.i("input_forget", 0) != 0) throw new Unsupported("input_forget=1");
        if (a.has("clip")) throw new Unsupported("clip (ONNX clips the gates' inputs; TFLite's LSTM clips its cell state)");
        AttributeProto acts = a.raw("activations");
        if (acts != null && !acts.getStringsList().stream().map(ByteString::toStringUtf8).toList().equals(List.of("Sigmoid", "Tanh", "Tanh"))) {
            throw new Unsupported("activations other than Sigmoid, Tanh, Tanh");
        }
        boolean batchFirst = a.i("layout", 0) != 0;
        Value w = constIn(n, 1, "W"), r = constIn(n, 2, "R"), bias = constIn(n, 3, "B");
        if (w == null || r == null) throw new OnnxFormatException(file + ": " + describe(n) + ": W and R are required");
        if (in(n, 4) != null) throw new Unsupported("sequence_lens");
        for (int k : new int[] {5, 6}) {
            Value init = constIn(n, k, k == 5 ? "initial_h" : "initial_c");
            if (init != null && Arrays.stream(init.values()).anyMatch(v -> v != 0)) throw new Unsupported("a non-zero " + (k == 5 ? "initial_h" : "initial_c"));
        }
        if (in(n, 7) != null) throw new Unsupported("peepholes (TFLite Micro's LSTM has none)");
        if (n.getOutputCount() > 2 && !n.getOutput(2).isEmpty() && uses.getOrDefault(n.getOutput(2), 0) > 0) {
            throw new Unsupported("Y_c (the final cell state) is used");
        }
        int[] xd = x.dims();
        int time = batchFirst ? xd[1] : xd[0], batch = batchFirst ? xd[0] : xd[1], in = xd[2];
        int hidden = r.dims()[r.dims().length - 1];
        if (w.dims().length != 3 || w.dims()[0] != 1 || w.dims()[1] != 4 * hidden || w.dims()[2] != in || r.dims()[1] != 4 * hidden) {
            throw new OnnxFormatException(file + ": " + describe(n) + ": W " + Arrays.toString(w.dims()) + " and R " + Arrays.toString(r.dims())
                    + " do not fit an input of " + in + " features and " + hidden + " hidden units");
        }
        int[] ins = new int[org.tinyfit.graph.Lstm.UNIDIRECTIONAL_INPUTS];
        Arrays.fill(ins, -1);
        ins[0] = x.tensor();
        int[] onnxBlock = {0, 2, 3, 1};
        String[] gate = {"input", "forget", "cell", "output"};
        for (int k = 0; k < 4; k++) {
            int blk = onnxBlock[k];
            ins[org.tinyfit.graph.Lstm.INPUT_TO_INPUT + k] = f32(name + "_" + gate[k] + "_w", new int[] {hidden, in},
                    Arrays.copyOfRange(w.values(), blk * hidden * in, (blk + 1) * hidden * in));
            ins[org.tinyfit.graph.Lstm.RECURRENT_TO_INPUT + k] = f32(name + "_" + gate[k] + "_r", new int[] {hidden, hidden},
                    Arrays.copyOfRange(r.values(), blk * hidden * hidden, (blk + 1) * hidden * hidden));
            double[] b = new double[hidden];
            if (bias != null) for (int j = 0; j < hidden; j++) b[j] = (float) ((float) bias.values()[blk * hidden + j] + (float) bias.values()[(4 + blk) * hidden + j]);
            ins[org.tinyfit.graph.Lstm.INPUT_GATE_BIAS + k] = f32(name + "_" + gate[k] + "_b", new int[] {hidden}, b);
        }
        ins[org.tinyfit.graph.Lstm.HIDDEN_STATE] = variable(name + "_h", new int[] {batch, hidden});
        ins[org.tinyfit.graph.Lstm.CELL_STATE] = variable(name + "_c", new int[] {batch, hidden});
        int seq = emit(new Op.UnidirectionalSequenceLstm(Op.Act.TANH, 0f, 0f, !batchFirst, false, false), name + "_sequence", DType.F32, null, ins);
        if (n.getOutputCount() > 0 && !n.getOutput(0).isEmpty()) {
            int[] yd = batchFirst ? new int[] {batch, time, 1, hidden} : new int[] {time, 1, batch, hidden};
            int y = emit(new Op.Reshape(yd), n.getOutput(0), seq, i32(name + "_y_shape", yd));
            values.put(n.getOutput(0), new Act(y, yd, null));
        }
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
            int[] begin = batchFirst ? new int[] {0, time - 1, 0} : new int[] {time - 1, 0, 0};
            int[] end = batchFirst ? new int[] {batch, time, hidden} : new int[] {time, batch, hidden};
            int last = emit(new Op.StridedSlice(0, 0, 0, 0, 0, false), n.getOutput(1), seq, i32(name + "_h_begin", begin), i32(name + "_h_end", end),
                    i32(name + "_h_strides", 1, 1, 1));
            values.put(n.getOutput(1), new Act(last, batchFirst ? new int[] {batch, 1, hidden} : new int[] {1, batch, hidden}, null));
        }
    }

    /** A float state tensor kept across runs (zero at the start), as TFLite's variable tensors are. */
    private int variable(String name, int[] dims) {
        int id = tensors.size();
        tensors.add(new Tensor(id, uniqueName(name), DType.F32, new Shape(dims), null, null, true));
        return id;
    }

    private void matmul(NodeProto n, String name) {
        Act x = actIn(n, 0);
        Val bv = in(n, 1);
        if (!(bv instanceof Const)) throw new Unsupported("B is computed at run time (tinyfit multiplies by constant weights only)");
        Value w = ((Const) bv).v();
        if (w.dims().length != 2) throw new Unsupported("B of rank " + w.dims().length + " (batched matrix products are not supported)");
        if (x.dims().length < 2) throw new Unsupported("A of rank " + x.dims().length);
        if (!(x.plain() || (x.flatChw() != null))) throw new Unsupported("the input's layout would need a Transpose");
        int inC = w.dims()[0], outC = w.dims()[1];
        if (x.dims()[x.dims().length - 1] != inC) throw new OnnxFormatException(file + ": " + describe(n) + ": A " + Arrays.toString(x.dims()) + " and B " + Arrays.toString(w.dims()) + " do not multiply");
        double[] wv = weightsFor(x, Layouts.transpose(w.values(), w.dims(), new int[] {1, 0}), outC, inC);
        int weights = f32(n.getInput(1), new int[] {outC, inC}, wv);
        noteWeights(weights, w, 1, outC);
        int out = emit(new Op.FullyConnected(Op.Act.NONE, x.dims().length > 2), name, x.tensor(), weights, -1);
        int[] od = x.dims().clone();
        od[od.length - 1] = outC;
        put(n, new Act(out, od, null));
    }

    private void pool(NodeProto n, Attrs a, String name, boolean max) {
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty() && uses.containsKey(n.getOutput(1))) throw new Unsupported("the Indices output is used");
        Image x = spatialInput(n, name);
        if (!a.has("kernel_shape")) throw new OnnxFormatException(file + ": " + describe(n) + ": kernel_shape is missing");
        int[] k = pair(a, "kernel_shape", null, x);
        int[] s = pair(a, "strides", new int[] {1, 1}, x), d = pair(a, "dilations", new int[] {1, 1}, x);
        if (d[0] != 1 || d[1] != 1) throw new Unsupported("dilations other than 1");
        boolean ceil = a.i("ceil_mode", 0) != 0;
        boolean countPads = !max && a.i("count_include_pad", 0) != 0;
        Window win = window(a.s("auto_pad", "NOTSET"), pads(a, x), x.h(), x.w(), k[0], k[1], s[0], s[1], 1, 1, ceil);
        int input = x.tensor();
        Op.Padding padding = win.padding();
        if (win.explicit() != null || (countPads && padding == Op.Padding.SAME)) {
            int[] p = win.explicit() != null ? win.explicit() : samePads(x.h(), x.w(), k[0], k[1], s[0], s[1], false);
            if (!max && !countPads) throw new Unsupported("pads " + Arrays.toString(p) + " other than SAME's, with count_include_pad=0");
            input = padSpatial(x.tensor(), p, max ? Float.NEGATIVE_INFINITY : 0f, name);
            padding = Op.Padding.VALID;
        }
        int out = emit(new Op.Pool2D(max ? Op.PoolKind.MAX : Op.PoolKind.AVG, padding, s[0], s[1], k[0], k[1], Op.Act.NONE), x.oneD() ? name + "_image" : name, input);
        put(n, image(out, x.oneD(), name));
    }

    private void globalPool(NodeProto n, String name, boolean max) {
        Image x = spatialInput(n, name);
        int out = emit(new Op.Pool2D(max ? Op.PoolKind.MAX : Op.PoolKind.AVG, Op.Padding.VALID, 1, 1, x.h(), x.w(), Op.Act.NONE), x.oneD() ? name + "_image" : name, x.tensor());
        put(n, image(out, x.oneD(), name));
    }

    private void unary(NodeProto n, String name, Op op) {
        Act x = actIn(n, 0);
        put(n, new Act(emit(op, name, x.tensor()), x.dims(), x.perm(), x.flatChw()));
    }

    /** A ReLU-like activation: fused into the node that computes its input when that node has no other reader. */
    private void activation(NodeProto n, String name, Op.Act act) {
        Act x = actIn(n, 0);
        Integer p = producer.get(x.tensor());
        if (p != null && onlyUse(n.getInput(0))) {
            Node prev = nodes.get(p);
            Op fused = switch (prev.op()) {
                case Op.Conv2D c when c.act() == Op.Act.NONE -> new Op.Conv2D(c.padding(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), act);
                case Op.DepthwiseConv2D c when c.act() == Op.Act.NONE -> new Op.DepthwiseConv2D(c.padding(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), c.depthMultiplier(), act);
                case Op.TransposeConv c when c.act() == Op.Act.NONE -> new Op.TransposeConv(c.padding(), c.strideH(), c.strideW(), act);
                case Op.FullyConnected f when f.act() == Op.Act.NONE -> new Op.FullyConnected(act, f.keepNumDims());
                case Op.Add o when o.act() == Op.Act.NONE -> new Op.Add(act);
                case Op.Sub o when o.act() == Op.Act.NONE -> new Op.Sub(act);
                case Op.Mul o when o.act() == Op.Act.NONE -> new Op.Mul(act);
                default -> null;
            };
            if (fused != null) {
                nodes.set(p, new Node(prev.id(), fused, prev.inputs(), prev.outputs()));
                put(n, x);
                return;
            }
        }
        Op standalone = switch (act) {
            case RELU -> new Op.Relu();
            case RELU6 -> new Op.Relu6();
            default -> null;
        };
        int out = standalone != null ? emit(standalone, name, x.tensor())
                : emit(new Op.Add(act), name, x.tensor(), f32(name + "_zero", new int[0], new double[] {0}));
        put(n, new Act(out, x.dims(), x.perm(), x.flatChw()));
    }

    private void clip(NodeProto n, Attrs a, String name) {
        double lo, hi;
        if (opset >= 11) {
            Value min = constIn(n, 1, "min"), max = constIn(n, 2, "max");
            lo = min == null ? Double.NEGATIVE_INFINITY : ConstantFolder.scalar(min, file + ": " + describe(n));
            hi = max == null ? Double.POSITIVE_INFINITY : ConstantFolder.scalar(max, file + ": " + describe(n));
        } else {
            lo = a.f("min", -Float.MAX_VALUE);
            hi = a.f("max", Float.MAX_VALUE);
        }
        boolean noTop = hi >= Float.MAX_VALUE;
        Op.Act act;
        if (lo == 0 && noTop) act = Op.Act.RELU;
        else if (lo == 0 && hi == 6) act = Op.Act.RELU6;
        else if (lo == -1 && hi == 1) act = Op.Act.RELU_N1_TO_1;
        else if (lo <= -Float.MAX_VALUE && noTop) {
            put(n, in(n, 0));
            return;
        } else throw new Unsupported("Clip to [" + lo + ", " + hi + "] (tinyfit has clips to [0, inf), [0, 6] and [-1, 1])");
        activation(n, name, act);
    }

    /** x * relu6(x + 3) / 6, with the ops TFLite Micro has everywhere. */
    private void hardSwish(NodeProto n, String name) {
        Act x = actIn(n, 0);
        int gate = emit(new Op.Add(Op.Act.RELU6), name + "_relu6", x.tensor(), f32(name + "_three", new int[0], new double[] {3}));
        int scaled = emit(new Op.Mul(Op.Act.NONE), name + "_gate", gate, f32(name + "_sixth", new int[0], new double[] {1.0f / 6.0f}));
        put(n, new Act(emit(new Op.Mul(Op.Act.NONE), name, x.tensor(), scaled), x.dims(), x.perm(), x.flatChw()));
    }

    /** A constant brought into the order of activation {@code like}: broadcast-aligned, permuted. */
    private int constantLike(Value c, Act like, String name) { return constantLike(c, like, name, DType.F32, 0); }

    /** The same as a constant of type {@code dt}, each value plus {@code shift}. */
    private int constantLike(Value c, Act like, String name, DType dt, double shift) {
        if (shift != 0) {
            double[] v = c.values().clone();
            for (int i = 0; i < v.length; i++) v[i] += shift;
            c = new Value(c.type(), c.dims(), v);
        }
        int rank = like.dims().length;
        if (c.elements() == 1) return constant(name, dt, new int[0], new double[] {c.values()[0]});
        if (c.dims().length > rank) throw new Unsupported("constant " + Arrays.toString(c.dims()) + " has a higher rank than the input " + Arrays.toString(like.dims()));
        int[] dims = Layouts.leftPad(c.dims(), rank);
        if (like.flatChw() != null) {
            int[] chw = like.flatChw();
            if (dims[1] != chw[0] * chw[1] * chw[2]) throw new Unsupported("constant " + Arrays.toString(c.dims()) + " on a flattened image");
            double[] v = Layouts.transpose(c.values(), new int[] {dims[0], chw[0], chw[1], chw[2]}, new int[] {0, 2, 3, 1});
            return constant(name, dt, dims, v);
        }
        return constant(name, dt, Layouts.permute(dims, like.perm()), Layouts.transpose(c.values(), dims, like.perm()));
    }

    private void binary(NodeProto n, String name, String kind) {
        Val p = in(n, 0), q = in(n, 1);
        if (p == null || q == null) throw new OnnxFormatException(file + ": " + describe(n) + " needs two inputs");
        int[] dims = ConstantFolder.broadcast(dims(p), dims(q), file + ": " + describe(n));
        if (kind.equals("Div")) {
            if (!(q instanceof Const c)) throw new Unsupported("division by a value computed at run time");
            double[] r = c.v().values().clone();
            for (int i = 0; i < r.length; i++) r[i] = (float) (1.0 / r[i]);
            q = new Const(new Value(OnnxTensors.FLOAT, c.v().dims(), r));
            kind = "Mul";
        }
        Act lead = p instanceof Act a ? a : (Act) q;
        if (lead.dims().length < dims.length && !lead.plain()) throw new Unsupported("broadcasting to a higher rank than the image input");
        requireFloat(n, p);
        requireFloat(n, q);
        int t1 = operand(p, lead, n.getInput(0)), t2 = operand(q, lead, n.getInput(1));
        Op op = switch (kind) {
            case "Add" -> new Op.Add(Op.Act.NONE);
            case "Sub" -> new Op.Sub(Op.Act.NONE);
            default -> new Op.Mul(Op.Act.NONE);
        };
        put(n, new Act(emit(op, name, t1, t2), dims, lead.perm(), lead.flatChw()));
    }

    private void requireFloat(NodeProto n, Val v) {
        int type = v instanceof Const c ? c.v().type() : OnnxTensors.FLOAT;
        if (v instanceof Act a && tensors.get(a.tensor()).dtype() != DType.F32) type = -1;
        if (type != OnnxTensors.FLOAT) throw new Unsupported("element-wise math on non-float tensors");
    }

    private int operand(Val v, Act lead, String name) {
        if (v instanceof Const c) return constantLike(c.v(), lead, name);
        Act a = (Act) v;
        boolean same = Arrays.equals(a.perm(), lead.perm()) && Arrays.equals(a.flatChw(), lead.flatChw());
        if (!same && !(a.plain() && lead.plain())) throw new Unsupported("inputs in different layouts (one is an NCHW image held as NHWC)");
        if (a.dims().length != lead.dims().length && !a.plain()) throw new Unsupported("broadcasting an image to a higher rank");
        return a.tensor();
    }

    private static int[] dims(Val v) { return v instanceof Const c ? c.v().dims() : ((Act) v).dims(); }

    private void concat(NodeProto n, Attrs a, String name) {
        Act lead = null;
        for (int i = 0; i < n.getInputCount(); i++) if (in(n, i) instanceof Act x) { lead = x; break; }
        int rank = lead.dims().length;
        int axis = ConstantFolder.norm(a.i32("axis", 0), rank, file + ": " + describe(n));
        if (lead.flatChw() != null) throw new Unsupported("concatenating a flattened image");
        int[] ins = new int[n.getInputCount()];
        int[] dims = lead.dims().clone();
        dims[axis] = 0;
        for (int i = 0; i < ins.length; i++) {
            Val v = in(n, i);
            if (v instanceof Const c && c.v().dims().length != rank) throw new OnnxFormatException(file + ": " + describe(n) + ": input " + i + " has rank " + c.v().dims().length);
            ins[i] = v instanceof Const c ? f32(n.getInput(i), Layouts.permute(c.v().dims(), lead.perm()), Layouts.transpose(c.v().values(), c.v().dims(), lead.perm())) : operand(v, lead, n.getInput(i));
            dims[axis] += dims(v)[axis];
        }
        int out = emit(new Op.Concat(Layouts.position(lead.perm(), axis), Op.Act.NONE), name, tensors.get(ins[0]).dtype(), null, ins);
        put(n, new Act(out, dims, lead.perm()));
    }

    private void reshape(NodeProto n, Attrs a, String name, String op) {
        Act x = actIn(n, 0);
        String where = file + ": " + describe(n);
        int[] dims = x.dims();
        int[] target = switch (op) {
            case "Reshape" -> ConstantFolder.reshapeDims(dims, opset >= 5 ? ConstantFolder.ints(constIn(n, 1, "the shape"), where) : a.ints("shape", new int[0]), a.i("allowzero", 0) != 0, where);
            case "Flatten" -> {
                int axis = ConstantFolder.norm(a.i32("axis", 1), dims.length + 1, where);
                yield new int[] {(int) Layouts.product(dims, 0, axis), (int) Layouts.product(dims, axis, dims.length)};
            }
            case "Squeeze" -> ConstantFolder.squeezed(dims, opset >= 13 ? (in(n, 1) == null ? null : ConstantFolder.ints(constIn(n, 1, "axes"), where)) : a.ints("axes", null), where);
            default -> {
                Value v = opset >= 13 ? constIn(n, 1, "axes") : null;
                int[] axes = v != null ? ConstantFolder.ints(v, where) : a.ints("axes", new int[0]);
                yield unsqueezed(dims, axes, where);
            }
        };
        int[] perm = null, flat = null;
        boolean orderKept = x.flatChw() == null && Layouts.sameOrder(dims, x.perm());
        if (!orderKept) {
            boolean toFlat = x.flatChw() == null && Arrays.equals(x.perm(), Layouts.NHWC) && target.length == 2 && target[0] == dims[0];
            boolean keepFlat = x.flatChw() != null && Arrays.equals(target, dims);
            boolean keepImage = Arrays.equals(target, dims);
            if (toFlat) flat = new int[] {dims[1], dims[2], dims[3]};
            else if (keepFlat) flat = x.flatChw();
            else if (keepImage) perm = x.perm();
            else throw new Unsupported("reshaping an NCHW image held as NHWC to " + Arrays.toString(target) + " would need a Transpose");
        }
        int[] tdims = perm == null ? target : Layouts.permute(target, perm);
        int shape = i32(name + "_shape", tdims);
        int out = emit(new Op.Reshape(tdims), name, tensors.get(x.tensor()).dtype(), tensors.get(x.tensor()).quant(), x.tensor(), shape);
        put(n, new Act(out, target, perm, flat));
    }

    /** Slice with constant bounds: a STRIDED_SLICE over the tensor in tinyfit's order. */
    private void slice(NodeProto n, Attrs a, String name) {
        Act x = actIn(n, 0);
        String where = file + ": " + describe(n);
        if (x.flatChw() != null) throw new Unsupported("slicing a flattened image");
        int r = x.dims().length;
        int[] starts, ends, axes, steps;
        if (opset >= 10) {
            starts = ConstantFolder.ints(constIn(n, 1, "starts"), where);
            ends = ConstantFolder.ints(constIn(n, 2, "ends"), where);
            axes = in(n, 3) == null ? null : ConstantFolder.ints(constIn(n, 3, "axes"), where);
            steps = in(n, 4) == null ? null : ConstantFolder.ints(constIn(n, 4, "steps"), where);
        } else {
            starts = a.ints("starts", new int[0]);
            ends = a.ints("ends", new int[0]);
            axes = a.ints("axes", null);
            steps = null;
        }
        ConstantFolder.SliceBounds sb = ConstantFolder.SliceBounds.of(x.dims(), starts, ends, axes, steps, where);
        for (int c : sb.count()) if (c == 0) throw new Unsupported("a slice with no elements");
        // the bounds in tinyfit's order; a negative step that runs to the start ends by the end mask
        int[] begin = Layouts.permute(sb.begin(), x.perm()), end = Layouts.permute(sb.end(), x.perm()), stride = Layouts.permute(sb.step(), x.perm());
        int endMask = 0;
        for (int i = 0; i < r; i++) if (end[i] < 0) endMask |= 1 << i;
        int[] dims = sb.count();
        int out = emit(new Op.StridedSlice(0, endMask, 0, 0, 0, false), name, x.tensor(), i32(name + "_begin", begin), i32(name + "_end", end), i32(name + "_strides", stride));
        put(n, new Act(out, dims, x.perm()));
    }

    private static int[] unsqueezed(int[] dims, int[] axes, String where) {
        int r = dims.length + axes.length;
        boolean[] at = new boolean[r];
        for (int ax : axes) at[ConstantFolder.norm(ax, r, where)] = true;
        int[] out = new int[r];
        for (int i = 0, k = 0; i < r; i++) out[i] = at[i] ? 1 : dims[k++];
        return out;
    }

    private void pad(NodeProto n, Attrs a, String name) {
        Act x = actIn(n, 0);
        String where = file + ": " + describe(n);
        String mode = a.s("mode", "constant");
        if (!mode.equals("constant")) throw new Unsupported("mode " + mode + " (only constant padding)");
        int r = x.dims().length;
        int[] pads;
        double value;
        if (opset >= 11) {
            pads = ConstantFolder.ints(constIn(n, 1, "pads"), where);
            Value v = constIn(n, 2, "constant_value");
            value = v == null ? 0 : ConstantFolder.scalar(v, where);
            if (in(n, 3) != null) {
                int[] axes = ConstantFolder.ints(constIn(n, 3, "axes"), where);
                int[] full = new int[2 * r];
                for (int k = 0; k < axes.length; k++) {
                    int ax = ConstantFolder.norm(axes[k], r, where);
                    full[ax] = pads[k];
                    full[r + ax] = pads[axes.length + k];
                }
                pads = full;
            }
        } else {
            pads = a.ints(opset >= 2 ? "pads" : "paddings", new int[0]);
            value = a.f("value", 0f);
        }
        if (pads.length != 2 * r) throw new OnnxFormatException(where + ": pads " + Arrays.toString(pads) + " for rank " + r);
        for (int p : pads) if (p < 0) throw new Unsupported("negative pads (cropping)");
        if (x.flatChw() != null) throw new Unsupported("padding a flattened image");
        double[] tp = new double[2 * r];
        for (int i = 0; i < r; i++) {
            int ax = x.perm() == null ? i : x.perm()[i];
            tp[2 * i] = pads[ax];
            tp[2 * i + 1] = pads[r + ax];
        }
        int p = constant(name + "_pads", DType.I32, new int[] {r, 2}, tp);
        int out = value == 0 ? emit(new Op.Pad(), name, x.tensor(), p) : emit(new Op.Pad(), name, x.tensor(), p, f32(name + "_value", new int[0], new double[] {value}));
        int[] dims = x.dims().clone();
        for (int i = 0; i < r; i++) dims[i] += pads[i] + pads[r + i];
        put(n, new Act(out, dims, x.perm()));
    }

    private void softmax(NodeProto n, Attrs a, String name) {
        Act x = actIn(n, 0);
        int r = x.dims().length;
        String where = file + ": " + describe(n);
        int axis = ConstantFolder.norm(a.i32("axis", opset >= 13 ? -1 : 1), r, where);
        if (x.flatChw() != null) throw new Unsupported("softmax over a flattened image");
        if (opset >= 13) {
            if (Layouts.position(x.perm(), axis) != r - 1) throw new Unsupported("softmax over axis " + axis + " that is not the innermost in tinyfit's order");
            put(n, new Act(emit(new Op.Softmax(1f), name, x.tensor()), x.dims(), x.perm()));
            return;
        }
        // before opset 13: softmax over the flattened trailing block [axis, r)
        boolean innermost = Layouts.product(x.dims(), axis, r - 1) == 1;
        if (innermost && Layouts.position(x.perm(), r - 1) == r - 1) {
            put(n, new Act(emit(new Op.Softmax(1f), name, x.tensor()), x.dims(), x.perm()));
            return;
        }
        if (!x.plain()) throw new Unsupported("softmax over several axes of an NCHW image held as NHWC");
        int[] flat = {(int) Layouts.product(x.dims(), 0, axis), (int) Layouts.product(x.dims(), axis, r)};
        int t = emit(new Op.Reshape(flat), name + "_2d", DType.F32, null, x.tensor(), i32(name + "_2d_shape", flat));
        int s = emit(new Op.Softmax(1f), name + "_softmax", t);
        int out = emit(new Op.Reshape(x.dims()), name, DType.F32, null, s, i32(name + "_shape", x.dims()));
        put(n, new Act(out, x.dims(), null));
    }

    private void batchNorm(NodeProto n, Attrs a, String name) {
        String where = file + ": " + describe(n);
        for (int k = 1; k < n.getOutputCount(); k++) if (!n.getOutput(k).isEmpty() && uses.containsKey(n.getOutput(k))) throw new Unsupported("training outputs (running mean/variance) are used");
        if (a.i("training_mode", 0) != 0) throw new Unsupported("training_mode=1");
        Act x = actIn(n, 0);
        Value gamma = constIn(n, 1, "scale"), beta = constIn(n, 2, "B"), mean = constIn(n, 3, "mean"), var = constIn(n, 4, "var");
        if (gamma == null || beta == null || mean == null || var == null) throw new OnnxFormatException(where + ": needs scale, B, mean and var");
        if (x.dims().length < 2) throw new OnnxFormatException(where + ": input of rank " + x.dims().length);
        int c = x.dims()[1];
        for (Value v : List.of(gamma, beta, mean, var)) if (v.elements() != c) throw new OnnxFormatException(where + ": a parameter has " + v.elements() + " values for " + c + " channels");
        float eps = a.f("epsilon", 1e-5f);
        double[] scale = new double[c], shift = new double[c];
        for (int i = 0; i < c; i++) {
            float s = (float) (gamma.values()[i] / Math.sqrt((float) (var.values()[i] + eps)));
            scale[i] = s;
            shift[i] = (float) (beta.values()[i] - mean.values()[i] * s);
        }
        int channelPos = Layouts.position(x.perm(), 1);
        boolean channelLast = channelPos == x.dims().length - 1 && x.flatChw() == null;
        Integer p = producer.get(x.tensor());
        if (channelLast && p != null && onlyUse(n.getInput(0)) && fold(nodes.get(p), scale, shift, name)) {
            put(n, x);
            return;
        }
        if (x.flatChw() != null) throw new Unsupported("batch normalization of a flattened image");
        int[] pdims = new int[x.dims().length];
        Arrays.fill(pdims, 1);
        pdims[channelPos] = c;
        int mul = emit(new Op.Mul(Op.Act.NONE), name + "_scaled", x.tensor(), f32(name + "_scale", pdims, scale));
        int out = emit(new Op.Add(Op.Act.NONE), name, mul, f32(name + "_shift", pdims, shift));
        put(n, new Act(out, x.dims(), x.perm()));
    }

    /** Folds a per-output-channel scale and shift into a convolution or linear node's weights and bias. */
    private boolean fold(Node prev, double[] scale, double[] shift, String name) {
        boolean depthwise = prev.op() instanceof Op.DepthwiseConv2D c && c.act() == Op.Act.NONE;
        boolean ok = depthwise || prev.op() instanceof Op.Conv2D c2 && c2.act() == Op.Act.NONE
                || prev.op() instanceof Op.FullyConnected f && f.act() == Op.Act.NONE
                || prev.op() instanceof Op.TransposeConv t && t.act() == Op.Act.NONE;
        if (!ok) return false;
        int wi = prev.op() instanceof Op.TransposeConv ? 1 : 1, bi = prev.op() instanceof Op.TransposeConv ? 3 : 2;
        int w = prev.input(wi);
        if (!ownConstants.contains(w) || (prev.hasInput(bi) && !ownConstants.contains(prev.input(bi)))) return false;
        Tensor wt = tensors.get(w);
        float[] wv = floats(wt);
        int c = scale.length;
        if (depthwise) {
            for (int i = 0; i < wv.length; i++) wv[i] = (float) (wv[i] * scale[i % c]);
        } else {
            int per = wv.length / c;
            if (wt.shape().dim(0) != c) return false;
            for (int i = 0; i < wv.length; i++) wv[i] = (float) (wv[i] * scale[i / per]);
        }
        tensors.set(w, wt.withData(bytes(wv)));
        weightScales.remove(w);
        float[] bias = new float[c];
        if (prev.hasInput(bi)) bias = floats(tensors.get(prev.input(bi)));
        for (int i = 0; i < c; i++) bias[i] = (float) (bias[i] * scale[i] + shift[i]);
        int[] ins = prev.inputs();
        if (prev.hasInput(bi)) {
            tensors.set(ins[bi], tensors.get(ins[bi]).withData(bytes(bias)));
        } else {
            double[] bd = new double[c];
            for (int i = 0; i < c; i++) bd[i] = bias[i];
            // the new bias tensor comes after the node's output in id order; the graph orders by node, not id
            int b = f32(name + "_bias", new int[] {c}, bd);
            if (ins.length <= bi) ins = Arrays.copyOf(ins, bi + 1);
            ins[bi] = b;
        }
        nodes.set(prev.id(), new Node(prev.id(), prev.op(), ins, prev.outputs()));
        return true;
    }

    private static float[] floats(Tensor t) { return TensorBytes.floats(t); }

    private static byte[] bytes(float[] f) { return TensorBytes.ofFloats(f); }

    private void reduceMean(NodeProto n, Attrs a, String name) {
        Act x = actIn(n, 0);
        String where = file + ": " + describe(n);
        int r = x.dims().length;
        int[] axes = opset >= 18 ? (in(n, 1) == null ? null : ConstantFolder.ints(constIn(n, 1, "axes"), where)) : a.ints("axes", null);
        if (axes == null || axes.length == 0) {
            if (a.i("noop_with_empty_axes", 0) != 0) {
                put(n, x);
                return;
            }
            axes = new int[r];
            for (int i = 0; i < r; i++) axes[i] = i;
        }
        boolean keep = a.i("keepdims", 1) != 0;
        if (x.flatChw() != null) throw new Unsupported("mean over a flattened image");
        boolean[] reduce = new boolean[r];
        for (int ax : axes) reduce[ConstantFolder.norm(ax, r, where)] = true;
        int[] taxes = new int[axes.length];
        int k = 0;
        for (int i = 0; i < r; i++) if (reduce[i]) taxes[k++] = Layouts.position(x.perm(), i);
        taxes = Arrays.copyOf(taxes, k);
        Arrays.sort(taxes);
        int out = emit(new Op.Mean(keep), name, x.tensor(), i32(name + "_axes", taxes));
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < r; i++) if (keep || !reduce[i]) kept.add(i);
        int[] dims = kept.stream().mapToInt(i -> reduce[i] ? 1 : x.dims()[i]).toArray();
        int[] perm = null;
        if (keep) perm = x.perm();
        else if (x.perm() != null) {
            // the remaining ONNX axes, in tinyfit's order
            List<Integer> rest = new ArrayList<>();
            for (int p : x.perm()) if (!reduce[p]) rest.add(kept.indexOf(p));
            perm = rest.stream().mapToInt(Integer::intValue).toArray();
            if (Layouts.isIdentity(perm)) perm = null;
        }
        put(n, new Act(out, dims, perm));
    }

    // ---- quantized graphs in QDQ form -------------------------------------------------------------

    private void noteDequantized(Value out, List<Value> in, Attrs a) {
        Value x = in.get(0), scale = in.get(1), zp = in.size() > 2 ? in.get(2) : null;
        if (x.type() != OnnxTensors.INT8 || x.dims().length == 0) return;
        if (zp != null) for (double z : zp.values()) if (z != 0) return;
        int axis = scale.elements() == 1 ? -1 : ConstantFolder.norm((int) a.i("axis", 1), x.dims().length, file);
        float[] sc = new float[scale.elements()];
        for (int i = 0; i < sc.length; i++) sc[i] = (float) scale.values()[i];
        dequantized.put(out, new WeightScales(sc, axis));
    }

    /** Remembers the int8 scales of a float filter or weight tensor made from dequantized constant {@code w}, per output channel. */
    private void noteWeights(int tensor, Value w, int outAxis, int channels) {
        WeightScales ws = dequantized.get(w);
        if (ws == null || (ws.axis() >= 0 && ws.axis() != outAxis)) return;
        float[] per = new float[channels];
        for (int c = 0; c < channels; c++) per[c] = ws.scales()[ws.axis() < 0 ? 0 : c];
        weightScales.put(tensor, per);
    }

    /**
     * A conv, depthwise conv or linear layer between a DequantizeLinear of an int8 tensor and a
     * QuantizeLinear to int8, with int8 weights, becomes one int8 op (TFLite's arithmetic): the
     * dequantize and quantize nodes go away where nothing else reads their values.
     */
    private List<Node> fuseQdq(List<Node> all, int[] outs) {
        Map<Integer, List<Integer>> readers = new HashMap<>();
        Map<Integer, Integer> writer = new HashMap<>();
        for (Node n : all) {
            for (int t : n.inputs()) if (t >= 0) readers.computeIfAbsent(t, k -> new ArrayList<>()).add(n.id());
            for (int t : n.outputs()) writer.put(t, n.id());
        }
        Set<Integer> graphOut = new HashSet<>();
        for (int o : outs) graphOut.add(o);
        Node[] nodesOut = all.toArray(new Node[0]);
        boolean[] removed = new boolean[nodesOut.length];
        Set<Integer> fusedReaders = new HashSet<>();
        for (Node n : all) {
            boolean depthwise = n.op() instanceof Op.DepthwiseConv2D;
            if (!(n.op() instanceof Op.Conv2D || depthwise || n.op() instanceof Op.FullyConnected)) continue;
            float[] fs = weightScales.get(n.input(1));
            Integer dq = writer.get(n.input(0));
            List<Integer> next = readers.getOrDefault(n.output(0), List.of());
            if (fs == null || dq == null || !(nodesOut[dq].op() instanceof Op.Dequantize) || next.size() != 1 || graphOut.contains(n.output(0))) continue;
            Node q = nodesOut[next.get(0)];
            Tensor qin = tensors.get(nodesOut[dq].input(0)), qout = tensors.get(q.output(0));
            if (!(q.op() instanceof Op.Quantize) || qin.dtype() != DType.I8 || qout.dtype() != DType.I8 || qin.quant() == null || qin.quant().perChannel()
                    || qout.quant() == null || qout.quant().perChannel()) continue;
            Tensor ft = tensors.get(n.input(1));
            float[] w = floats(ft);
            int channels = fs.length;
            double[] w8 = new double[w.length];
            boolean fits = true;
            for (int i = 0; i < w.length; i++) {
                int c = depthwise ? i % channels : i / (w.length / channels);
                w8[i] = Math.rint(w[i] / fs[c]);
                fits &= Math.abs(w8[i]) <= 127;
            }
            if (!fits) continue;
            int filter = constant(ft.name() + "_int8", DType.I8, ft.shape().dims(), w8);
            tensors.set(filter, tensors.get(filter).withQuant(new Quantization(fs, new long[channels], depthwise ? 3 : 0)));
            int bias = -1;
            if (n.hasInput(2)) {
                float[] b = floats(tensors.get(n.input(2)));
                double[] b32 = new double[b.length];
                float[] bs = new float[b.length];
                for (int c = 0; c < b.length; c++) {
                    bs[c] = qin.quant().scale() * fs[c];
                    b32[c] = Math.rint(b[c] / (double) bs[c]);
                }
                bias = constant(tensors.get(n.input(2)).name() + "_int32", DType.I32, new int[] {b.length}, b32);
                tensors.set(bias, tensors.get(bias).withQuant(new Quantization(bs, new long[b.length], 0)));
            }
            nodesOut[n.id()] = new Node(n.id(), n.op(), new int[] {qin.id(), filter, bias}, new int[] {q.output(0)});
            removed[q.id()] = true;
            fusedReaders.add(n.id());
        }
        for (Node n : all) {
            if (!(n.op() instanceof Op.Dequantize) || graphOut.contains(n.output(0))) continue;
            if (fusedReaders.containsAll(readers.getOrDefault(n.output(0), List.of()))) removed[n.id()] = true;
        }
        List<Node> kept = new ArrayList<>();
        for (Node n : nodesOut) if (!removed[n.id()]) kept.add(n.withId(kept.size()));
        return kept;
    }

    // ---- quantized operators (QOperator form) ------------------------------------------------------

    /** A per-tensor scale and zero point given as constant inputs {@code i} and {@code i + 1}. */
    private Quantization scalarQuant(NodeProto n, int i, String what) {
        Value s = constIn(n, i, what + " scale"), z = constIn(n, i + 1, what + " zero point");
        if (s == null) throw new OnnxFormatException(file + ": " + describe(n) + ": " + what + " scale is missing");
        String where = file + ": " + describe(n);
        float scale = (float) ConstantFolder.scalar(s, where);
        if (!(scale > 0) || Float.isInfinite(scale)) throw new OnnxFormatException(where + ": " + what + " scale " + scale + " is not positive and finite");
        return Quantization.perTensor(scale, z == null ? 0 : (long) ConstantFolder.scalar(z, where));
    }

    private static boolean unsigned(Value zp) { return zp == null || zp.type() == OnnxTensors.UINT8; }

    /**
     * An 8-bit activation as tinyfit's int8 with quantization {@code q} (given for the ONNX type): uint8
     * values are the int8 ones shifted by 128, so a uint8 tensor is requantized to int8 with its zero
     * point moved by 128.
     */
    private Act asInt8(Act x, Quantization q, String name) {
        Tensor t = tensors.get(x.tensor());
        if (t.dtype() != DType.U8 && t.dtype() != DType.I8) throw new Unsupported("a quantized input of type " + t.dtype().lower());
        if (t.quant() == null) tensors.set(x.tensor(), t = t.withQuant(q));
        else if (!t.quant().equals(q)) throw new Unsupported("an input quantized with " + t.quant() + " read as " + q);
        if (t.dtype() == DType.I8) return x;
        Quantization s8 = Quantization.perTensor(q.scale(), q.zeroPoint() - 128);
        return new Act(emit(new Op.Quantize(), name + "_int8", DType.I8, s8, x.tensor()), x.dims(), x.perm(), x.flatChw());
    }

    /** An int8 result with quantization {@code q} for the ONNX type: a uint8 output is requantized from int8. */
    private int fromInt8(int t, Quantization q, boolean toUnsigned, String name) {
        if (!toUnsigned) return t;
        return emit(new Op.Quantize(), name, DType.U8, q, t);
    }

    private static Quantization int8Of(Quantization q, boolean unsigned) {
        return unsigned ? Quantization.perTensor(q.scale(), q.zeroPoint() - 128) : q;
    }

    /** Quantized weights as TFLite's symmetric int8 per output channel: [channels][values] with their scales. */
    private record Int8Weights(double[] values, float[] scales) {}

    /**
     * Weights {@code (q - zp) * scale} (per tensor, or per channel along axis 0 for {@code channels} >
     * 1) as symmetric int8. Exact when {@code q - zp} fits in [-127, 127]; otherwise that channel is
     * requantized to the int8 scale max|w| / 127 (within half a step of the original).
     */
    private Int8Weights symmetric(Value w, Value scale, Value zp, int channels, String where) {
        int per = w.elements() / channels;
        if (scale.elements() != 1 && scale.elements() != channels) throw new OnnxFormatException(where + ": " + scale.elements() + " weight scales for " + channels + " channels");
        if (zp != null && zp.elements() != scale.elements()) throw new OnnxFormatException(where + ": " + scale.elements() + " weight scales but " + zp.elements() + " zero points");
        double[] q = new double[w.elements()];
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            int k = scale.elements() == 1 ? 0 : c;
            double s = scale.values()[k], z = zp == null ? 0 : zp.values()[k];
            if (!(s > 0) || Double.isInfinite(s)) throw new OnnxFormatException(where + ": weight scale " + s + " is not positive and finite");
            double max = 0;
            for (int i = c * per; i < (c + 1) * per; i++) max = Math.max(max, Math.abs(w.values()[i] - z));
            if (max <= 127) {
                scales[c] = (float) s;
                for (int i = c * per; i < (c + 1) * per; i++) q[i] = w.values()[i] - z;
            } else {
                scales[c] = (float) (s * max / 127);
                for (int i = c * per; i < (c + 1) * per; i++) q[i] = Math.rint((w.values()[i] - z) * 127 / max);
            }
        }
        return new Int8Weights(q, scales);
    }

    private void qlinearConv(NodeProto n, Attrs a, String name) {
        String where = file + ": " + describe(n);
        Quantization xq = scalarQuant(n, 1, "x"), yq = scalarQuant(n, 6, "y");
        Value w = constIn(n, 3, "the filter"), ws = constIn(n, 4, "the filter scale"), wz = constIn(n, 5, "the filter zero point");
        Value b = constIn(n, 8, "the bias");
        boolean outUnsigned = unsigned(constIn(n, 7, "y zero point"));
        Image x = spatial(asInt8(actIn(n, 0), xq, name), name);
        Quantization x8 = int8Of(xq, tensors.get(actIn(n, 0).tensor()).dtype() == DType.U8);
        int[] wd = filterDims(w, x);
        int group = a.i32("group", 1);
        int cin = x.c(), cout = wd[0], kH = wd[2], kW = wd[3];
        if (group <= 0 || cin % group != 0 || cout % group != 0 || wd[1] * group != cin) throw new OnnxFormatException(where + ": filter " + Arrays.toString(w.dims()) + " does not fit " + cin + " input channels in " + group + " groups");
        int[] s = pair(a, "strides", new int[] {1, 1}, x), d = pair(a, "dilations", new int[] {1, 1}, x);
        Window win = window(a.s("auto_pad", "NOTSET"), pads(a, x), x.h(), x.w(), kH, kW, s[0], s[1], d[0], d[1], false);
        int input = win.explicit() == null ? x.tensor() : padSpatial(x.tensor(), win.explicit(), 0f, name);
        Int8Weights q = symmetric(w, ws, wz, cout, where);
        long[] zeros = new long[cout];
        int bias = -1;
        if (b != null) {
            if (b.elements() != cout) throw new OnnxFormatException(where + ": bias has " + b.elements() + " values for " + cout + " output channels");
            double[] bv = new double[cout];
            float[] bs = new float[cout];
            for (int c = 0; c < cout; c++) {
                double orig = x8.scale() * ws.values()[ws.elements() == 1 ? 0 : c];
                bs[c] = x8.scale() * q.scales()[c];
                bv[c] = Math.rint(b.values()[c] * orig / bs[c]);
            }
            bias = constant(n.getInput(8), DType.I32, new int[] {cout}, bv);
            tensors.set(bias, tensors.get(bias).withQuant(new Quantization(bs, zeros, 0)));
        }
        Quantization y8 = int8Of(yq, outUnsigned);
        int out;
        String convName = outUnsigned || x.oneD() ? name + "_int8" : name;
        if (group > 1 && group == cin && wd[1] == 1) {
            int filter = constant(n.getInput(3), DType.I8, new int[] {1, kH, kW, cout}, Layouts.transpose(q.values(), wd, new int[] {1, 2, 3, 0}));
            tensors.set(filter, tensors.get(filter).withQuant(new Quantization(q.scales(), zeros, 3)));
            out = emit(new Op.DepthwiseConv2D(win.padding(), s[0], s[1], d[0], d[1], cout / cin, Op.Act.NONE), convName, DType.I8, y8, input, filter, bias);
        } else {
            int filter = constant(n.getInput(3), DType.I8, new int[] {cout, kH, kW, wd[1]}, Layouts.transpose(q.values(), wd, new int[] {0, 2, 3, 1}));
            tensors.set(filter, tensors.get(filter).withQuant(new Quantization(q.scales(), zeros, 0)));
            out = emit(new Op.Conv2D(win.padding(), s[0], s[1], d[0], d[1], Op.Act.NONE), convName, DType.I8, y8, input, filter, bias);
        }
        Act img = image(out, x.oneD(), x.oneD() && outUnsigned ? name + "_int8_signal" : (x.oneD() ? name : name + "_int8_image"));
        int result = fromInt8(img.tensor(), yq, outUnsigned, name);
        put(n, new Act(result, img.dims(), img.perm()));
    }

    private void qlinearMatMul(NodeProto n, String name) {
        String where = file + ": " + describe(n);
        Quantization aq = scalarQuant(n, 1, "a"), yq = scalarQuant(n, 6, "y");
        Value w = constIn(n, 3, "b"), ws = constIn(n, 4, "b scale"), wz = constIn(n, 5, "b zero point");
        boolean outUnsigned = unsigned(constIn(n, 7, "y zero point"));
        Act raw = actIn(n, 0);
        Act x = asInt8(raw, aq, name);
        if (!(x.plain() || x.flatChw() != null)) throw new Unsupported("the input's layout would need a Transpose");
        if (w.dims().length != 2) throw new Unsupported("b of rank " + w.dims().length + " (batched matrix products are not supported)");
        if (ws.elements() != 1) throw new Unsupported("per-column scales of b");
        int inC = w.dims()[0], outC = w.dims()[1];
        if (x.dims()[x.dims().length - 1] != inC) throw new OnnxFormatException(where + ": a " + Arrays.toString(x.dims()) + " and b " + Arrays.toString(w.dims()) + " do not multiply");
        Value wt = new Value(w.type(), new int[] {outC, inC}, Layouts.transpose(w.values(), w.dims(), new int[] {1, 0}));
        Int8Weights q = symmetric(wt, ws, wz, 1, where);
        int weights = constant(n.getInput(3), DType.I8, new int[] {outC, inC}, weightsFor(x, q.values(), outC, inC));
        tensors.set(weights, tensors.get(weights).withQuant(Quantization.perTensor(q.scales()[0], 0)));
        Quantization y8 = int8Of(yq, outUnsigned);
        int out = emit(new Op.FullyConnected(Op.Act.NONE, x.dims().length > 2), outUnsigned ? name + "_int8" : name, DType.I8, y8, x.tensor(), weights, -1);
        int[] od = x.dims().clone();
        od[od.length - 1] = outC;
        put(n, new Act(fromInt8(out, yq, outUnsigned, name), od, null));
    }

    /** QLinearAdd (com.microsoft): an int8 ADD with broadcasting; a constant operand becomes an int8 constant. */
    private void qlinearAdd(NodeProto n, String name) {
        String where = file + ": " + describe(n);
        Quantization aq = scalarQuant(n, 1, "A"), bq = scalarQuant(n, 4, "B"), cq = scalarQuant(n, 6, "C");
        boolean outUnsigned = unsigned(constIn(n, 7, "C zero point"));
        Val p = in(n, 0), q = in(n, 3);
        if (p == null || q == null) throw new OnnxFormatException(where + " needs A and B");
        int[] dims = ConstantFolder.broadcast(dims(p), dims(q), where);
        Act lead = p instanceof Act a ? a : q instanceof Act b ? b : materialize((Const) p, n.getInput(0));
        int ta = quantizedOperand(p, aq, lead, n.getInput(0), where), tb = quantizedOperand(q, bq, lead, n.getInput(3), where);
        int out = emit(new Op.Add(Op.Act.NONE), outUnsigned ? name + "_int8" : name, DType.I8, int8Of(cq, outUnsigned), ta, tb);
        put(n, new Act(fromInt8(out, cq, outUnsigned, name), dims, lead.perm(), lead.flatChw()));
    }

    private int quantizedOperand(Val v, Quantization q, Act lead, String name, String where) {
        if (v instanceof Const c) {
            boolean u = c.v().type() == OnnxTensors.UINT8;
            if (!u && c.v().type() != OnnxTensors.INT8) throw new OnnxFormatException(where + ": quantized constant '" + name + "' holds " + OnnxTensors.typeName(c.v().type()));
            int t = constantLike(c.v(), lead, name, DType.I8, u ? -128 : 0);
            tensors.set(t, tensors.get(t).withQuant(int8Of(q, u)));
            return t;
        }
        Act a = asInt8((Act) v, q, name);
        return operand(a, lead, name);
    }

    private void quantize(NodeProto n, Attrs a, String name, boolean toInt) {
        String where = file + ": " + describe(n);
        Act x = actIn(n, 0);
        Value scale = constIn(n, 1, "the scale"), zp = constIn(n, 2, "the zero point");
        if (scale == null) throw new OnnxFormatException(where + ": the scale is missing");
        int r = x.dims().length;
        float[] scales = scale.floats();
        int axis = scales.length == 1 ? 0 : ConstantFolder.norm(a.i32("axis", 1), r, where);
        long[] zps = zp == null ? new long[scales.length] : zp.longs();
        if (zp != null && zp.elements() != scale.elements()) throw new OnnxFormatException(where + ": " + scale.elements() + " scales but " + zp.elements() + " zero points");
        for (float s : scales) if (!(s > 0) || Float.isInfinite(s)) throw new OnnxFormatException(where + ": scale " + s + " is not positive and finite");
        Quantization q = new Quantization(scales, zps, scales.length > 1 ? Layouts.position(x.perm(), axis) : 0);
        if (q.perChannel()) throw new Unsupported("per-axis quantization of activations");
        if (toInt) {
            DType dt = zp == null ? DType.U8 : OnnxTensors.dtype(zp.type());
            if (dt != DType.U8 && dt != DType.I8) throw new Unsupported("quantization to " + OnnxTensors.typeName(zp.type()));
            if (tensors.get(x.tensor()).dtype() != DType.F32) throw new Unsupported("quantizing " + tensors.get(x.tensor()).dtype().lower());
            int out;
            if (dt == DType.U8) {
                // tinyfit quantizes float to int8; uint8 is the same values shifted by 128
                Quantization s8 = Quantization.perTensor(q.scale(), q.zeroPoint() - 128);
                out = emit(new Op.Quantize(), name, DType.U8, q, emit(new Op.Quantize(), name + "_int8", DType.I8, s8, x.tensor()));
            } else {
                out = emit(new Op.Quantize(), name, dt, q, x.tensor());
            }
            put(n, new Act(out, x.dims(), x.perm(), x.flatChw()));
        } else {
            Tensor t = tensors.get(x.tensor());
            if (t.dtype() != DType.I8 && t.dtype() != DType.U8) throw new Unsupported("dequantizing " + t.dtype().lower());
            if (t.quant() == null || !t.quant().equals(q)) tensors.set(x.tensor(), t.withQuant(q));
            int out = emit(new Op.Dequantize(), name, DType.F32, null, x.tensor());
            put(n, new Act(out, x.dims(), x.perm(), x.flatChw()));
        }
    }
}
