package org.tinyfit.tflite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;

/**
 * Reads a .tflite file (subgraph 0) into a {@link Graph}: tensor ids are the file's tensor indices,
 * node ids the file's operator indices in stored order. The file is untrusted: every offset, vector
 * and string is checked before use, and any defect is reported as a {@link TfliteFormatException}
 * naming the file and the place.
 */
public final class TfliteReader {
    private TfliteReader() {}

    /** The largest file tinyfit reads (a Java array holds at most 2 GiB). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    /** The most dimensions a tensor may have (TFLite kernels support at most 6; more means a damaged file). */
    public static final int MAX_RANK = 16;

    public static Graph read(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        byte[] bytes;
        if (!Files.isRegularFile(path)) {
            throw new TfliteFormatException(name + ": " + (Files.exists(path) ? "is not a regular file" : "no such file") + " (" + path.toAbsolutePath() + ")");
        }
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) throw new TfliteFormatException(name + ": the file has " + size + " bytes, more than tinyfit reads (" + MAX_FILE_BYTES + ")");
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new TfliteFormatException(name + ": cannot read the file (" + e + ")", e);
        }
        return read(bytes, name);
    }

    public static Graph read(byte[] bytes, String sourceName) {
        return new ModelReader(new FbFile(bytes, sourceName == null ? "model.tflite" : sourceName), bytes).read();
    }

    /** Reads one model; holds the per-file state (buffer cache, operator codes). */
    private static final class ModelReader {
        private final FbFile file;
        private final byte[] bytes;
        private FbTable.Tables buffers;
        private final Map<Long, byte[]> bufferData = new java.util.HashMap<>();

        ModelReader(FbFile file, byte[] bytes) {
            this.file = file;
            this.bytes = bytes;
        }

        Graph read() {
            FbTable model = file.root(Schema.IDENTIFIER);
            long version = model.u32(Schema.MODEL_VERSION, 0, "version");
            if (version != 3) {
                throw file.fail("model", "schema version " + version + " is not supported (tinyfit reads TFLite schema version 3)");
            }
            FbTable.Tables codes = model.tables(Schema.MODEL_OPERATOR_CODES, "operator_codes");
            int[] builtin = new int[codes.size()];
            String[] custom = new String[codes.size()];
            for (int i = 0; i < codes.size(); i++) {
                FbTable c = codes.get(i, "operator code " + i);
                int deprecated = c.i8(Schema.OPCODE_DEPRECATED_BUILTIN, 0, "deprecated_builtin_code");
                int extended = c.i32(Schema.OPCODE_BUILTIN, 0, "builtin_code");
                builtin[i] = Math.max(deprecated, extended);
                custom[i] = c.string(Schema.OPCODE_CUSTOM, "custom_code");
            }
            FbTable.Tables subgraphs = model.tables(Schema.MODEL_SUBGRAPHS, "subgraphs");
            if (subgraphs.size() == 0) throw file.fail("model", "the model has no subgraph");
            buffers = model.tables(Schema.MODEL_BUFFERS, "buffers");
            String description = model.string(Schema.MODEL_DESCRIPTION, "description");

            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("tflite.version", Long.toString(version));
            if (description != null) meta.put("tflite.description", description);
            meta.put("tflite.subgraphs", Integer.toString(subgraphs.size()));
            meta.put("tflite.source", file.sourceName());
            readMetadata(model, meta);

            FbTable sg = subgraphs.get(0, "subgraph 0");
            String sgName = sg.string(Schema.SUBGRAPH_NAME, "name");
            if (sgName != null && !sgName.isEmpty()) meta.put("tflite.subgraph_name", sgName);

            List<Tensor> tensors = readTensors(sg);
            int n = tensors.size();
            int[] inputs = indices(sg.ints(Schema.SUBGRAPH_INPUTS, "inputs"), n, "subgraph 0", "input", false);
            int[] outputs = indices(sg.ints(Schema.SUBGRAPH_OUTPUTS, "outputs"), n, "subgraph 0", "output", false);
            List<Node> nodes = readOperators(sg, n, builtin, custom);

            Graph g;
            try {
                g = new Graph(stem(file.sourceName()), tensors, nodes, inputs, outputs, meta);
                ShapeInference.check(g);
            } catch (TfliteFormatException e) {
                throw e;
            } catch (GraphException e) {
                throw new TfliteFormatException(file.sourceName() + ": subgraph 0: " + e.getMessage(), e);
            }
            return g;
        }

        private void readMetadata(FbTable model, Map<String, String> meta) {
            FbTable.Tables entries = model.tables(Schema.MODEL_METADATA, "metadata");
            for (int i = 0; i < entries.size(); i++) {
                String place = "metadata " + i;
                FbTable m = entries.get(i, place);
                String name = m.string(Schema.METADATA_NAME, "name");
                long b = m.u32(Schema.METADATA_BUFFER, 0, "buffer");
                byte[] data = bufferData(b, place);
                String key = "tflite.metadata." + (name == null ? Integer.toString(i) : name);
                String text = text(data);
                if (text != null) meta.put(key, text);
                else meta.put(key + ".bytes", Integer.toString(data.length));
            }
        }

        /** The bytes as text when they are printable UTF-8 (trailing NULs dropped), else null. */
        private static String text(byte[] data) {
            int end = data.length;
            while (end > 0 && data[end - 1] == 0) end--;
            String s = new String(data, 0, end, StandardCharsets.UTF_8);
            if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(data, end))) return null;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') return null;
            }
            return s;
        }

        private List<Tensor> readTensors(FbTable sg) {
            FbTable.Tables ts = sg.tables(Schema.SUBGRAPH_TENSORS, "tensors");
            List<Tensor> out = new ArrayList<>(ts.size());
            for (int i = 0; i < ts.size(); i++) {
                String place = "subgraph 0, tensor " + i;
                FbTable t = ts.get(i, place);
                int[] dims = t.ints(Schema.TENSOR_SHAPE, "shape");
                if (dims != null && dims.length > MAX_RANK) {
                    throw file.fail(place, "shape has " + dims.length + " dimensions; tinyfit reads tensors of at most " + MAX_RANK);
                }
                Shape shape = guarded(place, () -> new Shape(dims == null ? new int[0] : dims));
                int type = t.i8(Schema.TENSOR_TYPE, 0, "type");
                if (type < 0 || type > Schema.LAST_TENSOR_TYPE) {
                    throw file.fail(place, "type " + type + " is not a TFLite tensor type (0 to " + Schema.LAST_TENSOR_TYPE + ")");
                }
                DType dtype = dtype(type);
                String name = t.string(Schema.TENSOR_NAME, "name");
                if (t.has(Schema.TENSOR_SPARSITY)) throw file.fail(place, "sparse tensors are not supported; densify the model first");
                long b = t.u32(Schema.TENSOR_BUFFER, 0, "buffer");
                byte[] data = bufferData(b, place);
                if (data.length == 0) {
                    data = null;
                } else if (dtype != DType.UNKNOWN && data.length != shape.elements() * (long) dtype.bytes()) {
                    throw file.fail(place, "buffer " + b + " holds " + data.length + " bytes, but a " + dtype.lower() + shape
                            + " tensor needs " + shape.elements() * (long) dtype.bytes());
                }
                Quantization q = quantization(t.table(Schema.TENSOR_QUANTIZATION, "quantization", place + ", quantization"), shape, place);
                boolean variable = t.bool(Schema.TENSOR_IS_VARIABLE, false, "is_variable");
                byte[] d = data;
                out.add(guarded(place, () -> new Tensor(out.size(), name, dtype, shape, q, d, variable)));
            }
            return out;
        }

        private Quantization quantization(FbTable q, Shape shape, String place) {
            if (q == null) return null;
            float[] scales = q.floats(Schema.QUANT_SCALE, "scale");
            if (scales == null || scales.length == 0) return null;
            long[] zps = q.longs(Schema.QUANT_ZERO_POINT, "zero_point");
            if (zps == null || zps.length == 0) zps = new long[scales.length];
            if (zps.length != scales.length) {
                throw file.fail(place, "quantization has " + scales.length + " scales but " + zps.length + " zero points");
            }
            int axis = q.i32(Schema.QUANT_DIMENSION, 0, "quantized_dimension");
            if (axis < 0) throw file.fail(place, "quantized_dimension " + axis + " is negative");
            if (scales.length > 1) {
                // A per-channel bias is 1-D but carries its weights' quantized_dimension (e.g. 3 for depthwise).
                int channels = axis < shape.rank() ? shape.dim(axis) : shape.rank() == 1 ? shape.dim(0) : -1;
                if (channels != scales.length) {
                    throw file.fail(place, "has " + scales.length + " scales, but shape " + shape + " has no dimension " + axis + " of that size");
                }
            }
            long[] z = zps;
            return guarded(place, () -> new Quantization(scales, z, axis));
        }

        /** The data of buffer {@code index} (empty when it has none); each buffer is copied once. */
        private byte[] bufferData(long index, String place) {
            if (index < 0 || index >= buffers.size()) {
                throw file.fail(place, "buffer " + index + " is out of range (the model has " + buffers.size() + " buffers)");
            }
            byte[] cached = bufferData.get(index);
            if (cached != null) return cached;
            String bplace = "buffer " + index;
            FbTable b = buffers.get((int) index, bplace);
            int[] range = b.byteRange(Schema.BUFFER_DATA, "data");
            byte[] data;
            if (range != null && range[1] > 0) {
                data = Arrays.copyOfRange(bytes, range[0], range[0] + range[1]);
            } else {
                long offset = b.i64(Schema.BUFFER_OFFSET, 0, "offset");
                long size = b.i64(Schema.BUFFER_SIZE, 0, "size");
                if (offset > 1) {
                    file.need(offset, size, bplace, "the data (offset " + Long.toUnsignedString(offset) + ", size " + Long.toUnsignedString(size) + ")");
                    file.charge(size / 16, bplace);
                    data = Arrays.copyOfRange(bytes, (int) offset, (int) (offset + size));
                } else {
                    data = new byte[0];
                }
            }
            bufferData.put(index, data);
            return data;
        }

        private List<Node> readOperators(FbTable sg, int tensorCount, int[] builtin, String[] custom) {
            FbTable.Tables ops = sg.tables(Schema.SUBGRAPH_OPERATORS, "operators");
            List<Node> out = new ArrayList<>(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                String place = "subgraph 0, operator " + i;
                FbTable o = ops.get(i, place);
                long idx = o.u32(Schema.OP_OPCODE_INDEX, 0, "opcode_index");
                if (idx >= builtin.length) {
                    throw file.fail(place, "opcode_index " + idx + " is out of range (the model has " + builtin.length + " operator codes)");
                }
                int code = builtin[(int) idx];
                String opPlace = place + " (" + (code == BuiltinOperators.CUSTOM && custom[(int) idx] != null ? custom[(int) idx] : BuiltinOperators.name(code)) + ")";
                int[] ins = indices(o.ints(Schema.OP_INPUTS, "inputs"), tensorCount, opPlace, "input", true);
                int[] outs = indices(o.ints(Schema.OP_OUTPUTS, "outputs"), tensorCount, opPlace, "output", false);
                Op op = OptionsReader.op(o, code, custom[(int) idx], opPlace);
                out.add(new Node(i, op, ins, outs));
            }
            return out;
        }

        private int[] indices(int[] v, int tensorCount, String place, String what, boolean optional) {
            if (v == null) return new int[0];
            for (int k = 0; k < v.length; k++) {
                if ((optional && v[k] == -1)) continue;
                if (v[k] < 0 || v[k] >= tensorCount) {
                    throw file.fail(place, what + " " + k + " is tensor " + v[k] + ", out of range (the subgraph has " + tensorCount + " tensors)");
                }
            }
            return v;
        }

        private <T> T guarded(String place, java.util.function.Supplier<T> f) {
            try {
                return f.get();
            } catch (GraphException | ArithmeticException e) {
                throw file.fail(place, e.getMessage());
            }
        }
    }

    static DType dtype(int type) {
        return switch (type) {
            case Schema.FLOAT32 -> DType.F32;
            case Schema.FLOAT16 -> DType.F16;
            case Schema.INT32 -> DType.I32;
            case Schema.UINT8 -> DType.U8;
            case Schema.INT64 -> DType.I64;
            case Schema.BOOL -> DType.BOOL;
            case Schema.INT16 -> DType.I16;
            case Schema.INT8 -> DType.I8;
            default -> DType.UNKNOWN;
        };
    }

    static String stem(String sourceName) {
        String s = sourceName;
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        if (slash >= 0) s = s.substring(slash + 1);
        return s.endsWith(".tflite") ? s.substring(0, s.length() - ".tflite".length()) : s;
    }
}
