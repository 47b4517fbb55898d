package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.device.DeviceException;
import org.tinyfit.latency.Latency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the boards tinyfit knows, with the datasheet each figure comes from. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        header = "Lists the boards tinyfit knows, with their datasheets.",
        description = {"Lists the boards tinyfit can analyze a model against: core, clock, SRAM, flash,",
            "and the default runtime's latency: measured on this board, or extrapolated from",
            "others.",
            "",
            "Add your own boards with --devices-file FILE, in the schema --json prints",
            "(docs/devices.md). A board in FILE with a built-in id replaces the built-in",
            "one."})
final class DevicesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the catalog as JSON (the same schema --devices-file reads).")
    boolean json;

    @Option(names = "--devices-file", paramLabel = "FILE", description = "A JSON file of extra devices: {\"devices\": [ ... ]}.")
    Path devicesFile;

    /** The catalog with the user's file, turning a catalog mistake into a one-line user error. */
    static DeviceCatalog catalog(Path devicesFile) {
        try {
            return DeviceCatalog.withFile(devicesFile);
        } catch (DeviceException e) {
            throw new UserException(e.getMessage());
        }
    }

    static Device find(DeviceCatalog catalog, String name) {
        if (name.isBlank()) throw new UserException("--device has an empty board name (a stray comma?); give an id from 'tinyfit devices'");
        try {
            return catalog.find(name);
        } catch (DeviceException e) {
            throw new UserException(e.getMessage());
        }
    }

    @Override public Integer call() throws Exception {
        List<Device> devices = catalog(devicesFile).devices();
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("devices", devices);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return 0;
        }
        out.printf("%-26s %-28s %-11s %5s %9s %10s  %s%n", "ID", "BOARD", "CORE", "MHz", "SRAM KiB", "FLASH KiB", "LATENCY MODEL");
        for (Device d : devices) {
            out.printf("%-26s %-28s %-11s %5d %9d %10d  %s%n", d.id(), abbreviate(d.name(), 28), d.core().display(), d.clockHz() / 1_000_000,
                    d.sramBytes() / 1024, d.flashBytes() / 1024, latencyModel(d));
        }
        out.printf("%n%d devices. Sources: tinyfit devices --json; add your own with --devices-file FILE.%n", devices.size());
        return 0;
    }

    /** "tflm-cmsis-nn, measured on this board" or "..., extrapolated": the default runtime and what its figures rest on. */
    private static String latencyModel(Device d) {
        Latency l = Latency.of(d, null);
        return l.runtime() + (l.extrapolated() ? ", extrapolated" : ", measured on this board");
    }

    private static String abbreviate(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 1) + "~"; }
}
