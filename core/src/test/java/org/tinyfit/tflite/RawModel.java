package org.tinyfit.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Builds .tflite bytes field by field, without any of the checks a Graph makes, so tests can write
 * exactly the defect they want the reader to reject.
 */
final class RawModel {
    record T(int[] shape, int type, int buffer, String name, float[] scales, long[] zeroPoints, int axis, boolean variable) {
        static T activation(String name, int type, int... shape) { return new T(shape, type, 0, name, null, null, 0, false); }
    }

    record O(int opcodeIndex, int[] inputs, int[] outputs, int optionsType, ToIntFunction<FlatBufferBuilder> options) {
        static O plain(int opcodeIndex, int[] inputs, int[] outputs) { return new O(opcodeIndex, inputs, outputs, 0, null); }
    }

    int version = 3;
    String identifier = "TFL3";
    String description = "raw";
    final List<Integer> opcodes = new ArrayList<>();
    final List<String> customCodes = new ArrayList<>();
    final List<T> tensors = new ArrayList<>();
    final List<O> operators = new ArrayList<>();
    final List<byte[]> buffers = new ArrayList<>(List.of(new byte[0]));
    int[] inputs = new int[0];
    int[] outputs = new int[0];
    /** How many times the tensors vector lists each tensor table (to test shared tables). */
    int tensorRepeat = 1;
    /** Buffers stored outside the flatbuffer: buffer index to {offset, size} (as in models over 2 GB). */
    final java.util.Map<Integer, long[]> external = new java.util.HashMap<>();

    int opcode(int code) { return opcode(code, null); }

    int opcode(int code, String custom) {
        opcodes.add(code);
        customCodes.add(custom);
        return opcodes.size() - 1;
    }

    int buffer(byte[] data) {
        buffers.add(data);
        return buffers.size() - 1;
    }

    int tensor(T t) {
        tensors.add(t);
        return tensors.size() - 1;
    }

    /** A model computing t2 = RELU(t0) ... : one input tensor [1,4] f32 and a RELU operator. */
    static RawModel relu() {
        RawModel m = new RawModel();
        int relu = m.opcode(BuiltinOperators.RELU);
        m.tensor(T.activation("x", Schema.FLOAT32, 1, 4));
        m.tensor(T.activation("y", Schema.FLOAT32, 1, 4));
        m.operators.add(O.plain(relu, new int[] {0}, new int[] {1}));
        m.inputs = new int[] {0};
        m.outputs = new int[] {1};
        return m;
    }

