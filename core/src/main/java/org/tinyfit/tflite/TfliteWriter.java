package org.tinyfit.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;

/**
 * Writes a {@link Graph} as a complete .tflite model (schema version 3, one subgraph) that TFLite
 * Micro can load. The graph's metadata is stored as Model.metadata entries whose buffers hold the
 * UTF-8 text, so a written model carries its provenance. Each operator code carries the version
 * TFLite assigns for the features its nodes use ({@link OpVersions}); one signature,
 * {@value #SIGNATURE_KEY}, names the graph's inputs and outputs by their tensor names. The same
 * graph always gives the same bytes.
 */
public final class TfliteWriter {
    private TfliteWriter() {}

    /** Metadata keys the reader derives from the file itself; they are not written back as entries. */
    private static final List<String> DERIVED = List.of("tflite.version", "tflite.description", "tflite.subgraphs", "tflite.source", "tflite.subgraph_name");

    /** The key of the one signature written, as TFLite's converter names its default signature. */
    public static final String SIGNATURE_KEY = "serving_default";

    public static byte[] write(Graph g) {
        return new Writer(g).write();
    }

    private record OpCode(int code, String custom) {}

    private static final class Writer {
        private final Graph g;
        private final FlatBufferBuilder b = new FlatBufferBuilder(1024);
        private final List<byte[]> buffers = new ArrayList<>();
        private final Map<OpCode, Integer> opcodes = new LinkedHashMap<>();
        private final Map<OpCode, Integer> versions = new LinkedHashMap<>();

        Writer(Graph g) { this.g = g; }

        byte[] write() {
            buffers.add(new byte[0]);
            // Tensors first, so constants take buffers 1..k in tensor order.
            int[] tensorOffsets = new int[g.tensors().size()];
            for (Tensor t : g.tensors()) tensorOffsets[t.id()] = tensor(t);
            int[] opOffsets = new int[g.nodes().size()];
            for (Node n : g.nodes()) opOffsets[n.id()] = operator(n);
            int sgName = b.createString(g.metadata().getOrDefault("tflite.subgraph_name", g.name()));
            int tensorsVec = offsets(tensorOffsets);
            int inputsVec = ints(g.inputs());
            int outputsVec = ints(g.outputs());
            int opsVec = offsets(opOffsets);
            b.startTable(5);
            b.addOffset(Schema.SUBGRAPH_TENSORS, tensorsVec, 0);
            b.addOffset(Schema.SUBGRAPH_INPUTS, inputsVec, 0);
            b.addOffset(Schema.SUBGRAPH_OUTPUTS, outputsVec, 0);
            b.addOffset(Schema.SUBGRAPH_OPERATORS, opsVec, 0);
            b.addOffset(Schema.SUBGRAPH_NAME, sgName, 0);
            int subgraph = b.endTable();

            int[] metaOffsets = metadata();
            int signature = signature();
            int[] codeOffsets = new int[opcodes.size()];
            int k = 0;
            for (OpCode c : opcodes.keySet()) codeOffsets[k++] = operatorCode(c);
            int[] bufferOffsets = new int[buffers.size()];
            for (int i = 0; i < buffers.size(); i++) bufferOffsets[i] = buffer(buffers.get(i));

            int description = b.createString(g.metadata().getOrDefault("tflite.description", "tinyfit"));
            int codesVec = offsets(codeOffsets);
            int subgraphsVec = offsets(new int[] {subgraph});
            int buffersVec = offsets(bufferOffsets);
            int metaVec = offsets(metaOffsets);
            int signaturesVec = offsets(new int[] {signature});
            b.startTable(8);
            b.addInt(Schema.MODEL_VERSION, 3, 0);
            b.addOffset(Schema.MODEL_OPERATOR_CODES, codesVec, 0);
            b.addOffset(Schema.MODEL_SUBGRAPHS, subgraphsVec, 0);
            b.addOffset(Schema.MODEL_DESCRIPTION, description, 0);
            b.addOffset(Schema.MODEL_BUFFERS, buffersVec, 0);
            if (metaOffsets.length > 0) b.addOffset(Schema.MODEL_METADATA, metaVec, 0);
            b.addOffset(Schema.MODEL_SIGNATURE_DEFS, signaturesVec, 0);
            int model = b.endTable();
            b.finish(model, Schema.IDENTIFIER);
            return b.sizedByteArray();
        }

