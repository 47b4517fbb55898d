package org.tinyfit.memory;

/** How a runtime places a node's output: always in a fresh buffer, or over an input that dies with it. */
public enum LiveModel {
    /** What TFLite Micro does: every output gets its own buffer. */
    TFLM,
    /** tinyfit's runtime and generated C: nodes with an {@link InPlace} rule overwrite a dying input. */
    IN_PLACE
}
