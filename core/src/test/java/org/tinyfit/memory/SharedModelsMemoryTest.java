package org.tinyfit.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteReader;

class SharedModelsMemoryTest {
    static List<Path> models() {
        Path dir = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void minPeakOrderIsValidAndNeverWorseOnEverySharedModel(Path model) {
        Graph g = TfliteReader.read(model);
        for (LiveModel m : LiveModel.values()) {
            MinPeakResult r = new MinPeakScheduler(MinPeakScheduler.DEFAULT_STATE_LIMIT, m).solve(g);
            r.schedule().check(g);
            assertTrue(r.peakBytes() <= r.storedPeakBytes());
            assertEquals(StepMemory.peakBytes(g, r.schedule(), m), r.peakBytes());
            assertTrue(r.peakBytes() >= r.lowerBoundBytes());
        }
        assertEquals(LiveRanges.of(g, Schedule.stored(g)).lowerBoundBytes(), StepMemory.peakBytes(g, Schedule.stored(g)));
        PartialExecution.Result pe = PartialExecution.apply(g);
        assertTrue(pe.peakBytesAfter() <= pe.peakBytesBefore());
    }
}
