package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SRAM figure analyze prints is the one its verdict checks: the tensor_arena to request, which for
 * small models is what AllocateTensors needs while it plans, more than head + tail.
 */
class AnalyzeSramLineTest {
    static final Pattern SRAM_USED = Pattern.compile("(?m)^SRAM: .*(?:=|->) ([0-9,]+) B of ([0-9,]+) B \\(");
    static final Pattern ARENA = Pattern.compile("(?m)^arena:    tensor_arena of ([0-9,]+) B");
    static final Pattern BOARD_ROW = Pattern.compile("(?m)^(\\S+) +[0-9,]+ +[0-9.]+% +([0-9,]+) ");

    static long bytes(String s) { return Long.parseLong(s.replace(",", "")); }

    @ParameterizedTest
    @CsvSource({"hello_world_int8, true", "hello_world_float, true", "simple_add_model, false", "micro_speech_quantized, false",
            "keyword_scrambled_8bit, true", "person_detect, false"})
    void theSramLineAndTheVerdictUseOneNumber(String model, boolean planningDominates) throws Exception {
        String file = AnalyzeCommandTest.MODELS.resolve(model + ".tflite").toString();
        for (String board : new String[] {"arduino-nano-33-ble-sense", "stm32f746g-disco"}) {
            CliTest.Run text = CliTest.run("analyze", file, "--device", board);
            assertEquals(0, text.code(), text.err());
            Matcher sram = SRAM_USED.matcher(text.out()), arena = ARENA.matcher(text.out());
            assertTrue(sram.find() && arena.find(), text.out());
            JsonNode cost = new ObjectMapper().readTree(CliTest.run("analyze", file, "--device", board, "--json").out()).get("cost");
            long checked = -1;
            for (JsonNode c : cost.get("verdict").get("constraints")) if (c.get("name").asText().equals("SRAM")) checked = c.get("usedBytes").asLong();
            assertEquals(checked, bytes(sram.group(1)), "the SRAM line's figure is the verdict's:\n" + text.out());
            assertEquals(checked, bytes(arena.group(1)), "and the tensor_arena line's:\n" + text.out());
            assertEquals(cost.get("tensorArenaBytes").asLong(), checked);
            long kept = cost.get("peakSramBytes").asLong();
            assertEquals(planningDominates, checked > kept, model + ": tensor_arena " + checked + " vs head + tail " + kept);
            assertEquals(planningDominates, text.out().contains("AllocateTensors needs " + String.format("%,d", checked) + " B while it plans) -> "), text.out());
        }
        CliTest.Run table = CliTest.run("analyze", file, "--device", "arduino-nano-33-ble-sense,stm32f746g-disco");
        Matcher row = BOARD_ROW.matcher(table.out());
        int rows = 0;
        while (row.find()) {
            JsonNode cost = new ObjectMapper().readTree(CliTest.run("analyze", file, "--device", row.group(1), "--json").out()).get("cost");
            assertEquals(cost.get("tensorArenaBytes").asLong(), bytes(row.group(2)), "the boards table's SRAM column:\n" + table.out());
            rows++;
        }
        assertEquals(2, rows, table.out());
    }
}
