package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.InMemory;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.Split;
import org.tinyfit.data.Splits;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** Tabular rows are standardized outside the int8 model, so a column of small range survives one beside a huge one. */
class TabularScalingTest {
    /** The class is a 0/1 flag; beside it an amount up to a million (noise) and a gaussian (noise). */
    static Dataset rows(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            x[i * 3] = (float) (rng.nextDouble() * 1e6);
            x[i * 3 + 1] = y[i];
            x[i * 3 + 2] = (float) rng.nextGaussian();
        }
        return InMemory.of(x, y, 3);
    }

    @Test void aSmallColumnBesideAHugeOneIsStillRead() throws Exception {
        Split s = Splits.stratified(rows(800, 5), 0.25, 7);
        Normalization norm = Normalization.standardize(s.train());
        SearchData data = new SearchData("rows", s.train(), s.validation(), null, norm);
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 4);
        Genome g = new Genome(List.of(), List.of(8), 0f, new Genome.Recipe(0.01f, 4, 32, 0));
        Finalist f = Finalist.train(space, data, g, 4, 0, 3, 1, new org.tinyfit.train.Trainer.Listener() {});
        assertTrue(f.validationAccuracy() > 0.95, "the flag decides the class, and the int8 model reads it: " + f.validationAccuracy());
        InputScaling sc = InputScaling.of(f.int8()).orElseThrow();
        assertEquals(new InputScaling(norm.shift(), norm.scale()), sc, "the model records the training part's statistics");
        Graph read = TfliteReader.read(TfliteWriter.write(f.int8()), "rows.tflite");
        assertEquals(sc, InputScaling.of(read).orElseThrow(), "the statistics survive the file");
        assertEquals(f.validationAccuracy(), Int8Model.accuracy(read, data.validation(), data, 1), 1e-12,
                "the file read back, given the data as stored, scores what the model scored");
    }

    @Test void imagesKeepTheirNormalizationInside() {
        assertTrue(Int8Model.scalesOutside(new int[] {23}));
        assertTrue(!Int8Model.scalesOutside(new int[] {140, 1}) && !Int8Model.scalesOutside(new int[] {28, 28, 1}));
    }
}
