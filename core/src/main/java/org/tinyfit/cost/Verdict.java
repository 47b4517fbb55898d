package org.tinyfit.cost;

import java.util.List;

/**
 * Whether a model fits a device and its runtime can run it. {@code fits} is about memory:
 * {@code binding} names the tightest constraint (when the model does not fit, the one it exceeds by
 * the largest share); {@code marginBytes} and {@code marginPercent} are that constraint's headroom,
 * negative when over. {@code cannotRun} names the nodes TFLite Micro cannot run (hybrid nodes, ops it
 * has no kernel for); when there are any, the verdict is CANNOT RUN whatever the memory says.
 */
public record Verdict(boolean fits, String binding, long marginBytes, double marginPercent, List<Constraint> constraints, List<String> cannotRun) {
    public Verdict {
        constraints = List.copyOf(constraints);
        cannotRun = List.copyOf(cannotRun);
    }

    static Verdict of(List<Constraint> constraints, List<String> cannotRun) {
        Constraint tightest = constraints.get(0);
        for (Constraint c : constraints) if (c.headroomPercent() < tightest.headroomPercent()) tightest = c;
        boolean fits = constraints.stream().allMatch(Constraint::fits);
        return new Verdict(fits, tightest.name(), tightest.headroomBytes(), tightest.headroomPercent(), constraints, cannotRun);
    }

    /** True when the model fits in memory and TFLite Micro can run every node. */
    public boolean deployable() { return fits && cannotRun.isEmpty(); }

    /** FITS, DOES NOT FIT or CANNOT RUN. */
    public String label() { return !cannotRun.isEmpty() ? "CANNOT RUN" : fits ? "FITS" : "DOES NOT FIT"; }

    /**
     * "FITS: tightest is SRAM, 12,345 bytes (4.1%) free", "DOES NOT FIT: flash is over by 1,024 bytes (0.5%)", or
     * "CANNOT RUN on TFLite Micro: node 3 (BATCH_NORM); memory: FITS: ...".
     */
    public String sentence() {
        if (!cannotRun.isEmpty()) return "CANNOT RUN on TFLite Micro: " + String.join(", ", cannotRun) + "; memory: " + memorySentence();
        return memorySentence();
    }

    private String memorySentence() {
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
