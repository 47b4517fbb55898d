package org.tinyfit.latency;

/**
 * A predicted inference time. {@code extrapolated} is true when no published measurement of this
 * runtime on this board went into it (the board's figures come from other boards, scaled by its core
 * and clock), or when the runtime has never been measured at all; {@code basis} says in words what it rests on.
 */
public record Prediction(String runtime, double millis, boolean extrapolated, String basis) {}
