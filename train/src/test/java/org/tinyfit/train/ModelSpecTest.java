package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class ModelSpecTest {
    static final String EXAMPLE = """
            {"input":[28,28,1],"layers":[{"conv":16,"kernel":3,"stride":1,"act":"relu","bn":true},{"maxpool":2},{"dwconv":3},{"gap":true},{"dense":10}]}""";

    @Test void theIssueExampleCompilesToAGraphWithTheExpectedOps() {
        Graph g = SpecCompiler.compile(ModelSpec.parse(EXAMPLE), 1);
        assertEquals(java.util.List.of("CONV_2D", "BATCH_NORM", "RELU", "MAX_POOL_2D", "DEPTHWISE_CONV_2D", "MEAN", "FULLY_CONNECTED"),
                g.nodes().stream().map(n -> n.op().kind()).toList());
        assertEquals(Shape.of(1, 10), g.tensor(g.outputs()[0]).shape());
    }

    @Test void jsonRoundTripsThroughToJson() {
        ModelSpec s = ModelSpec.parse(BuiltinSpecs.FASHION_MNIST);
        assertEquals(s, ModelSpec.parse(s.toJson()));
        ModelSpec r = ModelSpec.parse("{\"input\":[8,8,4],\"layers\":[{\"residual\":[{\"conv\":4,\"act\":\"relu\"},{\"conv\":4}]},{\"avgpool\":2},{\"dense\":2,\"act\":\"sigmoid\"}]}");
        assertEquals(r, ModelSpec.parse(r.toJson()));
    }

    @Test void theJavaBuilderMakesTheSameSpecAsJson() {
        ModelSpec built = ModelSpec.builder(28, 28, 1).conv(16, 3, "relu", true).maxPool(2).dwconv(3, 1, "none", false).gap().dense(10).build();
        ModelSpec parsed = ModelSpec.parse(EXAMPLE);
        assertEquals(parsed, built);
    }

    @Test void theDefaultFashionMnistSpecHasAtMost100kParameters() {
        Graph g = SpecCompiler.compile(ModelSpec.parse(BuiltinSpecs.FASHION_MNIST), 1);
        try (Net net = Net.compile(g, 1)) {
            assertTrue(net.trainableCount() <= 100_000, "parameters: " + net.trainableCount());
        }
    }

    @Test void sameSeedSameWeightsOtherSeedOtherWeights() {
        ModelSpec s = ModelSpec.parse(EXAMPLE);
        Graph a = SpecCompiler.compile(s, 7), b = SpecCompiler.compile(s, 7), c = SpecCompiler.compile(s, 8);
        int w = 1; // conv filter
        assertTrue(java.util.Arrays.equals(a.tensor(w).data(), b.tensor(w).data()));
        assertTrue(!java.util.Arrays.equals(a.tensor(w).data(), c.tensor(w).data()));
    }

    @Test void heInitialWeightsHaveTheirStandardDeviationAndGlorotStaysInItsLimit() {
        float[] he = SpecCompiler.initial(20000, 50, 10, ModelSpec.Init.HE, new SeededRandom(1));
        double sq = 0;
        for (float v : he) sq += v * v;
        assertEquals(Math.sqrt(2.0 / 50), Math.sqrt(sq / he.length), 0.01);
        float[] gl = SpecCompiler.initial(20000, 50, 10, ModelSpec.Init.GLOROT, new SeededRandom(1));
        double limit = Math.sqrt(6.0 / 60);
        for (float v : gl) assertTrue(Math.abs(v) <= limit);
    }

    @Test void mistakesAreReportedWithTheLayerAndWhatToDo() {
        GraphException unknownKey = assertThrows(GraphException.class, () -> ModelSpec.parse("{\"input\":[4,4,1],\"layers\":[{\"conv\":4,\"filters\":3}]}"));
        assertTrue(unknownKey.getMessage().startsWith("layer 0: unknown key 'filters'"), unknownKey.getMessage());
        GraphException noKind = assertThrows(GraphException.class, () -> ModelSpec.parse("{\"input\":[4,4,1],\"layers\":[{\"act\":\"relu\"}]}"));
        assertTrue(noKind.getMessage().contains("names no layer kind"), noKind.getMessage());
        GraphException act = assertThrows(GraphException.class, () -> ModelSpec.parse("{\"input\":[4,4,1],\"layers\":[{\"dense\":3,\"act\":\"gelu\"}]}"));
        assertTrue(act.getMessage().contains("unknown activation 'gelu'"), act.getMessage());
        GraphException order = assertThrows(GraphException.class, () -> SpecCompiler.compile(ModelSpec.parse("{\"input\":[4,4,1],\"layers\":[{\"gap\":true},{\"conv\":3}]}"), 1));
        assertTrue(order.getMessage().contains("needs an image input"), order.getMessage());
        assertThrows(GraphException.class, () -> ModelSpec.parse("{not json"));
    }

    @Test void tanhStaysASeparateOpBecauseTfliteKernelsIgnoreAFusedTanh() {
        Graph g = SpecCompiler.compile(ModelSpec.parse("{\"input\":[4,4,1],\"layers\":[{\"conv\":2,\"act\":\"tanh\"},{\"dense\":2}]}"), 1);
        assertEquals(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE), g.node(0).op());
        assertEquals(new Op.Tanh(), g.node(1).op());
    }

    @Test void aLayerWithoutBatchNormFusesItsActivation() {
        Graph g = SpecCompiler.compile(ModelSpec.parse("{\"input\":[4,4,1],\"layers\":[{\"conv\":2,\"act\":\"relu6\"},{\"dense\":2}]}"), 1);
        assertEquals(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU6), g.node(0).op());
    }
}