    byte[] build() {
        FlatBufferBuilder b = new FlatBufferBuilder(256);
        int[] ts = new int[tensors.size()];
        for (int i = 0; i < ts.length; i++) {
            T t = tensors.get(i);
            int shape = ints(b, t.shape());
            int name = t.name() == null ? 0 : b.createString(t.name());
            int quant = 0;
            if (t.scales() != null) {
                b.startVector(4, t.scales().length, 4);
                for (int k = t.scales().length - 1; k >= 0; k--) b.addFloat(t.scales()[k]);
                int sv = b.endVector();
                b.startVector(8, t.zeroPoints().length, 8);
                for (int k = t.zeroPoints().length - 1; k >= 0; k--) b.addLong(t.zeroPoints()[k]);
                int zv = b.endVector();
                b.startTable(7);
                b.addOffset(Schema.QUANT_SCALE, sv, 0);
                b.addOffset(Schema.QUANT_ZERO_POINT, zv, 0);
                b.addInt(Schema.QUANT_DIMENSION, t.axis(), 0);
                quant = b.endTable();
            }
            b.startTable(6);
            if (shape != 0) b.addOffset(Schema.TENSOR_SHAPE, shape, 0);
            b.addByte(Schema.TENSOR_TYPE, (byte) t.type(), 0);
            b.addInt(Schema.TENSOR_BUFFER, t.buffer(), 0);
            if (name != 0) b.addOffset(Schema.TENSOR_NAME, name, 0);
            if (quant != 0) b.addOffset(Schema.TENSOR_QUANTIZATION, quant, 0);
            b.addBoolean(Schema.TENSOR_IS_VARIABLE, t.variable(), false);
            ts[i] = b.endTable();
        }
        int[] ops = new int[operators.size()];
        for (int i = 0; i < ops.length; i++) {
            O o = operators.get(i);
            int opts = o.options() == null ? 0 : o.options().applyAsInt(b);
            int in = ints(b, o.inputs());
            int out = ints(b, o.outputs());
            b.startTable(5);
            b.addInt(Schema.OP_OPCODE_INDEX, o.opcodeIndex(), 0);
            b.addOffset(Schema.OP_INPUTS, in, 0);
            b.addOffset(Schema.OP_OUTPUTS, out, 0);
            if (o.optionsType() != 0) b.addByte(Schema.OP_OPTIONS_TYPE, (byte) o.optionsType(), 0);
            if (opts != 0) b.addOffset(Schema.OP_OPTIONS, opts, 0);
            ops[i] = b.endTable();
        }
        int[] repeated = new int[ts.length * tensorRepeat];
        for (int i = 0; i < repeated.length; i++) repeated[i] = ts[i % ts.length];
        int tv = offsets(b, repeated);
        int iv = ints(b, inputs);
        int ov = ints(b, outputs);
        int opv = offsets(b, ops);
        b.startTable(5);
        b.addOffset(Schema.SUBGRAPH_TENSORS, tv, 0);
        b.addOffset(Schema.SUBGRAPH_INPUTS, iv, 0);
        b.addOffset(Schema.SUBGRAPH_OUTPUTS, ov, 0);
        b.addOffset(Schema.SUBGRAPH_OPERATORS, opv, 0);
        int sg = b.endTable();
        int[] codes = new int[opcodes.size()];
        for (int i = 0; i < codes.length; i++) {
            String c = customCodes.get(i);
            int cs = c == null ? 0 : b.createString(c);
            b.startTable(4);
            b.addByte(Schema.OPCODE_DEPRECATED_BUILTIN, (byte) Math.min(127, opcodes.get(i)), 0);
            if (cs != 0) b.addOffset(Schema.OPCODE_CUSTOM, cs, 0);
            b.addInt(Schema.OPCODE_BUILTIN, opcodes.get(i), 0);
            codes[i] = b.endTable();
        }
        int[] bufs = new int[buffers.size()];
        for (int i = 0; i < bufs.length; i++) {
            int data = buffers.get(i).length == 0 ? 0 : b.createByteVector(buffers.get(i));
            b.startTable(3);
            if (data != 0) b.addOffset(Schema.BUFFER_DATA, data, 0);
            if (external.containsKey(i)) {
                b.addLong(Schema.BUFFER_OFFSET, external.get(i)[0], 0);
                b.addLong(Schema.BUFFER_SIZE, external.get(i)[1], 0);
            }
            bufs[i] = b.endTable();
        }
        int desc = b.createString(description);
        int cv = offsets(b, codes);
        int sv = offsets(b, new int[] {sg});
        int bv = offsets(b, bufs);
        b.startTable(7);
        b.addInt(Schema.MODEL_VERSION, version, 0);
        b.addOffset(Schema.MODEL_OPERATOR_CODES, cv, 0);
        b.addOffset(Schema.MODEL_SUBGRAPHS, sv, 0);
        b.addOffset(Schema.MODEL_DESCRIPTION, desc, 0);
        b.addOffset(Schema.MODEL_BUFFERS, bv, 0);
        int model = b.endTable();
        b.finish(model, identifier);
        return b.sizedByteArray();
    }

    private static int ints(FlatBufferBuilder b, int[] v) {
        if (v == null) return 0;
        b.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) b.addInt(v[i]);
        return b.endVector();
    }

    private static int offsets(FlatBufferBuilder b, int[] v) {
        b.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) b.addOffset(v[i]);
        return b.endVector();
    }
}
