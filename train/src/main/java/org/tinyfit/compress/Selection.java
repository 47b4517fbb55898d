package org.tinyfit.compress;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.tinyfit.compress.Resources.Resource;

/**
 * Chooses which channels to drop so that the pruned graph's figures meet targets.
 *
 * <p>{@link #aware}: greedily, in small chunks, from the group whose next chunk buys the most of the
 * binding figure (the largest ratio of figure to target) per unit of saliency lost. A chunk's gain
 * is measured by pruning it and asking the cost model, so a layer off the memory bottleneck gains
 * nothing and is left alone. {@link #uniform}: the same keep ratio in every prunable group, the
 * largest that meets the targets. Both drop a group's least salient channels first.
 */
public final class Selection {
    private Selection() {}

    /** Per-group gains of the last {@link #aware} step: how much of the binding figure one channel of each group buys (max 1). */
    public record Outcome(boolean[][] keep, Resources resources, double[] weight) {}

    /** The excess of {@code r} over {@code targets}: the largest figure/target ratio (1 or less: met). */
    static double excess(Resources r, Map<Resource, Double> targets) {
        double e = 0;
        for (var t : targets.entrySet()) e = Math.max(e, r.get(t.getKey()) / t.getValue());
        return e;
    }

    static double total(Resources r, Map<Resource, Double> targets) {
        double e = 0;
        for (var t : targets.entrySet()) e += r.get(t.getKey()) / t.getValue();
        return e + 1e-3 * r.macs() / 1e6;
    }

    /** Whether {@code r} meets every target. */
    public static boolean meets(Resources r, Map<Resource, Double> targets) {
        for (var t : targets.entrySet()) if (r.get(t.getKey()) > t.getValue()) return false;
        return true;
    }

    /** The kept channels of group {@code g} in {@code keep} ordered by saliency, least first. */
    private static int[] leastSalient(boolean[] keep, double[] saliency) {
        return java.util.stream.IntStream.range(0, keep.length).filter(i -> keep[i]).boxed()
                .sorted((a, b) -> saliency[a] != saliency[b] ? Double.compare(saliency[a], saliency[b]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    private static boolean[][] copy(boolean[][] k) {
        boolean[][] c = new boolean[k.length][];
        for (int i = 0; i < k.length; i++) c[i] = k[i].clone();
        return c;
    }

    /**
     * Drops channels from {@code keep} until the figures meet {@code targets}; null if every
     * prunable group is down to one channel and they still do not.
     */
    public static Outcome aware(ChannelGroups cg, boolean[][] keep, double[][] saliency, Function<boolean[][], Resources> cost, Map<Resource, Double> targets) {
        keep = copy(keep);
        Resources r = cost.apply(keep);
        double[] weight = new double[keep.length];
        boolean weighed = false;
        while (!meets(r, targets)) {
            double ex = excess(r, targets), tot = total(r, targets);
            int best = -1;
            double bestScore = -1;
            boolean[][] bestKeep = null;
            Resources bestR = null;
            double[] gains = new double[keep.length];
            for (ChannelGroups.Group g : cg.prunable()) {
                int[] order = leastSalient(keep[g.id()], saliency[g.id()]);
                if (order.length <= 1) continue;
                int chunk = Math.max(1, Math.min(order.length - 1, order.length / 16));
                boolean[][] k = copy(keep);
                double lost = 0, sum = 0;
                for (int i : order) sum += saliency[g.id()][i];
                for (int j = 0; j < chunk; j++) {
                    k[g.id()][order[j]] = false;
                    lost += saliency[g.id()][order[j]];
                }
                Resources rk = cost.apply(k);
                double gain = (ex - excess(rk, targets)) + 1e-3 * (tot - total(rk, targets));
                gains[g.id()] = Math.max(0, gain) / chunk;
                if (gain <= 0) continue;
                double score = gain / (lost / Math.max(1e-12, sum) + 1e-6);
                if (score > bestScore) {
                    bestScore = score;
                    best = g.id();
                    bestKeep = k;
                    bestR = rk;
                }
            }
            if (!weighed) {
                double max = Arrays.stream(gains).max().orElse(0);
                for (int i = 0; i < gains.length; i++) weight[i] = max > 0 ? gains[i] / max : 0;
                weighed = true;
            }
            if (best < 0) return null;
            keep = bestKeep;
            r = bestR;
        }
        return new Outcome(keep, r, weight);
    }

    /** The largest uniform keep ratio (of each group's original size) that meets {@code targets}, never keeping a dropped channel; null if none does. */
    public static Outcome uniform(ChannelGroups cg, boolean[][] keep, double[][] saliency, Function<boolean[][], Resources> cost, Map<Resource, Double> targets) {
        boolean[][] lowest = ratio(cg, keep, saliency, 0);
        if (!meets(cost.apply(lowest), targets)) return null;
        Resources now = cost.apply(keep);
        double[] weight = new double[keep.length];
        for (ChannelGroups.Group g : cg.prunable()) weight[g.id()] = 1;
        if (meets(now, targets)) return new Outcome(copy(keep), now, weight);
        double lo = 0, hi = 1;
        for (int it = 0; it < 24; it++) {
            double mid = (lo + hi) / 2;
            if (meets(cost.apply(ratio(cg, keep, saliency, mid)), targets)) lo = mid; else hi = mid;
        }
        boolean[][] k = ratio(cg, keep, saliency, lo);
        return new Outcome(k, cost.apply(k), weight);
    }

    /** Each prunable group cut to max(1, ceil(ratio × size)) channels (or fewer, if already fewer), least salient dropped first. */
    static boolean[][] ratio(ChannelGroups cg, boolean[][] keep, double[][] saliency, double ratio) {
        boolean[][] k = copy(keep);
        for (ChannelGroups.Group g : cg.prunable()) {
            int[] order = leastSalient(k[g.id()], saliency[g.id()]);
            int want = Math.max(1, (int) Math.ceil(ratio * g.size() - 1e-9));
            for (int j = 0; j < order.length - want; j++) k[g.id()][order[j]] = false;
        }
        return k;
    }

    /** Every prunable group at one channel: the smallest the graph can get without removing a layer. */
    public static boolean[][] smallest(ChannelGroups cg, double[][] saliency) {
        return ratio(cg, cg.full(), saliency, 0);
    }

    static Map<Resource, Double> targets(Double ram, Double flash, Double latency) {
        Map<Resource, Double> m = new EnumMap<>(Resource.class);
        if (ram != null) m.put(Resource.SRAM, ram);
        if (flash != null) m.put(Resource.FLASH, flash);
        if (latency != null) m.put(Resource.LATENCY, latency);
        return m;
    }
}
