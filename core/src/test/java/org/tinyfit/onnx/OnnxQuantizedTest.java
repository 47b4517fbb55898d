package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.onnx.proto.OnnxProto.GraphProto;
import org.tinyfit.onnx.proto.OnnxProto.NodeProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;
import org.tinyfit.runtime.Interpreter;

/** Quantized ONNX graphs run on tinyfit's int8 kernels and agree with ONNX's definition within one step. */
class OnnxQuantizedTest {

    /** An 8-bit tensor (uint8 or int8) with its values in raw_data. */
    static TensorProto bytes(String name, int type, double[] v, long... dims) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) (long) v[i];
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(b));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    static TensorProto u8(String name, int[] v, long... dims) { return bytes(name, OnnxTensors.UINT8, java.util.Arrays.stream(v).asDoubleStream().toArray(), dims); }

    static TensorProto i8(String name, double[] v, long... dims) { return bytes(name, OnnxTensors.INT8, v, dims); }

    @Test
    void qlinearAddOfAnInputAndAConstantIsAnInt8AddWithinOneStep() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 16;
            float sa = 0.01f + (float) r.nextDouble() * 0.05f, sb = 0.01f + (float) r.nextDouble() * 0.05f, sc = 0.02f + (float) r.nextDouble() * 0.08f;
            int za = r.nextInt(256), zb = r.nextInt(256), zc = r.nextInt(256);
            int[] b = new int[n], a = new int[n];
            for (int i = 0; i < n; i++) { b[i] = r.nextInt(256); a[i] = r.nextInt(256); }
            GraphProto.Builder g = GraphProto.newBuilder().setName("qadd");
            g.addInput(OnnxModels.value("a", OnnxTensors.UINT8, 1, n));
            g.addOutput(OnnxModels.value("c", OnnxTensors.UINT8, 1, n));
            g.addInitializer(OnnxModels.floats("sa", new float[] {sa}));
            g.addInitializer(u8("za", new int[] {za}));
            g.addInitializer(u8("b", b, n));
            g.addInitializer(OnnxModels.floats("sb", new float[] {sb}));
            g.addInitializer(u8("zb", new int[] {zb}));
            g.addInitializer(OnnxModels.floats("sc", new float[] {sc}));
            g.addInitializer(u8("zc", new int[] {zc}));
            g.addNode(NodeProto.newBuilder(OnnxModels.node("QLinearAdd", "add", OnnxModels.in("a", "sa", "za", "b", "sb", "zb", "sc", "zc"), OnnxModels.in("c")))
                    .setDomain("com.microsoft"));
            var m = OnnxModels.model(g.build(), 13).toBuilder()
                    .addOpsetImport(org.tinyfit.onnx.proto.OnnxProto.OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build();
            Graph graph = OnnxReader.read(m.toByteArray(), "qadd.onnx");
            assertTrue(graph.nodes().stream().anyMatch(x -> x.op() instanceof org.tinyfit.graph.Op.Add && graph.tensor(x.output(0)).dtype() == DType.I8), "an int8 ADD");
            byte[] in = new byte[n];
            for (int i = 0; i < n; i++) in[i] = (byte) a[i];
            Schedule s = Schedule.stored(graph);
            byte[] out = new Interpreter(graph, s, new TflmGreedyPlanner().plan(graph, s)).run(new byte[][] {in})[0];
            for (int i = 0; i < n; i++) {
                double real = (a[i] - za) * (double) sa + (b[i] - zb) * (double) sb;
                long want = Math.max(0, Math.min(255, Math.round(Math.rint(real / sc)) + zc));
                int got = out[i] & 0xFF;
                assertTrue(Math.abs(got - want) <= 1, "trial " + trial + " element " + i + ": " + got + ", ONNX gives " + want);
            }
            assertEquals(n, out.length);
        }
    }

    /**
     * x -> Q -> DQ -> Conv(DQ(int8 w)) -> Relu -> Q -> DQ -> depthwise Conv(DQ(int8 w)) -> Q -> DQ, as a
     * QDQ exporter writes it (int8 activations, symmetric per-channel int8 weights).
     */
    static byte[] qdqCnn(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("qdq");
        g.addInput(OnnxModels.value("x", OnnxTensors.FLOAT, 1, 3, 8, 8));
        g.addOutput(OnnxModels.value("y", OnnxTensors.FLOAT, 1, 6, 8, 8));
        double[] w1 = new double[6 * 3 * 9], w2 = new double[6 * 9];
        for (int i = 0; i < w1.length; i++) w1[i] = r.nextInt(-127, 128);
        for (int i = 0; i < w2.length; i++) w2[i] = r.nextInt(-127, 128);
        float[] s1 = new float[6], s2 = new float[6];
        for (int c = 0; c < 6; c++) { s1[c] = 0.002f + (float) r.nextDouble() * 0.004f; s2[c] = 0.004f + (float) r.nextDouble() * 0.008f; }
        g.addInitializer(i8("w1_q", w1, 6, 3, 3, 3));
        g.addInitializer(OnnxModels.floats("w1_s", s1, 6));
        g.addInitializer(i8("w1_z", new double[6], 6));
        g.addInitializer(OnnxModels.floats("b1", OnnxModels.random(r, 6, 0.2), 6));
        g.addInitializer(i8("w2_q", w2, 6, 1, 3, 3));
        g.addInitializer(OnnxModels.floats("w2_s", s2, 6));
        g.addInitializer(OnnxModels.floats("b2", OnnxModels.random(r, 6, 0.1), 6));
        g.addInitializer(OnnxModels.floats("sx", new float[] {1f / 127}));
        g.addInitializer(i8("zx", new double[] {0}));
        g.addInitializer(OnnxModels.floats("s1", new float[] {0.02f}));
        g.addInitializer(i8("z1", new double[] {-128}));
        g.addInitializer(OnnxModels.floats("s2", new float[] {0.015f}));
        g.addInitializer(i8("z2", new double[] {3}));
        g.addNode(OnnxModels.node("QuantizeLinear", "qx", OnnxModels.in("x", "sx", "zx"), OnnxModels.in("xq")));
        g.addNode(OnnxModels.node("DequantizeLinear", "dqx", OnnxModels.in("xq", "sx", "zx"), OnnxModels.in("xd")));
        g.addNode(OnnxModels.node("DequantizeLinear", "dqw1", OnnxModels.in("w1_q", "w1_s", "w1_z"), OnnxModels.in("w1"), OnnxModels.integer("axis", 0)));
        g.addNode(OnnxModels.node("Conv", "conv", OnnxModels.in("xd", "w1", "b1"), OnnxModels.in("c1"), OnnxModels.ints("pads", 1, 1, 1, 1)));
        g.addNode(OnnxModels.node("Relu", "relu", OnnxModels.in("c1"), OnnxModels.in("r1")));
        g.addNode(OnnxModels.node("QuantizeLinear", "q1", OnnxModels.in("r1", "s1", "z1"), OnnxModels.in("r1q")));
        g.addNode(OnnxModels.node("DequantizeLinear", "dq1", OnnxModels.in("r1q", "s1", "z1"), OnnxModels.in("r1d")));
        g.addNode(OnnxModels.node("DequantizeLinear", "dqw2", OnnxModels.in("w2_q", "w2_s"), OnnxModels.in("w2"), OnnxModels.integer("axis", 0)));
        g.addNode(OnnxModels.node("Conv", "dw", OnnxModels.in("r1d", "w2", "b2"), OnnxModels.in("c2"), OnnxModels.ints("pads", 1, 1, 1, 1), OnnxModels.integer("group", 6)));
        g.addNode(OnnxModels.node("QuantizeLinear", "q2", OnnxModels.in("c2", "s2", "z2"), OnnxModels.in("c2q")));
        g.addNode(OnnxModels.node("DequantizeLinear", "dq2", OnnxModels.in("c2q", "s2", "z2"), OnnxModels.in("y")));
        return OnnxModels.model(g.build(), 13).toByteArray();
    }

    @Test
    void qdqConvolutionsRunAsInt8OpsWithinOneStepOfTheQdqGraphInFloat() {
        for (long seed = 1; seed <= 4; seed++) {
            byte[] bytes = qdqCnn(seed);
            Graph fused = OnnxReader.read(bytes, "qdq.onnx");
            Graph asWritten = new OnnxImporter(OnnxReader.parse(bytes, "qdq.onnx"), "qdq.onnx", java.util.Map.of(), false).importGraph();
            assertEquals(java.util.List.of("QUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE"), fused.nodes().stream().map(x -> x.op().kind()).toList());
            assertEquals(DType.I8, fused.tensor(fused.node(1).input(1)).dtype(), "int8 filter");
            assertEquals(DType.I8, fused.tensor(fused.node(2).output(0)).dtype(), "int8 activations");
            float[] x = OnnxModels.random(new SplittableRandom(seed + 50), 3 * 8 * 8, 1);
            float[] want = OnnxImportTest.run(asWritten, x, new int[] {1, 3, 8, 8});
            float[] got = OnnxImportTest.run(fused, x, new int[] {1, 3, 8, 8});
            int off = 0, interior = 0;
            for (int i = 0; i < want.length; i++) {
                if (Math.abs(want[i] - got[i]) > 0.015f * 1.001f) off++;
                if (want[i] > (-128 - 3) * 0.015f + 1e-4f && want[i] < (127 - 3) * 0.015f - 1e-4f) interior++;
            }
            assertTrue(interior > want.length / 2, "seed " + seed + ": only " + interior + " of " + want.length + " outputs inside the int8 range; the check would be weak");
            assertEquals(0, off, "seed " + seed + ": outputs more than one step (0.015) from the QDQ graph computed in float");
        }
    }
}
