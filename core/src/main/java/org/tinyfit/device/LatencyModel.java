package org.tinyfit.device;

import java.util.List;

/**
 * A board's latency figures. int8 ops are charged by the fitted model of {@code org.tinyfit.latency}
 * for the runtime chosen; the tables here, cycles per MAC (or per element) for each data type plus a
 * fixed number of cycles per op, charge float32 and int16 ops, and every op under the {@code table}
 * runtime. {@code runtime} names in words the software the tables describe; {@code basis} says how
 * they were obtained; {@code calibrations} are the user's own measurements of the board, which the
 * fitted model refits with ({@link #calibrated()} reports whether there are any).
 */
public record LatencyModel(String runtime, KernelCycles int8, KernelCycles int16, KernelCycles float32,
                           long opOverheadCycles, String basis, List<Calibration> calibrations) {
    public LatencyModel {
        if (opOverheadCycles < 0) throw new IllegalArgumentException("opOverheadCycles must not be negative");
        runtime = runtime == null ? "" : runtime;
        basis = basis == null ? "" : basis;
        calibrations = List.copyOf(calibrations == null ? List.of() : calibrations);
    }

    public boolean calibrated() { return !calibrations.isEmpty(); }
}
