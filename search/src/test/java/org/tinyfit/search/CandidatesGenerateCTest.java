package org.tinyfit.search;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.codegen.CProject;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.InMemory;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Op;
import org.tinyfit.passes.InferenceForm;

/**
 * Every int8 model the search can export is one tinyfit's C generator takes: random and mutated
 * genomes of the image (with reduced input resolutions), sequence and tabular spaces, quantized as
 * the search quantizes them, pass {@link CProject#requireSupported}. (`search --runtime c` and the
 * demo's C project rest on this.)
 */
class CandidatesGenerateCTest {

    @Test void imageCandidatesAtEveryResolution() {
        int muls = check(noise(120, 16, 16, 1), 40);
        assertTrue(muls > 0, "some image candidate read its input at a reduced resolution (its scaling a MUL)");
    }

    @Test void sequenceCandidates() { check(noise(120, 32, 2), 30); }

    @Test void tabularCandidates() { check(Synthetic.rows(120, 3), 30); }

    /** Checks {@code genomes} random genomes and one mutation of each; the number of int8 graphs holding a MUL. */
    private static int check(Dataset all, int genomes) {
        SearchData data = Synthetic.data(all);
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), 3);
        SplittableRandom rng = new SplittableRandom(11);
        int muls = 0;
        for (int i = 0; i < genomes; i++) {
            Genome g = space.random(rng);
            for (Genome x : new Genome[] {g, space.mutate(g, rng)}) {
                Graph int8 = Int8Model.quantize(InferenceForm.of(space.graph(x, i)), data);
                assertDoesNotThrow(() -> CProject.requireSupported(int8), x.toString());
                if (int8.nodes().stream().anyMatch(n -> n.op() instanceof Op.Mul)) muls++;
            }
        }
        return muls;
    }

    /** Samples of the given shape, 3 classes: noise with a class-dependent offset in the first third, middle or last third. */
    private static Dataset noise(int n, int... shape) {
        int len = 1;
        for (int d : shape) len *= d;
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[n * len];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int p = 0; p < len; p++) x[i * len + p] = (float) rng.nextDouble() + (p * 3 / len == y[i] ? 1f : 0f);
        }
        return InMemory.of(x, y, shape);
    }
}
