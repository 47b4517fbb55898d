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
import org.tinyfit.graph.Op;
import org.tinyfit.passes.InferenceForm;

/** The input resolution is part of an image genome: the model average-pools its input before the first stage. */
class ResolutionTest {
    static final SearchSpace IMAGES = SearchSpaceTest.IMAGES;

    static Genome at(int downscale) {
        return new Genome(List.of(new Genome.Stage(Genome.Block.CONV, 16, 3, 1, true, false)), List.of(), 0f,
                new Genome.Recipe(0.003f, 2, 64, 0), downscale);
    }

    @Test void theSpaceOffersResolutionsThatLeaveEightPixelsASide() {
        assertEquals(List.of(1, 2), java.util.Arrays.stream(IMAGES.downscales()).boxed().toList(), "28x28: full and half");
        assertEquals(List.of(1, 2, 4), java.util.Arrays.stream(new SearchSpace(new int[] {96, 96, 1}, 2, 4).downscales()).boxed().toList());
        assertEquals(List.of(1), java.util.Arrays.stream(new SearchSpace(new int[] {8, 8, 1}, 3, 4).downscales()).boxed().toList());
        assertEquals(List.of(1), java.util.Arrays.stream(SearchSpaceTest.SEQUENCES.downscales()).boxed().toList());
        assertEquals(2, IMAGES.smallest().downscale(), "the smallest network reads the smallest input");
    }

    @Test void randomAndMutatedGenomesReachBothResolutions() {
        SplittableRandom rng = new SplittableRandom(4);
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 60; i++) {
            Genome g = IMAGES.random(rng);
            seen.add(g.downscale());
            seen.add(IMAGES.mutate(g, rng).downscale());
        }
        assertEquals(java.util.Set.of(1, 2), seen);
    }

    @Test void aHalfResolutionGenomePoolsItsInputAndCostsLess() {
        Graph half = InferenceForm.of(IMAGES.graph(at(2), 1));
        assertTrue(half.nodes().get(0).op() instanceof Op.Pool2D p && p.pool() == Op.PoolKind.AVG, half.nodes().get(0).op().toString());
        Search s = new Search(IMAGES, SearchTest.NANO, new Limits(1 << 30, 1 << 30, 0, "tflm"), new Search.Config(1, 4, 2, 1, 4, 0));
        Footprint full = s.footprint(at(1)), quarter = s.footprint(at(2));
        assertTrue(quarter.macs() * 3 < full.macs(), full + " vs " + quarter);
        assertTrue(quarter.sramBytes() < full.sramBytes(), full + " vs " + quarter);
        assertEquals("in/2 conv16k3+pool | | lr0.003 e2 b64", at(2).key());
        assertEquals(at(2), Genome.fromJson(at(2).toJson()));
        assertEquals(at(1), Genome.fromJson(at(1).toJson().replace(",\"downscale\":1", "")), "a journal from before the gene reads as full resolution");
    }

    @Test void aHalfResolutionModelLearnsAndItsInt8ModelTakesTheImagesAsStored() {
        SplittableRandom rng = new SplittableRandom(2);
        int n = 300;
        float[] x = new float[n * 16 * 16];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) { // horizontal or vertical stripes 4 pixels wide, on noise, stored as 0..255
            y[i] = i % 2;
            int phase = rng.nextInt(8);
            for (int r = 0; r < 16; r++) for (int c = 0; c < 16; c++) {
                boolean on = (((y[i] == 0 ? r : c) + phase) / 4) % 2 == 0;
                x[i * 256 + r * 16 + c] = (float) (rng.nextDouble() * 100 + (on ? 150 : 0));
            }
        }
        Dataset all = InMemory.of(x, y, 16, 16, 1);
        Split sp = Splits.stratified(all, 0.25, 3);
        SearchData data = new SearchData("blocks", sp.train(), sp.validation(), null, Normalization.minMax(sp.train()));
        SearchSpace space = new SearchSpace(new int[] {16, 16, 1}, 2, 4);
        Genome g = new Genome(List.of(new Genome.Stage(Genome.Block.CONV, 8, 3, 1, true, false)), List.of(), 0f, new Genome.Recipe(0.01f, 4, 32, 0), 2);
        Evaluation e = LocalEvaluator.evaluate(space, data, new Candidate(0, -1, g, 5), 1);
        assertTrue(e.valAccuracy() > 0.9, "learnt at 8x8: " + e.valAccuracy());
        Graph int8 = org.tinyfit.tflite.TfliteReader.read(e.model(), "half");
        assertEquals(List.of(1, 16, 16, 1), java.util.Arrays.stream(int8.tensor(int8.inputs()[0]).shape().dims()).boxed().toList(),
                "the model takes the full image");
    }
}
