package org.tinyfit.search;

import java.util.List;
import java.util.Locale;
import org.tinyfit.latency.Latency;
import org.tinyfit.latency.Runtimes;
import org.tinyfit.device.Device;

/**
 * Hard limits a candidate must meet: SRAM and flash in bytes, latency in milliseconds (0: none), on
 * {@code runtime}: "tflm" (TensorFlow Lite Micro with the offline arena plan tinyfit writes, its latency
 * that of the core's default kernels), a TensorFlow Lite Micro kernel library by its latency name
 * ({@code tflm-ref}, {@code tflm-cmsis-nn}, ...: {@link Runtimes}; the same memory, that library's
 * latency), or "c" (tinyfit's generated C, which also runs ops in place and in parts; "tinyfit-c" is
 * the same).
 */
public record Limits(long maxRamBytes, long maxFlashBytes, double maxLatencyMillis, String runtime, boolean storedOrderMemory) {
    /** Limits judged by the memory tinyfit's optimized deployment needs. */
    public Limits(long maxRamBytes, long maxFlashBytes, double maxLatencyMillis, String runtime) {
        this(maxRamBytes, maxFlashBytes, maxLatencyMillis, runtime, false);
    }

    public Limits {
        if (maxRamBytes <= 0 || maxFlashBytes <= 0) throw new SearchException("memory limits must be positive");
        if (maxLatencyMillis < 0) throw new SearchException("--max-latency must not be negative");
        if (runtime.equals(Runtimes.TINYFIT_C)) runtime = "c";
        if (!runtime.equals("tflm") && !runtime.equals("c")) {
            List<String> kernels = Runtimes.choices(Latency.builtinFit()).stream().filter(r -> r.startsWith("tflm-")).toList();
            if (!kernels.contains(runtime)) {
                throw new SearchException("--runtime " + runtime + ": use tflm (the core's default kernels), c (tinyfit's C) or a TFLite Micro kernel library: " + String.join(", ", kernels));
            }
        }
    }

    /**
     * The device's own SRAM and flash, each lowered to an override where one is given (null: none); a
     * runtime the device cannot run (a kernel library without kernels for its core, the generated C on
     * a core its project does not build for) is refused here, before any candidate.
     */
    public static Limits of(Device d, Long maxRam, Long maxFlash, Double maxLatencyMillis, String runtime) {
        long ram = maxRam == null ? d.sramBytes() : Math.min(maxRam, d.sramBytes());
        long flash = maxFlash == null ? d.flashBytes() : Math.min(maxFlash, d.flashBytes());
        Limits limits = new Limits(ram, flash, maxLatencyMillis == null ? 0 : maxLatencyMillis, runtime);
        String rt = limits.runtime();
        try {
            if (rt.equals("c")) org.tinyfit.codegen.CProject.cpu(d.core());
            else if (!rt.equals("tflm")) Latency.of(d, rt);
        } catch (org.tinyfit.codegen.CodegenException e) {
            throw new SearchException("--runtime " + runtime + " on " + d.id() + ": " + e.getMessage());
        } catch (org.tinyfit.device.DeviceException e) {
            throw new SearchException("--runtime " + runtime + ": " + e.getMessage());
        }
        return limits;
    }

    /** Why {@code f} breaks these limits, or null if it meets them. */
    public String violation(Footprint f) {
        long sram = storedOrderMemory ? f.storedOrderSramBytes() : f.sramBytes();
        if (sram > maxRamBytes) return String.format(Locale.ROOT, "SRAM %,d B > %,d B", sram, maxRamBytes);
        if (f.flashBytes() > maxFlashBytes) return String.format(Locale.ROOT, "flash %,d B > %,d B", f.flashBytes(), maxFlashBytes);
        if (maxLatencyMillis > 0 && f.latencyMillis() > maxLatencyMillis) {
            return String.format(Locale.ROOT, "latency %.1f ms > %.1f ms", f.latencyMillis(), maxLatencyMillis);
        }
        return null;
    }

    /** The same limits judged as TensorFlow Lite Micro needs without tinyfit: the stored order's greedy arena. */
    public Limits judgedByStoredOrder() { return new Limits(maxRamBytes, maxFlashBytes, maxLatencyMillis, runtime, true); }

    public String describe() {
        return String.format(Locale.ROOT, "SRAM <= %,d B, flash <= %,d B%s, runtime %s%s", maxRamBytes, maxFlashBytes,
                maxLatencyMillis > 0 ? String.format(Locale.ROOT, ", latency <= %.1f ms", maxLatencyMillis) : "", runtime,
                storedOrderMemory ? ", memory as stored" : "");
    }
}
