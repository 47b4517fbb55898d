package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;

class TfliteBadInputTest {

    /** Reading must fail with a one-line TfliteFormatException that names the file; returns the message. */
    private static String rejected(byte[] bytes) {
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteReader.read(bytes, "bad.tflite"));
        String m = e.getMessage();
        assertTrue(m.startsWith("bad.tflite: "), m);
        assertFalse(m.contains("\n"), m);
        return m;
    }

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    private static int root(byte[] b) { return le(b).getInt(0); }

    /** Absolute position of field {@code id} of the table at {@code table}. */
    private static int field(byte[] b, int table, int id) {
        ByteBuffer bb = le(b);
        int vt = table - bb.getInt(table);
        int off = bb.getShort(vt + 4 + 2 * id) & 0xFFFF;
        assertNotEquals(0, off, "field " + id + " is absent");
        return table + off;
    }

    private static int target(byte[] b, int fieldPos) { return fieldPos + le(b).getInt(fieldPos); }

    private static byte[] small() { return SharedModels.bytes(SharedModels.model("hello_world_int8.tflite")); }

    @Test
    void everyTruncationOfASmallModelIsRejected() {
        byte[] full = small();
        TfliteReader.read(full, "whole.tflite");
        for (int len = 0; len < full.length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(full, len);
            try {
                TfliteReader.read(prefix, "bad.tflite");
                fail("a prefix of " + len + " of " + full.length + " bytes loaded");
            } catch (TfliteFormatException e) {
                assertTrue(e.getMessage().startsWith("bad.tflite: ") && !e.getMessage().contains("\n"), e.getMessage());
            }
        }
    }

    @Test
    void randomBytesAreRejected() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[r.nextInt(2048)];
            for (int k = 0; k < b.length; k++) b[k] = (byte) r.nextInt(256);
            if (b.length >= 8 && i % 2 == 0) System.arraycopy("TFL3".getBytes(StandardCharsets.US_ASCII), 0, b, 4, 4);
            rejected(b);
        }
    }

    @Test
    void tooShortFileIsRejected() {
        assertEquals("bad.tflite: the file has 3 bytes, too short for a TFLite model (a flatbuffer needs at least 8)", rejected(new byte[3]));
    }

    @Test
    void wrongFileIdentifierIsRejected() {
        byte[] b = small();
        System.arraycopy("TFL2".getBytes(StandardCharsets.US_ASCII), 0, b, 4, 4);
        assertEquals("bad.tflite: the file identifier is \"TFL2\", expected \"TFL3\"; this is not a TFLite model", rejected(b));
    }

    @Test
    void rootOffsetOutOfRangeIsRejected() {
        byte[] b = small();
        le(b).putInt(0, 0x7FFFFFF0);
        assertTrue(rejected(b).contains("model: the table at byte 2147483632 (4 bytes) runs past the end of the file"));
    }

    @Test
    void vtableOffsetOutOfRangeIsRejected() {
        byte[] b = small();
        int root = root(b);
        le(b).putInt(root, -0x40000000);
        assertTrue(rejected(b).contains("model: the table at byte " + root + " points to a vtable at byte " + (root + 0x40000000L) + ", outside the file"));
    }

    @Test
    void vtableLargerThanTheFileIsRejected() {
        byte[] b = small();
        int root = root(b);
        int vt = root - le(b).getInt(root);
        le(b).putShort(vt, (short) 0xFFF0);
        assertTrue(rejected(b).contains("the vtable at byte " + vt + " declares 65520 bytes"));
    }

    @Test
    void tableOffsetOutOfRangeIsRejected() {
        byte[] b = small();
        int f = field(b, root(b), Schema.MODEL_SUBGRAPHS);
        le(b).putInt(f, 0x7FFFFF00);
        assertTrue(rejected(b).contains("model: field subgraphs points to byte"), rejected(b));
    }

    @Test
    void fieldOutsideItsTableIsRejected() {
        byte[] b = small();
        int root = root(b);
        int vt = root - le(b).getInt(root);
        le(b).putShort(vt + 4 + 2 * Schema.MODEL_VERSION, (short) 0x7FF0);
        assertTrue(rejected(b).contains("model: field version at offset 32752 lies outside its table"));
    }

    @Test
    void hugeVectorLengthIsRejectedBeforeAnyAllocation() {
        byte[] b = small();
        int f = field(b, root(b), Schema.MODEL_BUFFERS);
        le(b).putInt(target(b, f), Integer.MAX_VALUE);
        String m = rejected(b);
        assertTrue(m.contains("model: buffers claims 2147483647 elements of 4 bytes"), m);
        int sg = target(b, field(b, root(b), Schema.MODEL_SUBGRAPHS));
        int sg0 = target(b, sg + 4);
        byte[] c = small();
        int tensors = target(c, field(c, sg0, Schema.SUBGRAPH_TENSORS));
        int t0 = target(c, tensors + 4);
        le(c).putInt(target(c, field(c, t0, Schema.TENSOR_SHAPE)), -1);
        assertTrue(rejected(c).contains("subgraph 0, tensor 0: shape claims 4294967295 elements"), rejected(c));
    }

    @Test
    void stringLengthOutOfRangeIsRejected() {
        byte[] b = small();
        RawModel m = RawModel.relu();
        m.description = "a description";
        b = m.build();
        int d = target(b, field(b, root(b), Schema.MODEL_DESCRIPTION));
        le(b).putInt(d, 1 << 30);
        assertTrue(rejected(b).contains("model: description claims 1073741824 elements of 1 bytes"), rejected(b));
    }

    @Test
    void unsupportedSchemaVersionIsRejected() {
        RawModel m = RawModel.relu();
        m.version = 2;
        assertEquals("bad.tflite: model: schema version 2 is not supported (tinyfit reads TFLite schema version 3)", rejected(m.build()));
    }

    @Test
    void negativeTensorIndexIsRejected() {
        RawModel m = RawModel.relu();
        m.operators.set(0, RawModel.O.plain(0, new int[] {-5}, new int[] {1}));
        assertEquals("bad.tflite: subgraph 0, operator 0 (RELU): input 0 is tensor -5, out of range (the subgraph has 2 tensors)", rejected(m.build()));
    }

    @Test
    void hugeTensorIndexIsRejected() {
        RawModel m = RawModel.relu();
        m.operators.set(0, RawModel.O.plain(0, new int[] {0}, new int[] {1_000_000}));
        assertEquals("bad.tflite: subgraph 0, operator 0 (RELU): output 0 is tensor 1000000, out of range (the subgraph has 2 tensors)", rejected(m.build()));
        RawModel g = RawModel.relu();
        g.outputs = new int[] {1_000_000};
        assertEquals("bad.tflite: subgraph 0: output 0 is tensor 1000000, out of range (the subgraph has 2 tensors)", rejected(g.build()));
    }

    @Test
    void danglingTensorIsRejected() {
        RawModel m = RawModel.relu();
        m.inputs = new int[0];
        assertEquals("bad.tflite: subgraph 0: node 0 (RELU): input 0 is tensor 0 (x), which no node writes and which is neither a graph input nor a constant", rejected(m.build()));
    }

    @Test
    void cyclicGraphIsRejected() {
        RawModel m = new RawModel();
        int relu = m.opcode(BuiltinOperators.RELU);
        m.tensor(RawModel.T.activation("a", Schema.FLOAT32, 4));
        m.tensor(RawModel.T.activation("b", Schema.FLOAT32, 4));
        m.operators.add(RawModel.O.plain(relu, new int[] {1}, new int[] {0}));
        m.operators.add(RawModel.O.plain(relu, new int[] {0}, new int[] {1}));
        m.outputs = new int[] {1};
        assertEquals("bad.tflite: subgraph 0: the graph has a cycle of 2 nodes: node 0 (RELU) -> node 1 (RELU) -> node 0 (RELU)", rejected(m.build()));
    }

    @Test
    void longCycleIsRejectedWithoutDeepRecursion() {
        RawModel m = new RawModel();
        int relu = m.opcode(BuiltinOperators.RELU);
        int n = 20_000;
        for (int i = 0; i < n; i++) m.tensor(RawModel.T.activation("t" + i, Schema.FLOAT32, 4));
        for (int i = 0; i < n; i++) m.operators.add(RawModel.O.plain(relu, new int[] {(i + 1) % n}, new int[] {i}));
        m.outputs = new int[] {0};
        String msg = rejected(m.build());
        assertTrue(msg.contains("the graph has a cycle of 20000 nodes: node 0 (RELU) -> node 19999 (RELU) -> node 19998 (RELU) -> node 19997 (RELU) -> ... ->"), msg);
        assertTrue(msg.length() < 400, msg);
    }

    @Test
    void longChainLoadsWithoutDeepRecursion() {
        GraphBuilder b = new GraphBuilder("chain");
        int x = b.input("x", DType.F32, 1, 4);
        for (int i = 0; i < 20_000; i++) x = b.node(new Op.Relu(), "r" + i, x);
        Graph g = b.output(x).build();
        Graph back = TfliteReader.read(TfliteWriter.write(g), "chain.tflite");
        assertEquals(20_000, back.nodes().size());
    }

    @Test
    void shapeWhoseElementCountOverflowsIsRejected() {
        RawModel m = RawModel.relu();
        m.tensors.set(1, RawModel.T.activation("y", Schema.FLOAT32, 65536, 65536, 65536));
        assertEquals("bad.tflite: subgraph 0, tensor 1: shape [65536, 65536, 65536] has more than 2147483647 elements", rejected(m.build()));
        RawModel n = RawModel.relu();
        n.tensors.set(1, RawModel.T.activation("y", Schema.FLOAT32, 1, -4));
        assertEquals("bad.tflite: subgraph 0, tensor 1: shape [1, -4] has a negative dimension", rejected(n.build()));
    }

    @Test
    void tooManyDimensionsAreRejected() {
        RawModel m = RawModel.relu();
        m.tensors.set(1, RawModel.T.activation("y", Schema.FLOAT32, new int[40]));
        assertEquals("bad.tflite: subgraph 0, tensor 1: shape has 40 dimensions; tinyfit reads tensors of at most 16", rejected(m.build()));
    }

    @Test
    void tensorTypeOutsideTheSchemaIsRejected() {
        for (int type : new int[] {23, 99, 127, -1, -128}) {
            RawModel m = RawModel.relu();
            m.tensors.set(1, RawModel.T.activation("y", type, 1, 4));
            assertEquals("bad.tflite: subgraph 0, tensor 1: type " + type + " is not a TFLite tensor type (0 to 22)", rejected(m.build()));
        }
    }

    @Test
    void tensorTypesOfTheSchemaTinyfitDoesNotComputeStillLoad() {
        for (int type : new int[] {5, 10, 17, 18, 22}) {
            RawModel m = RawModel.relu();
            m.tensors.set(1, RawModel.T.activation("y", type, 1, 4));
            assertEquals(DType.UNKNOWN, TfliteReader.read(m.build(), "ok.tflite").tensor(1).dtype());
        }
    }

    @Test
    void bufferIndexOutOfRangeIsRejected() {
        RawModel m = RawModel.relu();
        m.tensors.set(1, new RawModel.T(new int[] {1, 4}, Schema.FLOAT32, 99, "y", null, null, 0, false));
        assertEquals("bad.tflite: subgraph 0, tensor 1: buffer 99 is out of range (the model has 1 buffers)", rejected(m.build()));
    }

    @Test
    void bufferDataOfTheWrongSizeIsRejected() {
        RawModel m = RawModel.relu();
        int buf = m.buffer(new byte[8]);
        int w = m.tensor(new RawModel.T(new int[] {2, 2}, Schema.FLOAT32, buf, "w", null, null, 0, false));
        m.operators.set(0, RawModel.O.plain(0, new int[] {w}, new int[] {1}));
        assertEquals("bad.tflite: subgraph 0, tensor 2: buffer 1 holds 8 bytes, but a f32[2,2] tensor needs 16", rejected(m.build()));
    }

    @Test
    void opcodeIndexOutOfRangeIsRejected() {
        RawModel m = RawModel.relu();
        m.operators.set(0, RawModel.O.plain(7, new int[] {0}, new int[] {1}));
        assertEquals("bad.tflite: subgraph 0, operator 0: opcode_index 7 is out of range (the model has 1 operator codes)", rejected(m.build()));
    }

    @Test
    void optionsOfTheWrongTypeAreRejected() {
        RawModel m = RawModel.relu();
        m.operators.set(0, new RawModel.O(0, new int[] {0}, new int[] {1}, Schema.OPT_CONV2D, fb -> { fb.startTable(1); return fb.endTable(); }));
        assertEquals("bad.tflite: subgraph 0, operator 0 (RELU): builtin_options has union type 1, expected 0 (no options)", rejected(m.build()));
    }

    @Test
    void invalidFusedActivationIsRejected() {
        RawModel m = RawModel.relu();
        int add = m.opcode(BuiltinOperators.ADD);
        m.operators.set(0, new RawModel.O(add, new int[] {0, 0}, new int[] {1}, Schema.OPT_ADD, fb -> {
            fb.startTable(1);
            fb.addByte(0, (byte) 9, 0);
            return fb.endTable();
        }));
        assertEquals("bad.tflite: subgraph 0, operator 0 (ADD): fused activation 9 is not one of 0..5", rejected(m.build()));
    }

    @Test
    void sharedTablesCannotMultiplyTheWork() {
        RawModel m = new RawModel();
        m.opcode(BuiltinOperators.RELU);
        m.tensor(new RawModel.T(new int[] {10_000}, Schema.INT8, 0, "x", new float[10_000], new long[10_000], 0, false));
        m.tensorRepeat = 100_000;
        String msg = rejected(m.build());
        assertTrue(msg.contains("the file's vectors are shared so often"), msg);
    }

    @Test
    void unknownAndCustomOperatorsLoadAsOpaque() {
        RawModel m = RawModel.relu();
        int gelu = m.opcode(150);
        int custom = m.opcode(BuiltinOperators.CUSTOM, "MyOp");
        m.tensor(RawModel.T.activation("z", Schema.FLOAT32, 1, 4));
        m.tensor(RawModel.T.activation("w", Schema.FLOAT32, 7));
        m.operators.add(RawModel.O.plain(gelu, new int[] {1}, new int[] {2}));
        m.operators.add(RawModel.O.plain(custom, new int[] {2}, new int[] {3}));
        m.outputs = new int[] {3};
        Graph g = TfliteReader.read(m.build(), "ok.tflite");
        assertEquals(new Op.Opaque("GELU", 150), g.node(1).op());
        assertEquals(new Op.Opaque("MyOp", 32), g.node(2).op());
        assertArrayEquals(new int[] {2}, g.node(2).inputs());
    }

    @Test
    void wideBuiltinCodeWinsOverTheDeprecatedByte() {
        RawModel m = RawModel.relu();
        m.opcodes.set(0, 150);
        Graph g = TfliteReader.read(m.build(), "ok.tflite");
        assertEquals("GELU", g.node(0).op().kind());
    }

    /** A RELU model whose input is ADDed to a constant [1,4] f32 held in buffer 1, stored as {@code external} says. */
    private static RawModel withConstant(long[] external) {
        RawModel m = RawModel.relu();
        int add = m.opcode(BuiltinOperators.ADD);
        int buf = m.buffer(external == null ? new byte[16] : new byte[0]);
        if (external != null) m.external.put(buf, external);
        int c = m.tensor(new RawModel.T(new int[] {1, 4}, Schema.FLOAT32, buf, "c", null, null, 0, false));
        int z = m.tensor(RawModel.T.activation("z", Schema.FLOAT32, 1, 4));
        m.operators.add(RawModel.O.plain(add, new int[] {1, c}, new int[] {z}));
        m.outputs = new int[] {z};
        return m;
    }

    @Test
    void bufferStoredAfterTheFlatbufferIsRead() {
        byte[] probe = withConstant(new long[] {1 << 20, 16}).build();
        byte[] fb = withConstant(new long[] {probe.length, 16}).build();
        assertEquals(probe.length, fb.length);
        byte[] file = java.util.Arrays.copyOf(fb, fb.length + 16);
        le(file).putFloat(fb.length, 1.5f);
        le(file).putFloat(fb.length + 12, -2f);
        Graph g = TfliteReader.read(file, "big.tflite");
        ByteBuffer data = le(g.tensor(2).data());
        assertEquals(1.5f, data.getFloat(0));
        assertEquals(-2f, data.getFloat(12));
    }

    @Test
    void bufferStoredPastTheEndOfTheFileIsRejected() {
        byte[] fb = withConstant(new long[] {1 << 20, 16}).build();
        assertTrue(rejected(fb).contains("buffer 1: the data (offset 1048576, size 16) at byte 1048576 (16 bytes) runs past the end of the file"), rejected(fb));
    }

    @Test
    void missingFileIsAOneLineError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path p = dir.resolve("nothing.tflite");
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> TfliteReader.read(p));
        assertTrue(e.getMessage().startsWith("nothing.tflite: no such file ("), e.getMessage());
        TfliteFormatException d = assertThrows(TfliteFormatException.class, () -> TfliteReader.read(dir));
        assertTrue(d.getMessage().contains(": is not a regular file ("), d.getMessage());
    }
}
