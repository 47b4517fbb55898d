package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.OfflinePlan;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** optimize writes the best plan as the model's OfflineMemoryAllocation; analyze reads it back. */
class OfflinePlanCommandTest {
    @TempDir static Path tmp;
    static Path model;
    static byte[] original;

    @BeforeAll static void writeModel() throws Exception {
        model = tmp.resolve("mobilenet_vww.tflite");
        original = TfliteWriter.write(TflmCheckModels.mobilenetVww(3));
        Files.write(model, original);
    }

    static JsonNode json(OptimizeCommandTest.Run r) throws Exception {
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    static long analyzedArena(Path file) throws Exception {
        return json(OptimizeCommandTest.run("analyze", file.toString(), "--device", "stm32f746g-disco", "--json")).get("cost").get("arenaBytes").asLong();
    }

    @Test
    void theMobileNetChainGetsTheMinimumArenaInTheFile() throws Exception {
        Path out = tmp.resolve("with-plan.tflite");
        JsonNode j = json(OptimizeCommandTest.run("optimize", model.toString(), "-o", out.toString(), "--json"));
        assertEquals(73_728, j.get("storedOrderArenaBytes").asLong());
        assertEquals(73_728, j.get("optimizedOrderArenaBytes").asLong(), "a chain has one order");
        assertEquals(55_296, j.get("bestPlanArenaBytes").asLong());
        assertTrue(j.get("offlinePlanWritten").asBoolean());
        assertEquals(55_296, j.get("writtenArenaBytes").asLong());
        assertFalse(j.get("orderChanged").asBoolean());

        byte[] written = Files.readAllBytes(out);
        Graph before = TfliteReader.read(original, "m"), after = TfliteReader.read(written, "m");
        OptimizeCommandTest.assertSameModelReordered(before, after, j.get("order").traverse(new ObjectMapper()).readValueAs(int[].class));
        OfflinePlan plan = OfflinePlan.read(written, "m").orElseThrow();
        assertEquals(before.tensors().size(), plan.size());
        for (int t = 0; t < plan.size(); t++) {
            assertEquals(!before.tensor(t).isConstant(), plan.isOffline(t), "tensor " + t);
            if (plan.isOffline(t)) assertEquals(0, plan.offset(t) % 16, "tensor " + t + " is 16-byte aligned");
        }
        assertEquals(55_296, analyzedArena(out));
        assertEquals(73_728, analyzedArena(model));
    }

    @Test
    void noOfflinePlanWritesTheOrderOnly() throws Exception {
        Path out = tmp.resolve("no-plan.tflite");
        JsonNode j = json(OptimizeCommandTest.run("optimize", model.toString(), "-o", out.toString(), "--json", "--no-offline-plan"));
        assertFalse(j.get("offlinePlanWritten").asBoolean());
        assertEquals(73_728, j.get("writtenArenaBytes").asLong());
        assertArrayEquals(original, Files.readAllBytes(out), "no order and no plan to write: the file is the original");
    }

    @Test
    void analyzeRefusesAPlanThatOverlapsLiveTensors() throws Exception {
        Graph g = TfliteReader.read(original, "m");
        int[] at = new int[g.tensors().size()];
        Arrays.fill(at, OfflinePlan.ONLINE);
        for (int t = 0; t < at.length; t++) if (!g.tensor(t).isConstant()) at[t] = 0;
        Path bad = tmp.resolve("bad-plan.tflite");
        Files.write(bad, OfflinePlan.write(original, OfflinePlan.of(at), "bad-plan.tflite"));
        OptimizeCommandTest.Run r = OptimizeCommandTest.run("analyze", bad.toString(), "--device", "stm32f746g-disco");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("the offline plan (OfflineMemoryAllocation) is unsafe: plan by tflm-offline overlaps tensor 0"), r.err());
    }
}
