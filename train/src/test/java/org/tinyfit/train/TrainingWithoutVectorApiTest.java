package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;

/**
 * Training gives the same weights, bit for bit, in a JVM without the Vector API (a user's own java
 * command, a Spark executor, a search journal resumed elsewhere) as in one with it: a network with
 * every kind of layer the fast kernels cover (3×3 and 1×1 convs wide enough for the register-blocked
 * matrix products and their edges, depthwise, max and average pooling, dense) trained for a few steps
 * here and in child JVMs started without {@code --add-modules jdk.incubator.vector} and with it but
 * {@code -Dtinyfit.train.vector=false}.
 */
class TrainingWithoutVectorApiTest {
    static final String SPEC = """
            {"input":[12,12,3],"layers":[{"conv":37,"act":"relu"},{"maxpool":2},{"dwconv":3,"act":"relu"},
            {"conv":20,"kernel":1,"act":"relu"},{"conv":33,"act":"relu"},{"gap":true},{"dense":45,"act":"relu"},{"dense":5}]}""";
    static final int BATCH = 19, STEPS = 6;

    /** Trains the network and returns the SHA-256 of its weights, then the last loss's bits. */
    static String train(int threads) throws Exception {
        Graph g = SpecCompiler.compile(ModelSpec.parse(SPEC), 7);
        SeededRandom r = new SeededRandom(11);
        Optimizer opt = new Optimizer.Sgd(0.9f, 1e-4f, false);
        Loss loss = new Loss.SoftmaxCrossEntropy(0f);
        double last = 0;
        try (Net net = Net.compile(g, threads)) {
            OptimizerState state = new OptimizerState(net.params(), opt.slots());
            float[] x = new float[BATCH * net.inputSize()], dLoss = new float[BATCH * 5];
            int[] y = new int[BATCH];
            for (int step = 0; step < STEPS; step++) {
                for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() * 2 - 1;
                for (int i = 0; i < BATCH; i++) y[i] = r.nextInt(5);
                float[] logits = net.forward(x, BATCH, true, step);
                last = loss.compute(logits, BATCH, 5, y, null, dLoss);
                net.zeroGrad();
                net.backward(dLoss);
                opt.step(net.params(), 0.05f, state);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Graph trained = net.toGraph();
            for (Tensor t : trained.tensors()) if (t.isConstant()) sha.update(t.data());
            return HexFormat.of().formatHex(sha.digest()) + " " + Long.toHexString(Double.doubleToRawLongBits(last));
        }
    }

    @Test
    void trainingWithoutTheVectorApiGivesTheSameWeightsBitForBit() throws Exception {
        assertTrue(Gemm.VECTOR_AVAILABLE, "this JVM trains with the Vector API");
        String here = train(2);
        String initial = train(2);
        assertEquals(here, initial, "training is repeatable in one JVM");
        assertEquals(here, child(false, 1), "a JVM without jdk.incubator.vector, one thread");
        assertEquals(here, child(true, 2), "a JVM with the module but -Dtinyfit.train.vector=false, two threads");
    }

    @Test
    void theFingerprintSeesTraining() throws Exception {
        // the weights do change: a fingerprint of untrained weights would make the test above vacuous
        Graph g = SpecCompiler.compile(ModelSpec.parse(SPEC), 7);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Tensor t : g.tensors()) if (t.isConstant()) sha.update(t.data());
        assertNotEquals(HexFormat.of().formatHex(sha.digest()), train(1).split(" ")[0]);
    }

    /** The fingerprint printed by a child JVM that trains with the scalar kernels. */
    static String child(boolean withModule, int threads) throws Exception {
        Path javaCmd = Path.of(System.getProperty("java.home"), "bin", "java");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaCmd.toString()));
        if (withModule) cmd.addAll(java.util.List.of("--add-modules", "jdk.incubator.vector", "-Dtinyfit.train.vector=false"));
        cmd.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), Integer.toString(threads)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the child JVM finished");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.lines().toArray(String[]::new);
        assertEquals("vector false", lines[lines.length - 2], out);
        return lines[lines.length - 1];
    }

    /** Prints whether training's Vector API kernels are on, then the trained weights' fingerprint. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            System.out.println("vector " + Gemm.VECTOR_AVAILABLE);
            System.out.println(train(Integer.parseInt(args[0])));
        }
    }
}
