package org.tinyfit.device;

/** A valid one-device catalog text for the CLI's tests. */
public final class DeviceCatalogTestAccess {
    private DeviceCatalogTestAccess() {}

    public static String oneDevice() {
        return """
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
    }
}
