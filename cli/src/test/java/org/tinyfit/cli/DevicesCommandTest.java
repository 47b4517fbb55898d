package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;

class DevicesCommandTest {
    @Test
    void devicesListsEveryBuiltinBoard() {
        CliTest.Run r = CliTest.run("devices");
        assertEquals(0, r.code(), r.err());
        for (Device d : DeviceCatalog.builtin().devices()) assertTrue(r.out().contains(d.id()), d.id() + " missing:\n" + r.out());
        assertTrue(r.out().contains("Cortex-M0+"), r.out());
    }

    @Test
    void devicesJsonReadsBackAsADevicesFile() {
        CliTest.Run r = CliTest.run("devices", "--json");
        assertEquals(0, r.code(), r.err());
        var back = DeviceCatalog.parse(r.out(), "output");
        assertEquals(DeviceCatalog.builtin().devices(), back);
    }

    @Test
    void devicesFileBoardIsListed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.json");
        Files.writeString(f, org.tinyfit.device.DeviceCatalogTestAccess.oneDevice());
        CliTest.Run r = CliTest.run("devices", "--devices-file", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("my-board"), r.out());
    }

    @Test
    void badDevicesFileIsAOneLineErrorNamingTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("d.json");
        Files.writeString(f, org.tinyfit.device.DeviceCatalogTestAccess.oneDevice().replace("\"flashBytes\": 262144", "\"flashBytes\": -1"));
        CliTest.Run r = CliTest.run("devices", "--devices-file", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("field flashBytes"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
