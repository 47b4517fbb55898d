package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;

/** The "planned" column of shared/models/README.md: TFLite Micro's measured non-persistent head for the stored order. */
class TflmPlannerSharedModelsTest {
    private static Graph model(String name) {
        return TfliteReader.read(Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models").resolve(name + ".tflite"));
    }

    @ParameterizedTest(name = "{0}: {1} B")
    @CsvSource({
        "hello_world_float, 128",
        "hello_world_int8, 32",
        "keyword_scrambled_8bit, 672",
        "micro_speech_quantized, 5968",
        "person_detect, 55296",
        "simple_add_model, 49152",
    })
    void tflmGreedyPlanMatchesTheArenaTfliteMicroMeasured(String name, long plannedBytes) {
        Graph g = model(name);
        Schedule stored = Schedule.stored(g);
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, stored);
        PlanCheck.verify(g, stored, plan);
        assertEquals(plannedBytes, plan.arenaBytes());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"hello_world_float", "hello_world_int8", "keyword_scrambled_8bit", "micro_speech_quantized", "person_detect", "simple_add_model"})
    void minimumArenaPlanIsSafeAndNeverAboveTflmOnSharedModels(String name) {
        Graph g = model(name);
        Schedule stored = Schedule.stored(g);
        MinimumArenaPlanner.Result best = new MinimumArenaPlanner().solve(g, stored);
        PlanCheck.verify(g, stored, best.plan());
        long tflm = new TflmGreedyPlanner().plan(g, stored).arenaBytes();
        assertTrue(best.plan().arenaBytes() <= tflm);
        assertTrue(best.plan().arenaBytes() >= MemoryProfile.of(g, stored).lowerBoundBytes());
    }
}
