package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.Normalization;
import org.tinyfit.graph.Graph;

/** A tiny model on a few hundred real Fashion-MNIST images: learns well above chance in seconds. */
class FashionMnistSmokeTest {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

    @Test void aTinyModelLearnsFashionMnistWellAboveChance() throws IOException {
        assumeTrue(Files.isDirectory(DATA), "Fashion-MNIST is not installed at " + DATA + " (apt-get install -y dataset-fashion-mnist); skipping");
        Dataset all = Datasets.open(DATA.toString()).train();
        Dataset train = all.subset(range(0, 600)), val = all.subset(range(59000, 59500));
        Graph g = SpecCompiler.compile(ModelSpec.parse(BuiltinSpecs.TINY), 1);
        TrainConfig cfg = TrainConfig.builder().epochs(4).batch(32).lr(0.01f).threads(2).augmentations(List.of()).warmupEpochs(0.5f).build();
        List<EpochResult> epochs = new ArrayList<>();
        try (Trainer t = new Trainer(g, cfg, train, val, Normalization.minMax(train), new Loss.SoftmaxCrossEntropy(0f))) {
            double before = t.evaluateValidation()[1];
            t.run(null, new Trainer.Listener() {
                @Override public void epoch(EpochResult r) { epochs.add(r); }
            }, null);
            double after = epochs.get(epochs.size() - 1).valAccuracy();
            assertTrue(epochs.get(epochs.size() - 1).trainLoss() < epochs.get(0).trainLoss(), "training loss decreases: " + epochs);
            assertTrue(after > 0.6, "validation accuracy " + after + " (chance is 0.1, before training " + before + ")");
        }
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
