package org.tinyfit.cost;

/** One budget a model must fit: {@code usedBytes} of a device's {@code limitBytes}. */
public record Constraint(String name, long usedBytes, long limitBytes) {
    public long headroomBytes() { return limitBytes - usedBytes; }

    /** Headroom as a percentage of the limit (negative when over). */
    public double headroomPercent() { return 100.0 * headroomBytes() / limitBytes; }

    public boolean fits() { return usedBytes <= limitBytes; }
}
