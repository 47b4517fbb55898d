package org.tinyfit.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The trained candidates no other beats on every objective at once: higher validation accuracy,
 * less SRAM, less flash, lower latency.
 */
public final class Pareto {
    private Pareto() {}

    /** The non-dominated trained records, by SRAM ascending. */
    public static List<Record> front(List<Record> records) {
        List<Record> trained = records.stream().filter(Record::trained).toList();
        List<Record> front = new ArrayList<>();
        for (Record r : trained) {
            boolean dominated = false;
            for (Record o : trained) {
                if (o != r && dominates(o, r)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) front.add(r);
        }
        front.sort(Comparator.comparingLong((Record r) -> r.footprint().sramBytes()).thenComparingInt(r -> r.candidate().id()));
        return front;
    }

    /** True if {@code a} is at least as good as {@code b} on every objective and better on one. */
    static boolean dominates(Record a, Record b) {
        Footprint fa = a.footprint(), fb = b.footprint();
        boolean noWorse = a.accuracy() >= b.accuracy() && fa.sramBytes() <= fb.sramBytes() && fa.flashBytes() <= fb.flashBytes()
                && fa.latencyMillis() <= fb.latencyMillis();
        boolean better = a.accuracy() > b.accuracy() || fa.sramBytes() < fb.sramBytes() || fa.flashBytes() < fb.flashBytes()
                || fa.latencyMillis() < fb.latencyMillis();
        return noWorse && better;
    }

    /** The most accurate trained record (the earliest among equals), or null if none was trained. */
    public static Record best(List<Record> records) {
        Record best = null;
        for (Record r : records) if (r.trained() && (best == null || r.accuracy() > best.accuracy())) best = r;
        return best;
    }
}
