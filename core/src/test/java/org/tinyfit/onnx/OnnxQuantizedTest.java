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

    static TensorProto u8(String name, int[] v, long... dims) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxTensors.UINT8).setRawData(ByteString.copyFrom(b));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

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
}
