package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Provenance;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.tflite.TfliteReader;

/** 1-D layers over [length, channels]: parsed, trained (gradients), run in the runtime, counted and exported. */
class OneDimensionalModelTest {
    @TempDir Path tmp;

    private static Graph compile(String layers, int length, int channels) {
        return SpecCompiler.compile(ModelSpec.parse("{\"input\":[" + length + "," + channels + "],\"layers\":[" + layers + "]}"), 5);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"conv1d\":3,\"kernel\":5}", "{\"conv1d\":3,\"kernel\":3,\"stride\":2,\"dilation\":2,\"act\":\"tanh\"}",
        "{\"conv1d\":3,\"kernel\":4,\"padding\":\"valid\",\"bn\":true,\"act\":\"tanh\"}",
        "{\"dwconv1d\":5}", "{\"dwconv1d\":3,\"stride\":2,\"multiplier\":2,\"act\":\"relu6\"}",
        "{\"maxpool1d\":2}", "{\"avgpool1d\":3,\"stride\":2,\"padding\":\"same\"}",
        "{\"conv1d\":4,\"kernel\":3},{\"avgpool1d\":2},{\"dwconv1d\":3},{\"gap\":true},{\"dense\":3}"})
    void gradientsMatchFiniteDifferences(String layers) {
        GradCheck.check(compile(layers, 11, 2), 3, 21);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"conv1d\":4,\"kernel\":5}", "{\"conv1d\":4,\"kernel\":3,\"stride\":2,\"act\":\"relu\"}", "{\"conv1d\":3,\"kernel\":3,\"dilation\":2,\"padding\":\"valid\"}",
        "{\"dwconv1d\":5}", "{\"dwconv1d\":3,\"stride\":2,\"multiplier\":2}", "{\"maxpool1d\":2}", "{\"avgpool1d\":3,\"stride\":2,\"padding\":\"same\"}",
        "{\"conv1d\":4,\"kernel\":3,\"bn\":true,\"act\":\"relu\"},{\"maxpool1d\":2},{\"gap\":true},{\"dense\":3}"})
    void engineAndRuntimeAgree(String layers) {
        Graph g = InferenceForm.of(compile(layers, 16, 2));
        int n = 2, per = 32;
        float[] x = KernelTest.random(n * per, 9);
        float[] want;
        int outPer;
        try (Net net = Net.compile(g, 1)) {
            want = net.forward(x, n, false, 0).clone();
            outPer = net.lossSize();
        }
        float[] have = RuntimeAgreementTest.runtime(g, x, per, outPer, n);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], have[i], 1e-4f, layers + " output " + i);
    }

    @Test
    void aOneDimensionalLayerIsAHeightOneTfliteOpWithTheTrueMacs() {
        Graph g = compile("{\"conv1d\":8,\"kernel\":5},{\"dwconv1d\":3,\"stride\":2},{\"maxpool1d\":2},{\"gap\":true},{\"dense\":4}", 40, 3);
        Node conv = node(g, "CONV_2D"), dw = node(g, "DEPTHWISE_CONV_2D");
        assertArrayEquals(new int[] {8, 1, 5, 3}, g.tensor(conv.input(1)).shape().dims());
        assertArrayEquals(new int[] {1, 1, 40, 8}, g.tensor(conv.output(0)).shape().dims());
        assertArrayEquals(new int[] {1, 1, 20, 8}, g.tensor(dw.output(0)).shape().dims());
        Cost c = Cost.storedOrder(g, DeviceCatalog.builtin().devices().get(0), 0);
        long macs = 40L * 8 * 5 * 3 + 20L * 8 * 3 + 8L * 4;
        assertEquals(macs, c.macs(), "k multiply-adds per output, not k*k");
        Op.Pool2D pool = (Op.Pool2D) node(g, "MAX_POOL_2D").op();
        assertEquals(List.of(1, 2, 1, 2), List.of(pool.filterH(), pool.filterW(), pool.strideH(), pool.strideW()));
    }

    /** The engine stops at the logits (the loss reads them); the exported model ends in SOFTMAX. */
    private static float[] softmax(float[] logits, int classes) {
        float[] p = new float[logits.length];
        for (int s = 0; s < logits.length; s += classes) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < classes; j++) max = Math.max(max, logits[s + j]);
            for (int j = 0; j < classes; j++) sum += Math.exp(logits[s + j] - max);
            for (int j = 0; j < classes; j++) p[s + j] = (float) (Math.exp(logits[s + j] - max) / sum);
        }
        return p;
    }

    private static Node node(Graph g, String kind) {
        return g.nodes().stream().filter(n -> n.op().kind().equals(kind)).findFirst().orElseThrow();
    }

    @Test
    void theSpecRoundTripsAndTheBuilderGivesTheSameSpec() {
        String json = "{\"name\":\"seq\",\"input\":[64,2],\"layers\":[{\"conv1d\":8,\"kernel\":5,\"stride\":2,\"act\":\"relu\",\"bn\":true},"
                + "{\"dwconv1d\":3,\"multiplier\":2,\"dilation\":2,\"padding\":\"valid\"},{\"avgpool1d\":2},{\"maxpool1d\":3,\"stride\":1},{\"gap\":true},{\"dense\":3}],\"softmax\":true}";
        ModelSpec spec = ModelSpec.parse(json);
        assertEquals(spec, ModelSpec.parse(spec.toJson()));
        ModelSpec built = ModelSpec.builder(64, 2).conv1d(8, 5, 2, "relu", true).dwconv1d(3, 1, "none", false).avgPool1d(2).gap().dense(3).build();
        assertEquals(List.of(new ModelSpec.Conv1D(8, 5, 2, 1, Op.Padding.SAME, ModelSpec.Activation.RELU, true, ModelSpec.Init.AUTO),
                new ModelSpec.DepthwiseConv1D(3, 1, 1, 1, Op.Padding.SAME, ModelSpec.Activation.NONE, false, ModelSpec.Init.AUTO),
                new ModelSpec.Pool1D(false, 2, 2, Op.Padding.VALID), new ModelSpec.GlobalAvgPool(), new ModelSpec.Dense(3, ModelSpec.Activation.NONE, false, ModelSpec.Init.AUTO)),
                built.layers());
        assertEquals(built, ModelSpec.parse(built.toJson()));
    }

    @Test
    void mistakesNameTheLayer() {
        GraphException image = assertThrows(GraphException.class,
                () -> SpecCompiler.compile(ModelSpec.parse("{\"input\":[8,8,1],\"layers\":[{\"conv1d\":4}]}"), 1));
        assertTrue(image.getMessage().contains("conv1d layer l0 needs a sequence input"), image.getMessage());
        GraphException key = assertThrows(GraphException.class, () -> ModelSpec.parse("{\"input\":[8,1],\"layers\":[{\"maxpool1d\":2,\"kernel\":3}]}"));
        assertTrue(key.getMessage().contains("layer 0: unknown key 'kernel'"), key.getMessage());
    }

    /** The acceptance run: a 1-D CNN on ECG5000 trains from a spec, exports, runs in the runtime with the engine's outputs, and is counted with its true MACs. */
    @Test
    void aOneDimensionalCnnOnEcg5000TrainsExportsAndRunsInTheRuntime() throws IOException {
        Path csv = Path.of(System.getProperty("tinyfit.shared", "../../shared"), "data", "ecg5000-train.csv");
        String spec = "{\"name\":\"ecg-1d\",\"input\":[140,1],\"layers\":[{\"conv1d\":8,\"kernel\":5,\"stride\":2,\"act\":\"relu\",\"bn\":true},"
                + "{\"maxpool1d\":2},{\"dwconv1d\":5,\"act\":\"relu\"},{\"conv1d\":16,\"kernel\":3,\"act\":\"relu\"},{\"gap\":true},{\"dense\":5}],\"softmax\":true}";
        TrainConfig cfg = TrainConfig.builder().epochs(4).batch(16).lr(0.01f).threads(2).build();
        Path out = tmp.resolve("ecg");
        TrainingRun.Result r = TrainingRun.run(new TrainingRun.Request(csv + "#shape=140x1,test=5:4", TrainingRun.Normalize.NONE, spec, cfg, 40, null, out,
                Provenance.of("1-D test")), new TrainingRun.Listener() {});
        assertEquals(100, r.testSamples());
        assertTrue(r.testScore()[1] > 0.8, "test accuracy " + r.testScore()[1]);
        Graph g = TfliteReader.read(out.resolve("model.tflite"));
        assertEquals(List.of("RESHAPE", "CONV_2D", "MAX_POOL_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "MEAN", "FULLY_CONNECTED", "SOFTMAX"),
                g.nodes().stream().map(n -> n.op().kind()).toList(), "batch norm folded into the first convolution");
        float[] x = KernelTest.random(3 * 140, 4);
        float[] want;
        try (Net net = Net.compile(r.model(), 1)) {
            want = softmax(net.forward(x, 3, false, 0), 5);
        }
        float[] have = RuntimeAgreementTest.runtime(g, x, 140, 5, 3);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], have[i], 1e-5f, "output " + i);
        long macs = 70L * 8 * 5 + 35L * 8 * 5 + 35L * 16 * 3 * 8 + 16L * 5;
        assertEquals(macs, Cost.storedOrder(g, DeviceCatalog.builtin().devices().get(0), Files.size(out.resolve("model.tflite"))).macs());
    }
}
