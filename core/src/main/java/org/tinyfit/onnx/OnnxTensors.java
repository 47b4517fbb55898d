package org.tinyfit.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Shape;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;

/**
 * ONNX tensors as values: element types, dimensions and data, decoded from either {@code raw_data}
 * or the typed fields, with every declared size checked against the bytes actually present before
 * anything is allocated. Data kept in an external file is refused: tinyfit reads self-contained
 * models only, so no path named inside a model is ever opened.
 */
public final class OnnxTensors {
    private OnnxTensors() {}

    // ONNX TensorProto.DataType codes
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9,
            FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13;

    /** The most dimensions a tensor may declare. */
    public static final int MAX_RANK = 16;

    /** The most elements one tensor may hold (2^28: 1 GiB of float32). */
    public static final long MAX_ELEMENTS = 1L << 28;

    /** A decoded tensor: its ONNX element type, dimensions and values (exact for every type read, doubles hold them all). */
    public record Value(int type, int[] dims, double[] values) {
        public int elements() { return values.length; }

        public float[] floats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            return f;
        }

        public long[] longs() {
            long[] l = new long[values.length];
            for (int i = 0; i < l.length; i++) l[i] = (long) values[i];
            return l;
        }

        @Override public String toString() { return typeName(type) + Arrays.toString(dims); }
    }

    /** Parses a serialized TensorProto (a test's input_0.pb) and decodes it. */
    public static Value parse(byte[] bytes, String sourceName) {
        TensorProto t;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(OnnxReader.RECURSION_LIMIT);
            t = TensorProto.parseFrom(in);
        } catch (java.io.IOException e) {
            throw new OnnxFormatException(sourceName + ": not a serialized ONNX tensor (" + e.getMessage() + ")");
        }
        return decode(t, sourceName + ": tensor '" + t.getName() + "'");
    }

    /** The tinyfit element type of an ONNX one, or null when tinyfit has none. */
    public static DType dtype(int type) {
        return switch (type) {
            case FLOAT -> DType.F32;
            case UINT8 -> DType.U8;
            case INT8 -> DType.I8;
            case INT16 -> DType.I16;
            case INT32 -> DType.I32;
            case INT64 -> DType.I64;
            case BOOL -> DType.BOOL;
            default -> null;
        };
    }

    public static String typeName(int type) {
        return switch (type) {
            case FLOAT -> "float";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case UINT16 -> "uint16";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case STRING -> "string";
            case BOOL -> "bool";
            case FLOAT16 -> "float16";
            case DOUBLE -> "double";
            case UINT32 -> "uint32";
            case UINT64 -> "uint64";
            default -> "type " + type;
        };
    }

    private static int byteSize(int type) {
        return switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16 -> 2;
            case INT64, DOUBLE, UINT64 -> 8;
            default -> 0;
        };
    }

    /** Checks declared dimensions: each non-negative and fitting an int, the product within {@link #MAX_ELEMENTS}. */
    static int[] dims(java.util.List<Long> declared, String where) {
        if (declared.size() > MAX_RANK) throw new OnnxFormatException(where + ": " + declared.size() + " dimensions, more than the " + MAX_RANK + " tinyfit accepts");
        int[] d = new int[declared.size()];
        long n = 1;
        for (int i = 0; i < d.length; i++) {
            long v = declared.get(i);
            if (v < 0 || v > Integer.MAX_VALUE) throw new OnnxFormatException(where + ": dimension " + i + " is " + v);
            d[i] = (int) v;
            n *= v;
            if (n > MAX_ELEMENTS) throw new OnnxFormatException(where + ": dimensions " + declared + " hold more than " + MAX_ELEMENTS + " elements");
        }
        return d;
    }

    /** Decodes a tensor; {@code where} names it in errors. */
    public static Value decode(TensorProto t, String where) {
        if (t.getDataLocation() == 1 || t.getExternalDataCount() > 0) {
            String location = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location")).map(e -> e.getValue()).findFirst().orElse("?");
            throw new OnnxFormatException(where + " keeps its data in an external file ('" + location
                    + "'); tinyfit reads only self-contained models: save the model with its data embedded (onnx.save_model(model, path, save_as_external_data=False))");
        }
        int type = t.getDataType();
        int[] dims = dims(t.getDimsList(), where);
        int n = (int) new Shape(dims).elements();
        int size = byteSize(type);
        if (size == 0 || type == FLOAT16) throw new OnnxFormatException(where + ": element type " + typeName(type) + " is not supported");
        double[] v = new double[0];
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != (long) n * size) {
                throw new OnnxFormatException(where + ": " + typeName(type) + Arrays.toString(dims) + " needs " + (long) n * size + " bytes of raw_data, the file has " + raw.size());
            }
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case FLOAT -> b.getFloat(i * 4);
                    case DOUBLE -> b.getDouble(i * 8);
                    case INT32 -> b.getInt(i * 4);
                    case UINT32 -> Integer.toUnsignedLong(b.getInt(i * 4));
                    case INT64, UINT64 -> b.getLong(i * 8);
                    case INT16 -> b.getShort(i * 2);
                    case UINT16 -> Short.toUnsignedInt(b.getShort(i * 2));
                    case INT8 -> b.get(i);
                    case UINT8 -> Byte.toUnsignedInt(b.get(i));
                    case BOOL -> b.get(i) != 0 ? 1 : 0;
                    default -> throw new IllegalStateException();
                };
            }
        } else {
            int have = switch (type) {
                case FLOAT -> t.getFloatDataCount();
                case DOUBLE -> t.getDoubleDataCount();
                case INT64 -> t.getInt64DataCount();
                case UINT32, UINT64 -> t.getUint64DataCount();
                default -> t.getInt32DataCount();
            };
            if (have != n) throw new OnnxFormatException(where + ": " + typeName(type) + Arrays.toString(dims) + " needs " + n + " values, the file has " + have);
            v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case FLOAT -> t.getFloatData(i);
                    case DOUBLE -> t.getDoubleData(i);
                    case INT64 -> t.getInt64Data(i);
                    case UINT32, UINT64 -> t.getUint64Data(i);
                    case UINT8 -> t.getInt32Data(i) & 0xFF;
                    case INT8 -> (byte) t.getInt32Data(i);
                    case INT16 -> (short) t.getInt32Data(i);
                    case UINT16 -> t.getInt32Data(i) & 0xFFFF;
                    case BOOL -> t.getInt32Data(i) != 0 ? 1 : 0;
                    default -> t.getInt32Data(i);
                };
            }
        }
        if (type == FLOAT) for (int i = 0; i < n; i++) v[i] = (float) v[i];
        return new Value(type, dims, v);
    }
}
