package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Node;

class OpVersionsTest {
    /** Per builtin code, the version stored in the file's operator code (max when a code appears twice). */
    static Map<String, Integer> storedVersions(byte[] bytes) {
        FbFile f = new FbFile(bytes, "m");
        FbTable model = f.root(Schema.IDENTIFIER);
        FbTable.Tables codes = model.tables(Schema.MODEL_OPERATOR_CODES, "codes");
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < codes.size(); i++) {
            FbTable c = codes.get(i, "code");
            int code = Math.max(c.i8(Schema.OPCODE_DEPRECATED_BUILTIN, 0, "d"), c.i32(Schema.OPCODE_BUILTIN, 0, "b"));
            out.merge(BuiltinOperators.name(code), c.i32(Schema.OPCODE_VERSION, 1, "v"), Math::max);
        }
        return out;
    }

    static Map<String, Integer> computedVersions(Graph g) {
        Map<String, Integer> out = new TreeMap<>();
        for (Node n : g.nodes()) out.merge(n.op().kind(), OpVersions.of(g, n), Math::max);
        return out;
    }

    /** Only the codes some node uses (a file may list a code no operator refers to). */
    static Map<String, Integer> usedOnly(Map<String, Integer> stored, Graph g) {
        Map<String, Integer> out = new TreeMap<>();
        for (Node n : g.nodes()) out.put(n.op().kind(), stored.get(n.op().kind()));
        return out;
    }

    /**
     * The shared models the TFLite converter wrote carry the versions the rules give. (The seanet
     * single-op models are left out: TFLM's integration-test generator wrote their versions by hand,
     * e.g. ADD 2 for int16 with pot_scale_int16 false, which the rules make 3.)
     */
    @Test
    void versionsMatchWhatTheConverterWroteInTheSharedModels() {
        for (String name : List.of("hello_world_float.tflite", "hello_world_int8.tflite", "micro_speech_quantized.tflite",
                "simple_add_model.tflite", "keyword_scrambled_8bit.tflite")) {
            byte[] bytes = SharedModels.bytes(SharedModels.model(name));
            Graph g = TfliteReader.read(bytes, name);
            assertEquals(usedOnly(storedVersions(bytes), g), computedVersions(g), name);
        }
    }

    /** person_detect predates int8 CONV_2D's version 3 and carries 2; every other code agrees. */
    @Test
    void personDetectAgreesExceptItsOlderConvVersion() {
        byte[] bytes = SharedModels.bytes(SharedModels.model("person_detect.tflite"));
        Graph g = TfliteReader.read(bytes, "person_detect.tflite");
        Map<String, Integer> want = usedOnly(storedVersions(bytes), g), got = computedVersions(g);
        assertEquals(2, want.remove("CONV_2D"));
        assertEquals(3, got.remove("CONV_2D"));
        assertEquals(want, got);
    }

    private static Graph one(Op op, DType in, DType w, DType out, Quantization wq, int[] inShape, int[] wShape, boolean bias) {
        GraphBuilder b = new GraphBuilder("one");
        Quantization q = in == DType.F32 ? null : Quantization.perTensor(0.1f, 0);
        int x = b.input("x", in, q, inShape);
        int wt = b.constant("w", w, Shape.of(wShape), wq, new byte[Shape.of(wShape).elements() * w.bytes()]);
        int[] ins = bias ? new int[] {x, wt, b.constant("b", DType.I32, Shape.of(wShape[0]), null, new byte[4 * wShape[0]])} : new int[] {x, wt};
        int y = b.node(op, "y", out, out == DType.F32 ? null : Quantization.perTensor(0.2f, 0), ins);
        return b.output(y).build();
    }

    private static int version(Graph g) { return OpVersions.of(g, g.node(0)); }

    @Test
    void versionsFollowTheFeaturesEachOpUses() {
        Quantization perChannel = new Quantization(new float[] {0.1f, 0.2f}, new long[] {0, 0}, 0);
        Op.Conv2D conv = new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE);
        assertEquals(1, version(one(conv, DType.F32, DType.F32, DType.F32, null, new int[] {1, 4, 4, 2}, new int[] {2, 3, 3, 2}, false)));
        assertEquals(3, version(one(conv, DType.I8, DType.I8, DType.I8, perChannel, new int[] {1, 4, 4, 2}, new int[] {2, 3, 3, 2}, true)));
        assertEquals(6, version(one(conv, DType.I8, DType.I8, DType.I8, perChannel, new int[] {1, 4, 4, 4}, new int[] {2, 3, 3, 2}, true)), "grouped");
        assertEquals(5, version(one(conv, DType.F32, DType.I8, DType.F32, perChannel, new int[] {1, 4, 4, 2}, new int[] {2, 3, 3, 2}, false)), "hybrid per-channel");
        Op.FullyConnected fc = new Op.FullyConnected(Op.Act.NONE, false);
        assertEquals(4, version(one(fc, DType.I8, DType.I8, DType.I8, perChannel, new int[] {1, 3}, new int[] {2, 3}, true)));
        assertEquals(6, version(one(fc, DType.I8, DType.I8, DType.I8, perChannel, new int[] {1, 3}, new int[] {2, 3}, false)), "no bias");
        assertEquals(5, version(one(new Op.FullyConnected(Op.Act.NONE, true), DType.F32, DType.F32, DType.F32, null, new int[] {1, 3}, new int[] {2, 3}, true)), "keep_num_dims");
        assertEquals(1, version(one(fc, DType.F32, DType.F32, DType.F32, null, new int[] {1, 3}, new int[] {2, 3}, true)));
        Op.DepthwiseConv2D dw = new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 2, 2, 1, Op.Act.NONE);
        assertEquals(2, version(one(dw, DType.F32, DType.F32, DType.F32, null, new int[] {1, 6, 6, 2}, new int[] {1, 3, 3, 2}, false)), "dilated");
        assertEquals(3, version(one(dw, DType.I8, DType.I8, DType.I8, new Quantization(new float[] {0.1f, 0.2f}, new long[] {0, 0}, 3), new int[] {1, 6, 6, 2}, new int[] {1, 3, 3, 2}, false)));
    }

    @Test
    void elementwiseAndDataOpsGetTheirInt8Versions() {
        GraphBuilder b = new GraphBuilder("ops");
        Quantization q = Quantization.perTensor(0.5f, 0);
        int x = b.input("x", DType.I8, q, 1, 4, 4, 2);
        int p = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "p", x);
        int m = b.node(new Op.Mul(Op.Act.NONE), "m", DType.I8, Quantization.perTensor(0.1f, 0), p, p);
        int s = b.node(new Op.Softmax(1f), "s", DType.I8, Quantization.perTensor(1f / 256, -128), m);
        Graph g = b.output(s).build();
        assertEquals(2, OpVersions.of(g, g.node(0)), "int8 pooling");
        assertEquals(3, OpVersions.of(g, g.node(1)), "int8 MUL whose rescale 0.5*0.5/0.1 is at least 1");
        assertEquals(2, OpVersions.of(g, g.node(2)), "int8 softmax");
    }

    @Test
    void anOperatorCodeCarriesTheHighestVersionOfItsNodesInTheWrittenFile() {
        GraphBuilder b = new GraphBuilder("two");
        int x = b.input("x", DType.F32, 1, 3);
        int w = b.constant("w", DType.F32, Shape.of(3, 3), new byte[36]);
        int y = b.node(new Op.FullyConnected(Op.Act.NONE, false), "y", x, w, b.constant("b", DType.F32, Shape.of(3), new byte[12]));
        int z = b.node(new Op.FullyConnected(Op.Act.NONE, false), "z", y, w);
        byte[] bytes = TfliteWriter.write(b.output(z).build());
        assertEquals(Map.of("FULLY_CONNECTED", 6), storedVersions(bytes));
    }
}
