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

    @ParameterizedTest(name = "{0}")
    @CsvSource({"person_detect", "micro_speech_quantized", "keyword_scrambled_8bit"})
    void plannersWorkOnSplitGraphsAndReorderedSchedules(String name) {
        Graph g = model(name);
        Graph split = PartialExecution.apply(g).graph();
        for (var pair : java.util.List.of(java.util.Map.entry(split, Schedule.stored(split)), java.util.Map.entry(g, MinPeakScheduler.schedule(g)))) {
            Graph graph = pair.getKey();
            Schedule s = pair.getValue();
            ArenaPlan tflm = new TflmGreedyPlanner().plan(graph, s);
            MinimumArenaPlanner.Result best = new MinimumArenaPlanner().solve(graph, s);
            PlanCheck.verify(graph, s, tflm);
            PlanCheck.verify(graph, s, best.plan());
            long bound = MemoryProfile.of(graph, s).lowerBoundBytes();
            assertTrue(tflm.arenaBytes() >= bound);
            assertTrue(best.plan().arenaBytes() >= bound);
            assertTrue(best.plan().arenaBytes() <= tflm.arenaBytes());
        }
    }

    @org.junit.jupiter.api.Test
    void keywordModelPeaksAtItsFirstSvdfWithTwoScratchBuffers() {
        Graph g = model("keyword_scrambled_8bit");
        Schedule s = Schedule.stored(g);
        MemoryProfile p = MemoryProfile.of(g, s);
        assertEquals(1, p.peakStep());
        assertEquals(672, p.lowerBoundBytes());
        assertEquals(512, p.at(2).scratchBytes());
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, s);
        assertTrue(plan.scratchOffset(1, 0) >= 0 && plan.scratchOffset(1, 1) >= 0);
        MinimumArenaPlanner.Result best = new MinimumArenaPlanner().solve(g, s);
        assertTrue(best.provenMinimal());
        assertEquals(0, best.gapBytes());
    }
}