        private int[] metadata() {
            List<Integer> out = new ArrayList<>();
            for (Map.Entry<String, String> e : g.metadata().entrySet()) {
                String key = e.getKey();
                if (DERIVED.contains(key)) continue;
                if (key.startsWith("tflite.metadata.")) {
                    if (key.endsWith(".bytes")) continue;
                    key = key.substring("tflite.metadata.".length());
                }
                int buffer = buffers.size();
                buffers.add(e.getValue().getBytes(StandardCharsets.UTF_8));
                int name = b.createString(key);
                b.startTable(2);
                b.addOffset(Schema.METADATA_NAME, name, 0);
                b.addInt(Schema.METADATA_BUFFER, buffer, 0);
                out.add(b.endTable());
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The signature of subgraph 0: each graph input and output under its tensor's name. */
        private int signature() {
            int inputs = tensorMaps(g.inputs());
            int outputs = tensorMaps(g.outputs());
            int key = b.createString(SIGNATURE_KEY);
            b.startTable(5);
            b.addOffset(Schema.SIGNATURE_INPUTS, inputs, 0);
            b.addOffset(Schema.SIGNATURE_OUTPUTS, outputs, 0);
            b.addOffset(Schema.SIGNATURE_KEY, key, 0);
            b.addInt(Schema.SIGNATURE_SUBGRAPH_INDEX, 0, 0);
            return b.endTable();
        }

        private int tensorMaps(int[] ids) {
            int[] maps = new int[ids.length];
            for (int i = 0; i < ids.length; i++) {
                int name = b.createString(g.tensor(ids[i]).name());
                b.startTable(2);
                b.addOffset(Schema.TENSORMAP_NAME, name, 0);
                b.addInt(Schema.TENSORMAP_TENSOR_INDEX, ids[i], 0);
                maps[i] = b.endTable();
            }
            return offsets(maps);
        }

        private int tensor(Tensor t) {
            int buffer = 0;
            if (t.isConstant() && t.data().length > 0) {
                buffer = buffers.size();
                buffers.add(t.data());
            }
            int shape = ints(t.shape().dims());
            int name = b.createString(t.name());
            int quant = t.quant() == null ? 0 : quantization(t.quant());
            b.startTable(6);
            b.addOffset(Schema.TENSOR_SHAPE, shape, 0);
            b.addByte(Schema.TENSOR_TYPE, (byte) type(t.dtype(), t), 0);
            b.addInt(Schema.TENSOR_BUFFER, buffer, 0);
            b.addOffset(Schema.TENSOR_NAME, name, 0);
            if (quant != 0) b.addOffset(Schema.TENSOR_QUANTIZATION, quant, 0);
            b.addBoolean(Schema.TENSOR_IS_VARIABLE, t.variable(), false);
            return b.endTable();
        }

        private int quantization(Quantization q) {
            float[] scales = q.scales();
            long[] zps = q.zeroPoints();
            if (zps.length != scales.length) {
                long[] full = new long[scales.length];
                java.util.Arrays.fill(full, zps[0]);
                zps = full;
            }
            b.startVector(4, scales.length, 4);
            for (int i = scales.length - 1; i >= 0; i--) b.addFloat(scales[i]);
            int scaleVec = b.endVector();
            b.startVector(8, zps.length, 8);
            for (int i = zps.length - 1; i >= 0; i--) b.addLong(zps[i]);
            int zpVec = b.endVector();
            b.startTable(7);
            b.addOffset(Schema.QUANT_SCALE, scaleVec, 0);
            b.addOffset(Schema.QUANT_ZERO_POINT, zpVec, 0);
            b.addInt(Schema.QUANT_DIMENSION, q.axis(), 0);
            return b.endTable();
        }

        private int buffer(byte[] data) {
            if (data.length == 0) {
                b.startTable(1);
                return b.endTable();
            }
            b.createUnintializedVector(1, data.length, 16).put(data);
            int vec = b.endVector();
            b.startTable(1);
            b.addOffset(Schema.BUFFER_DATA, vec, 0);
            return b.endTable();
        }

        private int operatorCode(OpCode c) {
            int custom = c.custom() == null ? 0 : b.createString(c.custom());
            b.startTable(4);
            b.addByte(Schema.OPCODE_DEPRECATED_BUILTIN, (byte) Math.min(c.code(), BuiltinOperators.PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
            if (custom != 0) b.addOffset(Schema.OPCODE_CUSTOM, custom, 0);
            b.addInt(Schema.OPCODE_VERSION, versions.get(c), 1);
            b.addInt(Schema.OPCODE_BUILTIN, c.code(), 0);
            return b.endTable();
        }

        private int operator(Node n) {
            Encoded e = encode(n);
            int index = opcodes.computeIfAbsent(e.code(), c -> opcodes.size());
            versions.merge(e.code(), OpVersions.of(g, n), Math::max);
            int ins = ints(n.inputs());
            int outs = ints(n.outputs());
            b.startTable(5);
            b.addInt(Schema.OP_OPCODE_INDEX, index, 0);
            b.addOffset(Schema.OP_INPUTS, ins, 0);
            b.addOffset(Schema.OP_OUTPUTS, outs, 0);
            if (e.optionsType() != Schema.OPT_NONE) {
                b.addByte(Schema.OP_OPTIONS_TYPE, (byte) e.optionsType(), 0);
                b.addOffset(Schema.OP_OPTIONS, e.options(), 0);
            }
            return b.endTable();
        }

        private record Encoded(OpCode code, int optionsType, int options) {}

        private Encoded plain(Builtin builtin) { return with(builtin, 0); }

        /** {@code builtin} with its options table at {@code options} (0: none). */
        private Encoded with(Builtin builtin, int options) { return new Encoded(new OpCode(builtin.code, null), builtin.optionsType, options); }

        private int empty() { b.startTable(0); return b.endTable(); }

        /** The operator code and builtin options of a node (the options table is written here). */
        private Encoded encode(Node n) {
            return switch (n.op()) {
                case Op.Conv2D c -> {
                    b.startTable(6);
                    b.addByte(0, (byte) c.padding().ordinal(), 0);
                    b.addInt(1, c.strideW(), 0);
                    b.addInt(2, c.strideH(), 0);
                    b.addByte(3, (byte) c.act().ordinal(), 0);
                    b.addInt(4, c.dilationW(), 1);
                    b.addInt(5, c.dilationH(), 1);
                    yield with(Builtin.CONV_2D, b.endTable());
                }
                case Op.DepthwiseConv2D d -> {
                    b.startTable(7);
                    b.addByte(0, (byte) d.padding().ordinal(), 0);
                    b.addInt(1, d.strideW(), 0);
                    b.addInt(2, d.strideH(), 0);
                    b.addInt(3, d.depthMultiplier(), 0);
                    b.addByte(4, (byte) d.act().ordinal(), 0);
                    b.addInt(5, d.dilationW(), 1);
                    b.addInt(6, d.dilationH(), 1);
                    yield with(Builtin.DEPTHWISE_CONV_2D, b.endTable());
                }
                case Op.TransposeConv t -> {
                    b.startTable(4);
                    b.addByte(0, (byte) t.padding().ordinal(), 0);
                    b.addInt(1, t.strideW(), 0);
                    b.addInt(2, t.strideH(), 0);
                    b.addByte(3, (byte) t.act().ordinal(), 0);
                    yield with(Builtin.TRANSPOSE_CONV, b.endTable());
                }
                case Op.FullyConnected f -> {
                    b.startTable(3);
                    b.addByte(0, (byte) f.act().ordinal(), 0);
                    b.addBoolean(2, f.keepNumDims(), false);
                    yield with(Builtin.FULLY_CONNECTED, b.endTable());
                }
                case Op.Pool2D p -> {
                    b.startTable(6);
                    b.addByte(0, (byte) p.padding().ordinal(), 0);
                    b.addInt(1, p.strideW(), 0);
                    b.addInt(2, p.strideH(), 0);
                    b.addInt(3, p.filterW(), 0);
                    b.addInt(4, p.filterH(), 0);
                    b.addByte(5, (byte) p.act().ordinal(), 0);
                    yield with(p.pool() == Op.PoolKind.MAX ? Builtin.MAX_POOL_2D : Builtin.AVERAGE_POOL_2D, b.endTable());
                }
                case Op.Add a -> with(Builtin.ADD, actOnly(a.act()));
                case Op.Sub s -> with(Builtin.SUB, actOnly(s.act()));
                case Op.Mul m -> with(Builtin.MUL, actOnly(m.act()));
                case Op.Concat c -> {
                    b.startTable(2);
                    b.addInt(0, c.axis(), 0);
                    b.addByte(1, (byte) c.act().ordinal(), 0);
                    yield with(Builtin.CONCATENATION, b.endTable());
                }
                case Op.Reshape r -> {
                    int[] shape = r.newShape();
                    int vec = shape.length == 0 ? 0 : ints(shape);
                    b.startTable(1);
                    if (vec != 0) b.addOffset(0, vec, 0);
                    yield with(Builtin.RESHAPE, b.endTable());
                }
                case Op.Softmax s -> {
                    b.startTable(1);
                    b.addFloat(0, s.beta(), 0);
                    yield with(Builtin.SOFTMAX, b.endTable());
                }
                case Op.LeakyRelu l -> {
                    b.startTable(1);
                    b.addFloat(0, l.alpha(), 0);
                    yield with(Builtin.LEAKY_RELU, b.endTable());
                }
                case Op.StridedSlice s -> {
                    b.startTable(6);
                    b.addInt(0, s.beginMask(), 0);
                    b.addInt(1, s.endMask(), 0);
                    b.addInt(2, s.ellipsisMask(), 0);
                    b.addInt(3, s.newAxisMask(), 0);
                    b.addInt(4, s.shrinkAxisMask(), 0);
                    b.addBoolean(5, s.offset(), false);
                    yield with(Builtin.STRIDED_SLICE, b.endTable());
                }
                case Op.Svdf s -> {
                    b.startTable(2);
                    b.addInt(0, s.rank(), 0);
                    b.addByte(1, (byte) s.act().ordinal(), 0);
                    yield with(Builtin.SVDF, b.endTable());
                }
                case Op.UnidirectionalSequenceLstm l -> {
                    b.startTable(6);
                    b.addFloat(1, l.cellClip(), 0);
                    b.addFloat(2, l.projClip(), 0);
                    b.addByte(0, (byte) l.act().ordinal(), 0);
                    b.addBoolean(3, l.timeMajor(), false);
                    b.addBoolean(4, l.asymmetricQuantizeInputs(), false);
                    b.addBoolean(5, l.diagonalRecurrent(), false);
                    yield with(Builtin.UNIDIRECTIONAL_SEQUENCE_LSTM, b.endTable());
                }
                case Op.BidirectionalSequenceLstm l -> {
                    b.startTable(6);
                    b.addFloat(1, l.cellClip(), 0);
                    b.addFloat(2, l.projClip(), 0);
                    b.addByte(0, (byte) l.act().ordinal(), 0);
                    b.addBoolean(3, l.mergeOutputs(), false);
                    b.addBoolean(4, l.timeMajor(), true);
                    b.addBoolean(5, l.asymmetricQuantizeInputs(), false);
                    yield with(Builtin.BIDIRECTIONAL_SEQUENCE_LSTM, b.endTable());
                }
                case Op.Mean m -> {
                    b.startTable(1);
                    b.addBoolean(0, m.keepDims(), false);
                    yield with(Builtin.MEAN, b.endTable());
                }
                case Op.Relu r -> plain(Builtin.RELU);
                case Op.Relu6 r -> plain(Builtin.RELU6);
                case Op.Logistic l -> plain(Builtin.LOGISTIC);
                case Op.Tanh t -> plain(Builtin.TANH);
                case Op.Pad p -> n.inputCount() > 2
                        ? with(Builtin.PADV2, empty())
                        : with(Builtin.PAD, empty());
                case Op.Quantize q -> with(Builtin.QUANTIZE, empty());
                case Op.Transpose t -> with(Builtin.TRANSPOSE, empty());
                case Op.Resize r -> {
                    boolean nearest = r.mode() == Op.ResizeMode.NEAREST;
                    int first = nearest ? 0 : 2;
                    b.startTable(first + 2);
                    b.addBoolean(first, r.alignCorners(), false);
                    b.addBoolean(first + 1, r.halfPixelCenters(), false);
                    yield with(nearest ? Builtin.RESIZE_NEAREST_NEIGHBOR : Builtin.RESIZE_BILINEAR, b.endTable());
                }
                case Op.Dequantize d -> with(Builtin.DEQUANTIZE, empty());
                case Op.BatchNorm bn -> throw new GraphException(n.label() + ": BATCH_NORM has no TFLite form; fold it first");
                case Op.Dropout d -> throw new GraphException(n.label() + ": DROPOUT has no TFLite form; remove it first");
                case Op.Opaque o -> o.builtinCode() == BuiltinOperators.CUSTOM
                        ? new Encoded(new OpCode(BuiltinOperators.CUSTOM, o.name()), Schema.OPT_NONE, 0)
                        : new Encoded(new OpCode(o.builtinCode(), null), Schema.OPT_NONE, 0);
            };
        }

        private int actOnly(Op.Act act) {
            b.startTable(1);
            b.addByte(0, (byte) act.ordinal(), 0);
            return b.endTable();
        }

        private int ints(int[] v) {
            b.startVector(4, v.length, 4);
            for (int i = v.length - 1; i >= 0; i--) b.addInt(v[i]);
            return b.endVector();
        }

        private int offsets(int[] v) {
            b.startVector(4, v.length, 4);
            for (int i = v.length - 1; i >= 0; i--) b.addOffset(v[i]);
            return b.endVector();
        }
    }

    static int type(DType d, Tensor t) {
        return switch (d) {
            case F32 -> Schema.FLOAT32;
            case F16 -> Schema.FLOAT16;
            case I32 -> Schema.INT32;
            case U8 -> Schema.UINT8;
            case I64 -> Schema.INT64;
            case BOOL -> Schema.BOOL;
            case I16 -> Schema.INT16;
            case I8 -> Schema.INT8;
            case UNKNOWN -> throw new GraphException("tensor " + t.id() + " (" + t.name() + ") has an unknown element type; TFLite cannot store it");
        };
    }
}
