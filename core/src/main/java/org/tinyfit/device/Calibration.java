package org.tinyfit.device;

import java.util.List;

/**
 * One measured inference time of a named workload on this board: {@code workload} (one of
 * {@link #WORKLOADS}, see {@code docs/devices.md}), the measured time per inference, the clock it ran
 * at, the runtime that ran it ({@code tflm-cmsis-nn}, {@code tflm-ref}, ...; empty: the core's
 * default), the software in words and where it was published or how it was measured. The latency
 * model refits with it and scales its predictions for the board to match.
 */
public record Calibration(String workload, double measuredMillis, long clockHz, String framework, String source, String runtime) {
    /** The workloads a calibration can name: networks tinyfit builds layer by layer. */
    public static final List<String> WORKLOADS = List.of("mlperf-tiny-kws", "mlperf-tiny-vww", "mlperf-tiny-ic", "mlperf-tiny-ad", "tflm-person-detection");

    public Calibration {
        if (workload == null || workload.isBlank()) throw new IllegalArgumentException("a calibration needs a workload");
        if (!WORKLOADS.contains(workload)) throw new IllegalArgumentException("no workload \"" + workload + "\"; use one of " + String.join(", ", WORKLOADS));
        if (!(measuredMillis > 0)) throw new IllegalArgumentException("measuredMillis must be positive");
        if (clockHz <= 0) throw new IllegalArgumentException("clockHz must be positive");
        framework = framework == null ? "" : framework;
        source = source == null ? "" : source;
        runtime = runtime == null ? "" : runtime;
    }

    public Calibration(String workload, double measuredMillis, long clockHz, String framework, String source) {
        this(workload, measuredMillis, clockHz, framework, source, "");
    }
}
