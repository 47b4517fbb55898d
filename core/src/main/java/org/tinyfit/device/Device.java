package org.tinyfit.device;

/**
 * A board tinyfit can target. {@code sramBytes} is the on-chip data RAM an application can use;
 * {@code largestSramBlockBytes} the largest contiguous block of it (a TFLite Micro arena must be
 * contiguous); {@code flashBytes} the program flash (on-chip, or the board's QSPI flash for chips
 * without on-chip flash). Every figure cites {@code source}. {@code power} is null unless a measured
 * inference power has been published for the board.
 */
public record Device(String id, String name, String mcu, Core core, long clockHz, long sramBytes,
                     long largestSramBlockBytes, long flashBytes, Source source, LatencyModel latency, String notes, Power power) {
    public Device {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a device needs an id");
        if (name == null || name.isBlank()) name = id;
        mcu = mcu == null ? "" : mcu;
        notes = notes == null ? "" : notes;
        if (largestSramBlockBytes <= 0) largestSramBlockBytes = sramBytes;
    }

    /** The same device at another clock (a calibration measured at a different clock). */
    public Device atClock(long hz) {
        return new Device(id, name, mcu, core, hz, sramBytes, largestSramBlockBytes, flashBytes, source, latency, notes, power);
    }

    /** Seconds per cycle, in microseconds. */
    public double microsPerCycle() { return 1e6 / clockHz; }

    /** "STM32F746G-DISCO (STM32F746NG, Cortex-M7 @ 216 MHz, 320 KiB SRAM, 1024 KiB flash)". */
    public String summary() {
        return name + " (" + (mcu.isEmpty() ? "" : mcu + ", ") + core.display() + " @ " + (clockHz / 1_000_000) + " MHz, "
                + (sramBytes / 1024) + " KiB SRAM, " + (flashBytes / 1024) + " KiB flash)";
    }
}
