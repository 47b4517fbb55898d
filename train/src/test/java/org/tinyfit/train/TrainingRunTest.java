package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.data.DataException;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.tflite.TfliteReader;

class TrainingRunTest {
    static final String SPEC = "{\"name\":\"mlp\",\"input\":[4],\"layers\":[{\"dense\":8,\"act\":\"relu\",\"bn\":true},{\"dropout\":0.1},{\"dense\":2}],\"softmax\":true}";

    @TempDir Path tmp;

    /** Two classes, the sign of f0 + f1, with a test part (every fifth row). */
    Path csv() throws IOException {
        StringBuilder b = new StringBuilder("label,f0,f1,f2,f3\n");
        Random r = new Random(3);
        for (int i = 0; i < 300; i++) {
            double f0 = r.nextGaussian(), f1 = r.nextGaussian();
            b.append(f0 + f1 > 0 ? 1 : 0).append(',').append(f0).append(',').append(f1).append(',').append(r.nextGaussian()).append(',').append(r.nextGaussian()).append('\n');
        }
        Path p = tmp.resolve("two.csv");
        Files.writeString(p, b);
        return p;
    }

    TrainingRun.Request request(Path csv, Path out, int epochs, int val) {
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batch(16).lr(0.02f).threads(2).build();
        return new TrainingRun.Request(csv + "#test=5:4", TrainingRun.Normalize.AUTO, SPEC, cfg, val, null, out, Provenance.of("tinyfit train test"));
    }

    @Test
    void trainsExportsWithProvenanceScoresTheTestPartAndResumes() throws IOException {
        Path out = tmp.resolve("run");
        List<String> heard = new ArrayList<>();
        TrainingRun.Listener listener = new TrainingRun.Listener() {
            @Override public void started(TrainingRun.Plan p) { heard.add("plan " + p.trainSamples() + "+" + p.validationSamples()); }

            @Override public void epoch(EpochResult r) { heard.add("epoch " + (r.epoch() + 1)); }

            @Override public void resumed(TrainState st) { heard.add("resumed at " + (st.epoch() + 1)); }
        };
        TrainingRun.Result r = TrainingRun.run(request(csv(), out, 3, 40), listener);
        assertEquals(List.of("plan 200+40", "epoch 1", "epoch 2", "epoch 3"), heard);
        assertEquals(60, r.testSamples());
        assertTrue(r.testScore()[1] > 0.75, "test accuracy " + r.testScore()[1]);
        assertEquals("[]", r.plan().config().augmentations().toString(), "no image augmentation on tabular data");
        Graph g = TfliteReader.read(out.resolve("model.tflite"));
        assertTrue(g.nodes().stream().allMatch(n -> n.op().kind().equals("FULLY_CONNECTED") || n.op().kind().equals("SOFTMAX")), g.nodes().toString());
        Provenance p = Provenance.of(g, "tflite.metadata.");
        assertEquals("tinyfit train test", p.command());
        assertEquals(r.plan().config().fingerprint(), p.training());
        assertTrue(p.data().contains("two.csv"), p.data());
        assertEquals(r.summary().toPrettyString(), Files.readString(out.resolve("summary.json")));
        heard.clear();
        TrainingRun.run(request(csv(), out, 3, 40), listener);
        assertEquals(List.of("plan 200+40", "resumed at 4"), heard, "run again, it resumes from the last checkpoint, after the last epoch");
    }

    @Test
    void eachAugmentationAppliesToTheSamplesItFits() {
        var crop = new org.tinyfit.data.Augmentation.RandomCrop(1);
        var flip = new org.tinyfit.data.Augmentation.HorizontalFlip(0.5);
        var shift = new org.tinyfit.data.Augmentation.RandomShift(3);
        var noise = new org.tinyfit.data.Augmentation.GaussianNoise(0.1);
        List<org.tinyfit.data.Augmentation> all = List.of(crop, flip, shift, noise);
        assertEquals(List.of(crop, flip, noise), TrainingRun.fitting(all, new int[] {28, 28, 1}));
        assertEquals(List.of(shift, noise), TrainingRun.fitting(all, new int[] {140, 1}));
        assertEquals(List.of(noise), TrainingRun.fitting(all, new int[] {4}));
    }

    @Test
    void aValidationPartAsLargeAsTheDataIsRefused() throws IOException {
        DataException e = assertThrows(DataException.class, () -> TrainingRun.run(request(csv(), tmp.resolve("o"), 1, 240), new TrainingRun.Listener() {}));
        assertTrue(e.getMessage().contains("below the 240 training samples used"), e.getMessage());
    }
}
