package org.tinyfit.train;

import org.tinyfit.graph.TensorBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LossOptimizerScheduleTest {

    static void checkLossGradient(Loss loss, float[] out, int n, int k, int[] labels, float[] targets) {
        float[] grad = new float[out.length], scratch = new float[out.length];
        loss.compute(out, n, k, labels, targets, grad);
        double eps = 1e-3;
        for (int i = 0; i < out.length; i++) {
            float keep = out[i];
            out[i] = (float) (keep + eps);
            double up = loss.compute(out, n, k, labels, targets, scratch);
            out[i] = (float) (keep - eps);
            double down = loss.compute(out, n, k, labels, targets, scratch);
            out[i] = keep;
            GradCheck.assertClose(grad[i], (up - down) / (2 * eps), 2e-2, "output " + i);
        }
    }

    @Test void crossEntropyWithLabelSmoothingHasTheGradientOfItsValue() {
        checkLossGradient(new Loss.SoftmaxCrossEntropy(0.1f), KernelTest.random(12, 1), 3, 4, new int[] {0, 3, 1}, null);
        checkLossGradient(new Loss.SoftmaxCrossEntropy(0f), KernelTest.random(12, 2), 3, 4, new int[] {2, 2, 1}, null);
    }

    @Test void classWeightedCrossEntropyHasTheGradientOfItsValue() {
        float[] w = Loss.SoftmaxCrossEntropy.balancedWeights(new int[] {30, 5, 10, 0});
        checkLossGradient(new Loss.SoftmaxCrossEntropy(0.1f, w), KernelTest.random(12, 6), 3, 4, new int[] {0, 1, 1}, null);
        checkLossGradient(new Loss.SoftmaxCrossEntropy(0f, w), KernelTest.random(12, 7), 3, 4, new int[] {2, 0, 3}, null);
    }

    @Test void balancedWeightsGiveEveryClassTheSameTotalWeight() {
        int[] counts = {30, 5, 10};
        float[] w = Loss.SoftmaxCrossEntropy.balancedWeights(counts);
        for (int k = 0; k < counts.length; k++) assertEquals(15.0, w[k] * counts[k], 1e-4, "class " + k);
        float[] g1 = new float[4], g2 = new float[4];
        float[] logits = {0.3f, -0.2f, 0.5f, 0.1f};
        double weighted = new Loss.SoftmaxCrossEntropy(0f, new float[] {4f, 0.5f}).compute(logits, 2, 2, new int[] {0, 0}, null, g1);
        assertEquals(new Loss.SoftmaxCrossEntropy(0f).compute(logits, 2, 2, new int[] {0, 0}, null, g2), weighted, 1e-9, "one class in the batch: the weighted mean is the plain mean");
        double mixed = new Loss.SoftmaxCrossEntropy(0f, new float[] {4f, 0.5f}).compute(logits, 2, 2, new int[] {0, 1}, null, g1);
        double ce0 = Math.log(Math.exp(0.3) + Math.exp(-0.2)) - 0.3, ce1 = Math.log(Math.exp(0.5) + Math.exp(0.1)) - 0.1;
        assertEquals((4 * ce0 + 0.5 * ce1) / 4.5, mixed, 1e-6);
    }

    @Test void meanSquaredErrorHasTheGradientOfItsValueWithTargetsOrLabels() {
        checkLossGradient(new Loss.MeanSquaredError(), KernelTest.random(6, 3), 2, 3, null, KernelTest.random(6, 4));
        checkLossGradient(new Loss.MeanSquaredError(), KernelTest.random(6, 5), 2, 3, new int[] {1, 0}, null);
    }

    @Test void crossEntropyOfUniformLogitsIsLogK() {
        float[] grad = new float[10];
        assertEquals(Math.log(10), new Loss.SoftmaxCrossEntropy(0.2f).compute(new float[10], 1, 10, new int[] {3}, null, grad), 1e-6);
    }

    static Param quadratic(float start) {
        return new Param(0, "w", new float[] {start, -start}, true, true);
    }

    @Test void sgdWithMomentumFollowsTheUpdateRule() {
        Param p = quadratic(1f);
        OptimizerState st = new OptimizerState(List.of(p), 1);
        Optimizer sgd = new Optimizer.Sgd(0.9f, 0f, false);
        p.grad[0] = 2f; // v = 2, w = 1 - 0.1*2
        sgd.step(List.of(p), 0.1f, st);
        assertEquals(0.8f, p.value[0], 1e-6f);
        p.grad[0] = 1f; // v = 0.9*2 + 1 = 2.8, w = 0.8 - 0.28
        sgd.step(List.of(p), 0.1f, st);
        assertEquals(0.52f, p.value[0], 1e-6f);
    }

    @Test void adamWMinimizesAQuadratic() {
        Param w = quadratic(3f);
        OptimizerState st = new OptimizerState(List.of(w), 2);
        Optimizer adam = Optimizer.AdamW.defaults(0f);
        for (int i = 0; i < 500; i++) {
            for (int j = 0; j < 2; j++) w.grad[j] = 2 * (w.value[j] - 1); // minimum at 1
            adam.step(List.of(w), 0.05f, st);
        }
        assertEquals(1f, w.value[0], 0.02f);
        assertEquals(1f, w.value[1], 0.02f);
        assertEquals(500, st.step());
    }

    @Test void adamWDecaysWeightsDirectlyButNotBiases() {
        Param w = quadratic(3f);
        Param bias = new Param(1, "b", new float[] {3f}, true, false);
        OptimizerState st = new OptimizerState(List.of(w, bias), 2);
        Optimizer adam = Optimizer.AdamW.defaults(0.1f);
        for (int i = 0; i < 10; i++) adam.step(List.of(w, bias), 0.05f, st); // zero gradients
        assertEquals(3f * Math.pow(1 - 0.05 * 0.1, 10), w.value[0], 1e-5);
        assertEquals(3f, bias.value[0], 0f);
    }

    @Test void cosineWarmsUpLinearlyThenFallsToTheMinimum() {
        LrSchedule s = new LrSchedule.Cosine(1f, 10, 110, 0.1f);
        assertEquals(0.1f, s.at(0), 1e-6f);
        assertEquals(1f, s.at(9), 1e-6f);
        assertEquals(1f, s.at(10), 1e-6f);
        assertEquals(0.55f, s.at(60), 1e-5f);
        assertEquals(0.1f, s.at(110), 1e-6f);
        for (int i = 11; i < 110; i++) assertTrue(s.at(i) <= s.at(i - 1));
    }

    @Test void stepScheduleMultipliesByGammaEveryPeriod() {
        LrSchedule s = new LrSchedule.StepDecay(1f, 0, 5, 0.5f);
        assertEquals(1f, s.at(4), 0f);
        assertEquals(0.5f, s.at(5), 0f);
        assertEquals(0.25f, s.at(12), 0f);
    }

    @Test void batchNormInInferenceModeUsesTheRunningStatistics() {
        org.tinyfit.graph.GraphBuilder b = new org.tinyfit.graph.GraphBuilder("bn");
        int x = b.input("x", org.tinyfit.graph.DType.F32, 1, 2);
        int c = (int) 0;
        int g = b.constant("g", org.tinyfit.graph.DType.F32, org.tinyfit.graph.Shape.of(2), TensorBytes.ofFloats(new float[] {2, 1}));
        int be = b.constant("b", org.tinyfit.graph.DType.F32, org.tinyfit.graph.Shape.of(2), TensorBytes.ofFloats(new float[] {0, 1}));
        int m = b.constant("m", org.tinyfit.graph.DType.F32, org.tinyfit.graph.Shape.of(2), TensorBytes.ofFloats(new float[] {1, 0}));
        int v = b.constant("v", org.tinyfit.graph.DType.F32, org.tinyfit.graph.Shape.of(2), TensorBytes.ofFloats(new float[] {4, 1}));
        int y = b.node(new org.tinyfit.graph.Op.BatchNorm(0f, 0.9f), "y", x, g, be, m, v);
        try (Net net = Net.compile(b.output(y).build(), 1)) {
            float[] out = net.forward(new float[] {3, 5}, 1, false, 0);
            assertEquals(2f * (3 - 1) / 2, out[0], 1e-6f);
            assertEquals(5f + 1, out[1], 1e-6f);
            net.forward(new float[] {3, 5, 5, 7}, 2, true, 0);
            Param mean = net.params().stream().filter(p -> p.name.equals("m")).findFirst().orElseThrow();
            assertEquals(0.9f * 1 + 0.1f * 4, mean.value[0], 1e-6f, "running mean moves toward the batch mean");
        }
        assertEquals(0, c);
    }
}
