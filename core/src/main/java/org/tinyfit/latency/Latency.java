package org.tinyfit.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tinyfit.cost.Cost;
import org.tinyfit.cost.Work;
import org.tinyfit.device.Calibration;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceException;
import org.tinyfit.device.KernelCycles;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;

/**
 * Latency of a graph on a device with a runtime: the entry point the cost model, the CLI and the
 * search use. int8 ops are charged by the fitted model ({@link LatencyFit}) for the runtime; ops in
 * float32 or int16, and every op under the {@code table} runtime, by the board's own cycles-per-MAC
 * table ({@link KernelCycles}: MACs x cycles per MAC + element ops x cycles per element + the per-op
 * overhead).
 */
public final class Latency {
    private static volatile LatencyFit builtin;
    /** Refits for calibrated devices, by the measurements they add (a search asks for the same device many times). */
    private static final Map<List<Measurement>, LatencyFit> REFITS = new ConcurrentHashMap<>();

    private final Device device;
    private final String runtime;
    private final LatencyFit fit;

    private Latency(Device device, String runtime, LatencyFit fit) {
        this.device = device;
        this.runtime = runtime;
        this.fit = fit;
    }

    /** The model fitted to tinyfit's published measurements. */
    public static LatencyFit builtinFit() {
        LatencyFit f = builtin;
        if (f == null) builtin = f = LatencyFit.of(Measurements.builtin());
        return f;
    }

    /**
     * The model for a device: the built-in fit, refitted with the device's own calibrations when it has
     * any (each becomes a measurement of the board, of its runtime or else the core's default).
     */
    public static LatencyFit fitFor(Device d) {
        List<Calibration> cal = d.latency().calibrations();
        if (cal.isEmpty()) return builtinFit();
        List<Measurement> own = new ArrayList<>();
        for (Calibration c : cal) {
            String rt = c.runtime().isBlank() ? Runtimes.defaultFor(d.core()) : c.runtime();
            own.add(new Measurement(d.id(), d.name(), d.core().display(), c.clockHz(), rt,
                    c.framework().isBlank() ? "calibration of " + d.id() : c.framework(), c.workload(), c.measuredMillis(), c.source()));
        }
        if (REFITS.size() > 64) REFITS.clear();
        return REFITS.computeIfAbsent(List.copyOf(own), o -> {
            List<Measurement> rows = new ArrayList<>(Measurements.builtin());
            rows.addAll(o);
            return LatencyFit.of(rows);
        });
    }

    /**
     * The estimator for a device and runtime (null: the core's default, {@link Runtimes#defaultFor}).
     * An unknown runtime is a {@link DeviceException} naming the choices.
     */
    public static Latency of(Device d, String runtime) {
        String rt = runtime == null || runtime.isBlank() ? Runtimes.defaultFor(d.core()) : runtime.trim();
        LatencyFit fit = fitFor(d);
        if (!rt.equals(Runtimes.TABLE) && fit.cyclesPerUnit(rt) == null) {
            throw new DeviceException("no runtime \"" + rt + "\"; use one of " + String.join(", ", Runtimes.choices(fit)));
        }
        if (rt.equals(Runtimes.TFLM_ESP_NN) && d.core().display().startsWith("Cortex-M")) {
            // ESP-NN's kernels are written for Espressif's chips (Xtensa, and the ESP32-C3's RISC-V); there is none for Arm
            throw new DeviceException(d.id() + " has a " + d.core().display() + ": " + Runtimes.TFLM_ESP_NN + " runs on Espressif's chips only; use "
                    + Runtimes.defaultFor(d.core()) + " or " + Runtimes.TFLM_REF);
        }
        return new Latency(d, rt, fit);
    }

    /** The predicted time of a whole graph, in the stored order (the order does not change the time). */
    public static Prediction predict(Graph g, Device d, String runtime) {
        Latency l = of(d, runtime);
        double micros = 0;
        for (Node n : g.nodes()) micros += l.micros(g, n, Cost.activationType(g, n));
        return new Prediction(l.runtime, micros / 1000, l.extrapolated(), l.basis());
    }

    public String runtime() { return runtime; }

    /**
     * True when no measurement of this runtime on this board went into the figures (see
     * {@link LatencyFit#extrapolated}); always for the board's table, which nothing checks.
     */
    public boolean extrapolated() {
        return runtime.equals(Runtimes.TABLE) || fit.extrapolated(device.id(), runtime);
    }

    /** In words: what the figures rest on. */
    public String basis() {
        if (runtime.equals(Runtimes.TABLE)) return "the board's cycles-per-MAC table: " + device.latency().basis();
        return fit.basis(device.id(), device.core().display(), runtime) + "; float32 and int16 ops use the board's cycles-per-MAC table (estimates)";
    }

    /** Microseconds one node computing in type {@code t} takes at the device's clock. */
    public double micros(Graph g, Node n, DType t) {
        double cycles;
        if (!runtime.equals(Runtimes.TABLE) && t != DType.F32 && t != DType.F16 && t != DType.I16) {
            cycles = fit.cycles(OpFeatures.of(g, n, runtime), device.id(), device.core().display(), runtime);
        } else {
            cycles = tableCycles(g, n, table(t));
        }
        return cycles * device.microsPerCycle();
    }

    private KernelCycles table(DType t) {
        return switch (t) {
            case F32, F16 -> device.latency().float32();
            case I16 -> device.latency().int16();
            case I8, U8, I32, I64, BOOL, UNKNOWN -> device.latency().int8();
        };
    }

    private double tableCycles(Graph g, Node n, KernelCycles k) {
        Work w = Work.of(g, n);
        double perMac = switch (w.kernel()) {
            case CONV -> k.conv();
            case DEPTHWISE -> k.depthwise();
            case FULLY_CONNECTED -> k.fullyConnected();
            case ELEMENTWISE, NONE -> 0;
        };
        return w.macs() * perMac + w.elementOps() * k.perElement() + device.latency().opOverheadCycles();
    }
}
