package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.passes.BatchNormFolding;
import org.tinyfit.passes.InferenceForm;

class BatchNormFoldingTest {
    /** A graph with conv/dwconv/dense + BN (+ activation), its BN statistics moved off their defaults by a little training. */
    static Graph trainedWithBatchNorm() {
        ModelSpec spec = ModelSpec.parse("""
                {"input":[8,8,1],"layers":[{"conv":6,"act":"relu","bn":true},{"dwconv":3,"act":"relu6","bn":true},
                {"conv":4,"stride":2,"act":"tanh","bn":true},{"flatten":true},{"dense":5,"bn":true},{"dense":3}]}""");
        Graph g = SpecCompiler.compile(spec, 3);
        try (Net net = Net.compile(g, 1)) {
            float[] x = KernelTest.random(16 * 64, 4);
            for (int i = 0; i < 5; i++) net.forward(x, 16, true, i); // moves running mean/var
            for (Param p : net.params()) if (p.trainable && p.name.contains("/bn/")) for (int i = 0; i < p.value.length; i++) p.value[i] += 0.1f * (i % 3 - 1);
            return net.toGraph();
        }
    }

    static float[] infer(Graph g, float[] x, int n) {
        try (Net net = Net.compile(g, 1)) {
            return net.forward(x, n, false, 0).clone();
        }
    }

    @Test void foldingGivesTheSameOutputsWithoutBatchNormNodes() {
        Graph g = trainedWithBatchNorm();
        Graph folded = BatchNormFolding.fold(g);
        ShapeInference.check(folded);
        assertTrue(g.nodes().stream().anyMatch(n -> n.op() instanceof Op.BatchNorm));
        assertEquals(0, folded.nodes().stream().filter(n -> n.op() instanceof Op.BatchNorm).count(), "every BatchNorm folded");
        assertEquals(0, folded.nodes().stream().filter(n -> n.op() instanceof Op.Relu || n.op() instanceof Op.Relu6).count(),
                "the ReLUs after them fused");
        float[] x = KernelTest.random(5 * 64, 9);
        float[] before = infer(g, x, 5), after = infer(folded, x, 5);
        KernelTest.assertAllClose(before, after, "outputs");
    }

    @Test void theInferenceFormHasNoDropoutOrBatchNormAndTheSameOutputs() {
        Graph g = SpecCompiler.compile(ModelSpec.parse(BuiltinSpecs.FASHION_MNIST), 2);
        Graph inf = InferenceForm.of(g);
        ShapeInference.check(inf);
        assertTrue(inf.nodes().stream().noneMatch(n -> n.op() instanceof Op.Dropout || n.op() instanceof Op.BatchNorm), inf.nodes().toString());
        float[] x = KernelTest.random(2 * 784, 3);
        try (Net a = Net.compile(g, 1); Net b = Net.compile(inf, 1)) {
            a.forward(x, 2, false, 0);
            b.forward(x, 2, false, 0);
            KernelTest.assertAllClose(a.output().clone(), b.output().clone(), "probabilities");
        }
    }
}
