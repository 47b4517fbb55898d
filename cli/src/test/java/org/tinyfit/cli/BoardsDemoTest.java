package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tinyfit.device.DeviceCatalog;

class BoardsDemoTest {
    @Test
    void demoShowsAVerdictForEveryDefaultBoard() {
        CliTest.Run r = CliTest.run("demo", "boards");
        assertEquals(0, r.code(), r.err());
        for (String id : BoardsDemo.BOARDS) assertTrue(r.out().contains(DeviceCatalog.builtin().find(id).name()), id + "\n" + r.out());
        assertTrue(r.out().contains("DOES NOT FIT: SRAM is over by"), r.out());
        assertTrue(r.out().contains("FITS: tightest is"), r.out());
    }

    @Test
    void demoNetworkHasTheMacsOfItsLayers() throws Exception {
        long expected = 48L * 48 * 16 * 9          // stem 3x3 conv, 1 -> 16 channels
                + 24L * 24 * 16 * 9                 // branch A depthwise, stride 2
                + 24L * 24 * 64 * 16                // branch A 1x1 expand to 64
                + 48L * 48 * 32 * 16                // branch B 1x1 expand to 32
                + 24L * 24 * 32 * 9                 // branch B depthwise, stride 2
                + 12L * 12 * 32 * 9 * 96            // mix 3x3 stride 2, 96 -> 32
                + 32 * 10;                          // classifier
        JsonNode r = new ObjectMapper().readTree(CliTest.run("demo", "boards", "--json").out());
        assertEquals(expected, r.get("macs").asLong());
    }

    @Test
    void reorderingLowersThePeakAndTurnsABoardFromDoesNotFitToFits() throws Exception {
        CliTest.Run run = CliTest.run("demo", "boards", "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertTrue(r.get("reorderedLiveBytes").asLong() < r.get("storedLiveBytes").asLong(), run.out());
        boolean turned = false;
        for (JsonNode b : r.get("boards")) {
            long before = b.get("stored").get("arenaBytes").asLong(), after = b.get("reordered").get("arenaBytes").asLong();
            assertTrue(after <= before, b.get("device").get("id").asText());
            if (!b.get("stored").get("verdict").get("fits").asBoolean() && b.get("reordered").get("verdict").get("fits").asBoolean()) turned = true;
        }
        assertTrue(turned, "no board changed verdict");
    }

    @Test
    void demoTakesOtherBoardsAndRejectsUnknownOnesInOneLine() {
        CliTest.Run ok = CliTest.run("demo", "boards", "--device", "nrf5340-dk,nucleo-h743zi");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("nRF5340 DK") && ok.out().contains("NUCLEO-H743ZI"), ok.out());
        CliTest.Run bad = CliTest.run("demo", "boards", "--device", "esp8266");
        assertEquals(1, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }
}
