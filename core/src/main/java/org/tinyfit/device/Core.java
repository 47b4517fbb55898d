package org.tinyfit.device;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The CPU core of a device: what kernels it can use (DSP/SIMD extension, FPU) is a property of the core. */
public enum Core {
    CORTEX_M0_PLUS("Cortex-M0+"),
    CORTEX_M3("Cortex-M3"),
    CORTEX_M4("Cortex-M4"),
    CORTEX_M4F("Cortex-M4F"),
    CORTEX_M7("Cortex-M7"),
    CORTEX_M33("Cortex-M33"),
    CORTEX_M55("Cortex-M55"),
    XTENSA_LX6("Xtensa LX6"),
    XTENSA_LX7("Xtensa LX7"),
    RISCV32("RISC-V 32");

    private final String display;

    Core(String display) { this.display = display; }

    /** The name as datasheets write it, e.g. {@code Cortex-M4F}. */
    @JsonValue
    public String display() { return display; }

    /** Parses a core as written in a catalog ("Cortex-M4F", "cortex_m4f", "CORTEX-M4F"); null if unknown. */
    public static Core parse(String s) {
        if (s == null) return null;
        String key = norm(s);
        for (Core c : values()) {
            if (norm(c.display).equals(key) || norm(c.name()).equals(key)) return c;
        }
        return null;
    }

    private static String norm(String s) {
        return s.toLowerCase(Locale.ROOT).replace("+", "plus").replaceAll("[^a-z0-9]", "");
    }

    /** Every accepted spelling, for error messages. */
    public static String choices() {
        StringBuilder b = new StringBuilder();
        for (Core c : values()) b.append(b.isEmpty() ? "" : ", ").append(c.display);
        return b.toString();
    }
}
