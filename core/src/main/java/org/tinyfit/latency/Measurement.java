package org.tinyfit.latency;

/**
 * One published inference time: {@code workload} (one of {@link Workloads#NAMES}) run by
 * {@code software} on board {@code board} (core {@code core}, at {@code clockHz}), taking
 * {@code measuredMillis} per inference; {@code runtime} is the runtime family it measures
 * ({@code tflm-cmsis-nn}, {@code tflm-ref}, ...), {@code source} where it was published.
 */
public record Measurement(String board, String boardName, String core, long clockHz, String runtime, String software,
                          String workload, double measuredMillis, String source) {
    public Measurement {
        if (board == null || board.isBlank()) throw new IllegalArgumentException("a measurement needs a board");
        if (core == null || core.isBlank()) throw new IllegalArgumentException("a measurement needs a core");
        if (runtime == null || runtime.isBlank()) throw new IllegalArgumentException("a measurement needs a runtime");
        if (!Workloads.NAMES.contains(workload)) throw new IllegalArgumentException("no workload \"" + workload + "\"; use one of " + String.join(", ", Workloads.NAMES));
        if (!(measuredMillis > 0) || Double.isInfinite(measuredMillis)) throw new IllegalArgumentException("measuredMillis must be positive");
        if (clockHz <= 0) throw new IllegalArgumentException("clockHz must be positive");
        boardName = boardName == null || boardName.isBlank() ? board : boardName;
        software = software == null || software.isBlank() ? runtime : software;
        source = source == null ? "" : source;
    }

    /** Core cycles per inference: the measured time at the clock it ran at. */
    public double cycles() { return measuredMillis * 1e-3 * clockHz; }

    /** True for a row measured with TensorFlow Lite Micro (any kernels). */
    public boolean tflm() { return runtime.startsWith("tflm-"); }
}
