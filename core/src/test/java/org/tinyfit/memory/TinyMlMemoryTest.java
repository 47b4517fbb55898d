package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.quant.TinyMlModels;
import org.tinyfit.runtime.ArenaProof;

/**
 * Partial execution in place on the built TinyML models (MobileNet-v1 visual wake words, DS-CNN,
 * ResNet-8, an MCUNet-style network): the split graph, planned by {@link InPlacePlanner}, runs in
 * exactly the planned arena with outputs byte-identical to the unsplit model, and the in-place peak
 * tinyfit reports is never above TFLite Micro's arena. The figures themselves are in BENCHMARKS.md.
 */
class TinyMlMemoryTest {
    static List<String> models() { return TinyMlModels.names(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theSplitInPlacePlanRunsInItsArenaLikeTheUnsplitModel(String name) {
        Graph g = TinyMlModels.int8(name);
        MemoryOptimization m = MemoryOptimization.of(g, List.of());
        ArenaProof proof = ArenaProof.of(g, m);
        assertTrue(proof.verified(), name + ": " + proof.check());
        assertEquals(m.partialExecutionPeakBytes() + proof.gapBytes(), proof.arenaBytes(), name + ": plan = bound + gap");
        assertTrue(proof.arenaBytes() <= m.storedArenaBytes(), name + ": in place " + proof.arenaBytes() + " B against TFLite Micro's " + m.storedArenaBytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theStreamedPlanRunsInItsArenaLikeTheUnsplitModel(String name) {
        Graph g = TinyMlModels.int8(name);
        MemoryOptimization m = MemoryOptimization.of(g, List.of());
        ArenaProof proof = ArenaProof.ofStreamed(g, m);
        assertTrue(proof.verified(), name + ": " + proof.check());
        assertEquals(m.streamedPeakBytes() + proof.gapBytes(), proof.arenaBytes(), name + ": plan = bound + gap");
        assertTrue(m.streamedPeakBytes() <= m.partialExecutionPeakBytes(), name + ": row pipelines never raise the peak");
        assertEquals(m.streams(), m.streamedPeakBytes() < m.partialExecutionPeakBytes(), name);
    }
}
