package org.tinyfit.cost;

/**
 * Something the analysis found that the numbers alone do not say. {@code node} is -1 for the whole
 * model. {@code blocking} findings mean the model cannot run as it is on the runtime they name.
 */
public record Finding(Code code, int node, boolean blocking, String message) {
    public enum Code {
        /** Float activations with int8 weights: TFLite Micro rejects hybrid models. */
        HYBRID,
        /** An op TFLite Micro has no kernel for. */
        UNSUPPORTED_BY_TFLM,
        /** An op tinyfit's Java runtime cannot run (an opaque op). */
        UNSUPPORTED_BY_TINYFIT,
        /** An op whose work tinyfit cannot count (its latency is only the per-op overhead). */
        UNKNOWN_COST,
        /** No published measurement of the runtime on this board: its latency is extrapolated from other boards (or the runtime never measured). */
        UNCALIBRATED_LATENCY
    }
}
