package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Graph;

/**
 * Finite-difference gradient check: L = Σ coef·out over the loss tensor of a training-mode forward
 * pass; the analytic gradient of every trainable param (sampled coordinates) and of the input must
 * match central differences, computed with double sums.
 */
final class GradCheck {
    private GradCheck() {}

    static void check(Graph g, int batch, long seed) { check(g, batch, seed, 1e-2f, 3e-2); }

    static void check(Graph g, int batch, long seed, float eps, double tol) {
        try (Net net = Net.compile(g, 2)) {
            net.trackInputGrad();
            SeededRandom r = new SeededRandom(seed);
            float[] x = new float[batch * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
            float[] out = net.forward(x, batch, true, 42);
            float[] coef = new float[batch * net.lossSize()];
            for (int i = 0; i < coef.length; i++) coef[i] = r.nextFloat() * 2 - 1;
            net.zeroGrad();
            net.backward(coef);
            int checked = 0;
            for (Param p : net.params()) {
                if (!p.trainable) continue;
                float[] analytic = p.grad.clone();
                for (int t = 0; t < Math.min(12, p.value.length); t++) {
                    int i = p.value.length <= 12 ? t : r.nextInt(p.value.length);
                    float keep = p.value[i];
                    p.value[i] = keep + eps;
                    double up = loss(net, x, batch, coef);
                    p.value[i] = keep - eps;
                    double down = loss(net, x, batch, coef);
                    p.value[i] = keep;
                    double numeric = (up - down) / (2 * eps);
                    assertClose(analytic[i], numeric, tol, "param " + p.name + "[" + i + "]");
                    checked++;
                }
            }
            net.forward(x, batch, true, 42);
            net.zeroGrad();
            net.backward(coef);
            float[] dx = net.activationGrad(net.inputTensor()).clone();
            for (int t = 0; t < 12; t++) {
                int i = r.nextInt(x.length);
                float keep = x[i];
                x[i] = keep + eps;
                double up = loss(net, x, batch, coef);
                x[i] = keep - eps;
                double down = loss(net, x, batch, coef);
                x[i] = keep;
                assertClose(dx[i], (up - down) / (2 * eps), tol, "input[" + i + "]");
                checked++;
            }
            assertTrue(checked >= 12);
        }
    }

    private static double loss(Net net, float[] x, int batch, float[] coef) {
        float[] out = net.forward(x, batch, true, 42);
        double s = 0;
        for (int i = 0; i < coef.length; i++) s += (double) coef[i] * out[i];
        return s;
    }

    static void assertClose(double analytic, double numeric, double tol, String what) {
        double err = Math.abs(analytic - numeric);
        double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
        assertTrue(err <= tol * scale + 2e-3, what + ": analytic " + analytic + " vs numeric " + numeric);
    }
}
