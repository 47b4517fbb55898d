package org.tinyfit.device;

/**
 * One published measurement a latency model was fitted to: a named workload (see
 * {@code docs/devices.md} for the list: {@code mlperf-tiny-vww}, {@code mlperf-tiny-kws},
 * {@code tflm-person-detection}), the measured time per inference, the clock it ran at, the
 * software that ran it and where it was published.
 */
public record Calibration(String workload, double measuredMillis, long clockHz, String framework, String source) {
    public Calibration {
        if (workload == null || workload.isBlank()) throw new IllegalArgumentException("a calibration needs a workload");
        if (!(measuredMillis > 0)) throw new IllegalArgumentException("measuredMillis must be positive");
        if (clockHz <= 0) throw new IllegalArgumentException("clockHz must be positive");
        framework = framework == null ? "" : framework;
        source = source == null ? "" : source;
    }
}
