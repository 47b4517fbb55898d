package org.tinyfit.device;

/**
 * Average power while running inference, as published (a measurement, not a datasheet maximum), and
 * where it was published. Energy per inference is this times the estimated latency.
 */
public record Power(double activeMilliwatts, String source) {
    public Power {
        if (!(activeMilliwatts > 0) || Double.isInfinite(activeMilliwatts)) throw new IllegalArgumentException("activeMilliwatts must be positive");
        source = source == null ? "" : source;
    }
}
