package org.tinyfit.device;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCatalogTest {
    static String oneDevice(String replaceFrom, String replaceTo) {
        String d = """
                {"devices": [{
                  "id": "my-board", "name": "My Board", "mcu": "XYZ123", "core": "Cortex-M4F",
                  "clockHz": 100000000, "sramBytes": 65536, "flashBytes": 262144,
                  "source": {"title": "XYZ123 datasheet", "document": "DS1", "url": "https://example.com/xyz.pdf"},
                  "latency": {"runtime": "TFLite Micro",
                    "int8": {"conv": 4, "depthwise": 5, "fullyConnected": 4, "perElement": 4},
                    "int16": {"conv": 6, "depthwise": 7, "fullyConnected": 6, "perElement": 5},
                    "float32": {"conv": 8, "depthwise": 8, "fullyConnected": 8, "perElement": 6},
                    "opOverheadCycles": 1000}
                }]}""";
        return replaceFrom == null ? d : d.replace(replaceFrom, replaceTo);
    }

    @Test
    void builtinCatalogHasAtLeastTenBoardsEachCitingItsDatasheet() {
        List<Device> all = DeviceCatalog.builtin().devices();
        assertTrue(all.size() >= 10, "only " + all.size() + " devices");
        var ids = new HashSet<String>();
        for (Device d : all) {
            assertTrue(ids.add(d.id()), "duplicate id " + d.id());
            assertFalse(d.source().title().isBlank(), d.id());
            assertTrue(!d.source().url().isBlank() || !d.source().document().isBlank(), d.id() + " cites neither URL nor document");
            assertTrue(d.sramBytes() >= 16 * 1024 && d.flashBytes() >= 64 * 1024 && d.clockHz() >= 1_000_000, d.id());
            assertTrue(d.largestSramBlockBytes() <= d.sramBytes(), d.id());
            assertFalse(d.latency().basis().isBlank(), d.id() + " has no latency basis");
        }
    }

    @Test
    void builtinCatalogHasTheBoardsTheBriefNames() {
        DeviceCatalog c = DeviceCatalog.builtin();
        assertEquals(Core.CORTEX_M7, c.find("stm32f746g-disco").core());
        assertEquals(320 * 1024, c.find("STM32F746G-DISCO").sramBytes());
        assertEquals(Core.CORTEX_M4F, c.find("arduino-nano-33-ble-sense").core());
        assertEquals(Core.CORTEX_M0_PLUS, c.find("raspberry-pi-pico").core());
        assertEquals(Core.XTENSA_LX7, c.find("esp32-s3-devkitc-1").core());
        assertEquals(Core.CORTEX_M33, c.find("nrf5340-dk").core());
        assertEquals(48_000_000, c.find("sparkfun-edge").clockHz());
    }

    @Test
    void findIsCaseInsensitiveAndAcceptsAUniquePartOfANameOrChip() {
        DeviceCatalog c = DeviceCatalog.builtin();
        assertEquals("nucleo-h743zi", c.find("NUCLEO-H743ZI").id());
        assertEquals("raspberry-pi-pico", c.find("rp2040").id());
        assertEquals("arduino-nano-33-ble-sense", c.find("nRF52840").id());
    }

    @Test
    void unknownDeviceListsCloseNames() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.builtin().find("stm32f764g-disko"));
        assertTrue(e.getMessage().contains("stm32f746g-disco"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void ambiguousPartListsEveryMatch() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.builtin().find("nucleo"));
        assertTrue(e.getMessage().contains("ambiguous") && e.getMessage().contains("nucleo-f446re"), e.getMessage());
    }

    @Test
    void devicesFileAddsABoardAndReplacesOneWithTheSameId(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mine.json");
        Files.writeString(f, oneDevice(null, null));
        DeviceCatalog c = DeviceCatalog.withFile(f);
        assertEquals(DeviceCatalog.builtin().devices().size() + 1, c.devices().size());
        Device mine = c.find("my-board");
        assertEquals(65536, mine.sramBytes());
        assertEquals(65536, mine.largestSramBlockBytes());
        assertEquals(4.0, mine.latency().int8().conv());
        assertFalse(mine.latency().calibrated());
        Files.writeString(f, oneDevice("\"my-board\"", "\"nucleo-f446re\""));
        assertEquals(65536, DeviceCatalog.withFile(f).find("nucleo-f446re").sramBytes());
    }

    @Test
    void malformedJsonIsOneLineWithItsPosition() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.parse("{\"devices\": [ {\"id\": }", "f.json"));
        assertTrue(e.getMessage().startsWith("f.json: not valid JSON at line 1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingFieldIsNamed() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.parse(oneDevice("\"sramBytes\": 65536,", ""), "f.json"));
        assertEquals("f.json: device 0 (my-board): field sramBytes is missing", e.getMessage());
    }

    @Test
    void wrongTypeIsNamedWithItsValue() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.parse(oneDevice("100000000", "\"fast\""), "f.json"));
        assertTrue(e.getMessage().contains("field clockHz must be a positive whole number, not \"fast\""), e.getMessage());
    }

    @Test
    void nestedFieldIsNamedWithItsPath() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.parse(oneDevice("\"depthwise\": 5", "\"depthwise\": -5"), "f.json"));
        assertTrue(e.getMessage().contains("field latency.int8.depthwise"), e.getMessage());
    }

    @Test
    void unknownCoreListsTheKnownOnes() {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.parse(oneDevice("Cortex-M4F", "Pentium"), "f.json"));
        assertTrue(e.getMessage().contains("field core") && e.getMessage().contains("Cortex-M0+"), e.getMessage());
    }

    @Test
    void largestBlockCannotExceedTheSram() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> DeviceCatalog.parse(oneDevice("\"sramBytes\": 65536,", "\"sramBytes\": 65536, \"largestSramBlockBytes\": 70000,"), "f.json"));
        assertTrue(e.getMessage().contains("field largestSramBlockBytes"), e.getMessage());
    }

    @Test
    void powerFigureMustCiteItsSource() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> DeviceCatalog.parse(oneDevice("\"flashBytes\": 262144,", "\"flashBytes\": 262144, \"power\": {\"activeMilliwatts\": 50},"), "f.json"));
        assertTrue(e.getMessage().contains("field power.source is missing"), e.getMessage());
        Device d = DeviceCatalog.parse(oneDevice("\"flashBytes\": 262144,", "\"flashBytes\": 262144, \"power\": {\"activeMilliwatts\": 50, \"source\": \"my bench\"},"), "f.json").get(0);
        assertEquals(50.0, d.power().activeMilliwatts());
    }

    @Test
    void missingDevicesFileIsOneLine(@TempDir Path dir) {
        DeviceException e = assertThrows(DeviceException.class, () -> DeviceCatalog.withFile(dir.resolve("nope.json")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void coreParsesDatasheetAndEnumSpellings() {
        assertEquals(Core.CORTEX_M0_PLUS, Core.parse("Cortex-M0+"));
        assertEquals(Core.CORTEX_M0_PLUS, Core.parse("CORTEX_M0_PLUS"));
        assertEquals(Core.XTENSA_LX7, Core.parse("xtensa lx7"));
        assertNull(Core.parse("Z80"));
    }

    @Test
    void editDistanceCountsSingleEdits() {
        assertEquals(0, DeviceCatalog.distance("abc", "abc"));
        assertEquals(1, DeviceCatalog.distance("abc", "abd"));
        assertEquals(2, DeviceCatalog.distance("f746", "f764"));
        assertEquals(3, DeviceCatalog.distance("", "abc"));
    }
}
