package org.tinyfit.cost;

import java.util.List;

/**
 * Whether a model fits a device. {@code binding} names the tightest constraint (when the model does
 * not fit, the one it exceeds by the largest share); {@code marginBytes} and {@code marginPercent}
 * are that constraint's headroom, negative when over.
 */
public record Verdict(boolean fits, String binding, long marginBytes, double marginPercent, List<Constraint> constraints) {
    public Verdict { constraints = List.copyOf(constraints); }

    static Verdict of(List<Constraint> constraints) {
        Constraint tightest = constraints.get(0);
        for (Constraint c : constraints) if (c.headroomPercent() < tightest.headroomPercent()) tightest = c;
        boolean fits = constraints.stream().allMatch(Constraint::fits);
        return new Verdict(fits, tightest.name(), tightest.headroomBytes(), tightest.headroomPercent(), constraints);
    }

    /** "FITS: tightest is SRAM, 12,345 bytes (4.1%) free" or "DOES NOT FIT: flash is over by 1,024 bytes (0.5%)". */
    public String sentence() {
        if (fits) {
            return String.format("FITS: tightest is %s, %,d bytes (%.1f%%) free", binding, marginBytes, marginPercent);
        }
        StringBuilder b = new StringBuilder(String.format("DOES NOT FIT: %s is over by %,d bytes (%.1f%%)", binding, -marginBytes, -marginPercent));
        for (Constraint c : constraints) {
            if (!c.fits() && !c.name().equals(binding)) b.append(String.format("; %s is over by %,d bytes (%.1f%%)", c.name(), -c.headroomBytes(), -c.headroomPercent()));
        }
        return b.toString();
    }
}
