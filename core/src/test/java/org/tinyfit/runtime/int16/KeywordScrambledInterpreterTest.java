package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;

/**
 * keyword_scrambled_8bit through the interpreter: the output, and every SVDF's activation state
 * after the run (which the output alone does not reveal, as the SVDF outputs saturate), equal
 * TFLite Micro's.
 */
class KeywordScrambledInterpreterTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void outputAndSvdfStateEqualTfliteMicroAfterOneRun(int seed) throws IOException {
        Graph g = TfliteReader.read(KeywordScrambledLayerTest.MODELS.resolve("keyword_scrambled_8bit.tflite"));
        String base = "golden/keyword_scrambled_8bit.seed" + seed;
        byte[] input = Files.readAllBytes(KeywordScrambledLayerTest.MODELS.resolve(base + ".in"));
        byte[] output = Files.readAllBytes(KeywordScrambledLayerTest.MODELS.resolve(base + ".out"));
        Map<Integer, byte[]> golden = KeywordScrambledLayerTest.goldenTensors(KeywordScrambledLayerTest.MODELS.resolve(base + ".tensors"));
        Schedule s = Schedule.stored(g);
        Interpreter it = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s));
        byte[][] outs = it.run(new byte[][] {input});
        assertArrayEquals(output, outs[0], "output (seed " + seed + ")");
        int states = 0;
        for (Tensor t : g.tensors()) {
            if (!t.variable()) continue;
            assertArrayEquals(golden.get(t.id()), it.arena().read(t.id()), "SVDF state tensor " + t.id() + " (seed " + seed + ")");
            states++;
        }
        assertEquals(7, states, "SVDF state tensors");
    }
}
