package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;
import org.tinyfit.runtime.Interpreter;

/** A CNN as PyTorch exports it imports into a graph with no layout changes left and computes what ONNX defines. */
class OnnxImportTest {

    @Test
    void smallCnnImportsWithFoldedBatchNormFusedActivationsAndNoLayoutChanges() {
        Graph g = OnnxReader.read(OnnxModels.smallCnn(1).toByteArray(), "small_cnn.onnx");
        List<String> kinds = g.nodes().stream().map(n -> n.op().kind()).toList();
        assertEquals(List.of("CONV_2D", "MAX_POOL_2D", "PAD", "DEPTHWISE_CONV_2D", "CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"), kinds);
        Node conv1 = g.node(0), dw = g.node(3);
        assertEquals(Op.Act.RELU, ((Op.Conv2D) conv1.op()).act(), "ReLU fused into the convolution");
        assertEquals(Op.Act.RELU6, ((Op.DepthwiseConv2D) dw.op()).act(), "Clip(0, 6) fused as RELU6");
        assertArrayEquals(new int[] {1, 12, 10, 3}, g.tensor(g.inputs()[0]).shape().dims(), "the NCHW input is held NHWC");
        assertArrayEquals(new int[] {0, 2, 3, 1}, OnnxReader.permutation(g, g.inputs()[0]));
        assertEquals(null, OnnxReader.permutation(g, g.outputs()[0]));
    }

    @Test
    void smallCnnMatchesAPlainNchwComputationOfTheSameModel() {
        for (long seed = 1; seed <= 5; seed++) {
            ModelProto m = OnnxModels.smallCnn(seed);
            Graph g = OnnxReader.read(m.toByteArray(), "small_cnn.onnx");
            float[] x = OnnxModels.random(new SplittableRandom(seed + 100), 3 * 12 * 10, 1);
            float[] want = NchwReference.smallCnn(m, x);
            float[] got = run(g, x, new int[] {1, 3, 12, 10});
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "seed " + seed + " output " + i);
            }
        }
    }

    @Test
    void aFlattenedFeatureMapFeedsALinearLayerWhoseColumnsArePermutedInsteadOfTheData() {
        for (boolean matmul : new boolean[] {false, true}) {
            for (long seed = 1; seed <= 3; seed++) {
                ModelProto m = OnnxModels.convFlattenLinear(seed, matmul);
                Graph g = OnnxReader.read(m.toByteArray(), "lenet.onnx");
                List<String> kinds = g.nodes().stream().map(n -> n.op().kind()).toList();
                assertEquals(matmul ? List.of("CONV_2D", "RESHAPE", "FULLY_CONNECTED", "ADD") : List.of("CONV_2D", "RESHAPE", "FULLY_CONNECTED"), kinds);
                float[] x = OnnxModels.random(new SplittableRandom(seed + 7), 2 * 6 * 6, 1);
                float[] want = NchwReference.convFlattenLinear(m, x, matmul);
                float[] got = run(g, x, new int[] {1, 2, 6, 6});
                for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5 * Math.max(1, Math.abs(want[i])), "matmul " + matmul + " seed " + seed + " output " + i);
            }
        }
    }

    @Test
    void rawAndTypedTensorDataDecodeAlike() {
        float[] v = {1.5f, -2f, 3.25f, 0f, 1e-3f, -7f};
        TensorProto raw = OnnxModels.floats("a", v, 2, 3), typed = OnnxModels.floatsTyped("a", v, 2, 3);
        OnnxTensors.Value a = OnnxTensors.decode(raw, "raw"), b = OnnxTensors.decode(typed, "typed");
        assertArrayEquals(a.values(), b.values());
        assertArrayEquals(new int[] {2, 3}, a.dims());
    }

    @Test
    void unsupportedOpsAreListedTogetherWithTheOpset() {
        var g = OnnxModels.smallCnn(1).getGraph().toBuilder();
        g.addNode(OnnxModels.node("Erf", "erf1", OnnxModels.in("probs"), OnnxModels.in("e1")));
        g.addNode(OnnxModels.node("GRU", "gru", OnnxModels.in("e1"), OnnxModels.in("e2")));
        var e = org.junit.jupiter.api.Assertions.assertThrows(OnnxFormatException.class,
                () -> OnnxReader.read(OnnxModels.model(g.build(), 13).toByteArray(), "m.onnx"));
        assertTrue(e.getMessage().contains("opset 13") && e.getMessage().contains("'erf1' (Erf)") && e.getMessage().contains("'gru' (GRU)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    /** Runs a graph on an NCHW input and returns its first output in ONNX order. */
    static float[] run(Graph g, float[] nchw, int[] dims) {
        double[] d = new double[nchw.length];
        for (int i = 0; i < d.length; i++) d[i] = nchw[i];
        double[] in = OnnxReader.permute(d, dims, OnnxReader.permutation(g, g.inputs()[0]));
        float[] inF = new float[in.length];
        for (int i = 0; i < in.length; i++) inF[i] = (float) in[i];
        Schedule s = Schedule.stored(g);
        byte[] out = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s)).run(new byte[][] {TensorBytes.ofFloats(inF)})[0];
        int t = g.outputs()[0];
        double[] v = OnnxBackendCases.values(g.tensor(t), out);
        v = OnnxReader.permute(v, g.tensor(t).shape().dims(), OnnxReader.inverse(OnnxReader.permutation(g, t)));
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return f;
    }
}
