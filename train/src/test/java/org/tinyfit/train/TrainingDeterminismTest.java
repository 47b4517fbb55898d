package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.InMemory;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.Graph;

/** Same seed, same curve — with any thread count, and across a kill and resume. */
class TrainingDeterminismTest {
    static final String SPEC = """
            {"input":[8,8,1],"layers":[{"conv":6,"act":"relu","bn":true},{"maxpool":2},{"dwconv":3,"act":"relu6"},
            {"conv":8,"stride":2,"act":"relu"},{"gap":true},{"dropout":0.1},{"dense":3}],"softmax":true}""";

    /** 3 classes of 8×8 images: a bright row, column or diagonal, with noise. */
    static Dataset synthetic(int n, long seed) {
        SeededRandom r = new SeededRandom(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int s = 0; s < n; s++) {
            y[s] = r.nextInt(3);
            int at = r.nextInt(8);
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 8; j++) {
                    boolean on = switch (y[s]) { case 0 -> i == at; case 1 -> j == at; default -> i == j; };
                    x[s * 64 + i * 8 + j] = (on ? 1f : 0f) + 0.3f * r.nextFloat();
                }
            }
        }
        return InMemory.of(x, y, 8, 8, 1);
    }

    static TrainConfig config(int threads) {
        return TrainConfig.builder().epochs(3).batch(20).threads(threads).lr(0.01f).checkpointSteps(4)
                .augmentations(List.of(new Augmentation.RandomCrop(1), new Augmentation.HorizontalFlip(0.5))).build();
    }

    record Run(List<Double> losses, Graph trained) {}

    static Run train(int threads, Path dir, java.util.function.BooleanSupplier stop) throws IOException {
        Graph g = SpecCompiler.compile(ModelSpec.parse(SPEC), 5);
        List<Double> losses = new ArrayList<>();
        try (Trainer t = new Trainer(g, config(threads), synthetic(150, 1), synthetic(40, 2), null, new Loss.SoftmaxCrossEntropy(0.1f))) {
            t.run(dir, new Trainer.Listener() {
                @Override public void step(Trainer.Progress p) { losses.add(p.loss()); }
            }, stop);
            return new Run(losses, t.net().toGraph());
        }
    }

    static void assertSameWeights(Graph a, Graph b) {
        for (int i = 0; i < a.tensors().size(); i++) {
            if (a.tensor(i).isConstant()) assertArrayEquals(a.tensor(i).data(), b.tensor(i).data(), "tensor " + a.tensor(i).name());
        }
    }

    @Test void sameSeedGivesTheSameLossCurveBitForBitWithOneTwoOrThreeThreads() throws IOException {
        Run one = train(1, null, null), two = train(2, null, null), three = train(3, null, null);
        assertEquals(one.losses(), two.losses());
        assertEquals(one.losses(), three.losses());
        assertSameWeights(one.trained(), two.trained());
        assertSameWeights(one.trained(), three.trained());
        assertTrue(one.losses().get(one.losses().size() - 1) < one.losses().get(0), "the loss goes down: " + one.losses());
    }

    @Test void aRunKilledAndResumedEndsExactlyLikeAnUninterruptedOne(@TempDir Path tmp) throws IOException {
        Run straight = train(2, tmp.resolve("a"), null);
        Path dir = tmp.resolve("b");
        int[] steps = {0};
        train(2, dir, () -> ++steps[0] == 10); // dies after step 10; the last checkpoint is at step 8
        assertTrue(Files.exists(dir.resolve(Checkpoint.FILE)));
        assertFalse(Files.exists(dir.resolve(Checkpoint.FILE + ".tmp")), "no temporary file is left behind");
        steps[0] = 0;
        train(2, dir, () -> ++steps[0] == 9); // dies again in the second epoch
        Run resumed = train(1, dir, null);    // and finishes, with another thread count
        assertSameWeights(straight.trained(), resumed.trained());
    }

    @Test void aCheckpointFromOtherSettingsIsRefusedWithAMessage(@TempDir Path tmp) throws IOException {
        int[] steps = {0};
        train(1, tmp, () -> ++steps[0] == 5);
        Graph g = SpecCompiler.compile(ModelSpec.parse(SPEC), 5);
        try (Trainer t = new Trainer(g, config(1).toBuilder().lr(0.5f).build(), synthetic(150, 1), null, null, new Loss.SoftmaxCrossEntropy(0.1f))) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(org.tinyfit.data.DataException.class, () -> t.run(tmp, new Trainer.Listener() {}, null));
            assertTrue(e.getMessage().contains("different settings"), e.getMessage());
        }
    }
}
