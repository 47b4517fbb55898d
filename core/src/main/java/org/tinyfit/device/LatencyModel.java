package org.tinyfit.device;

import java.util.List;

/**
 * How long a device takes per op: cycles per MAC (or per element) for each data type, plus a fixed
 * number of cycles per op (the interpreter's dispatch, the kernel's setup). {@code runtime} names the
 * software the figures describe (e.g. TFLite Micro with CMSIS-NN kernels); {@code basis} says in
 * words how the figures were obtained; {@code calibrations} are the published measurements they
 * were fitted to (empty for an uncalibrated estimate, which {@link #calibrated()} reports).
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
