package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;

/**
 * Finds an operator order with the smallest peak of live activation bytes (as {@link StepMemory}
 * counts them) by dynamic programming over the sets of executed nodes, as proposed by Liberis and
 * Lane (2019, "Neural networks on microcontrollers: saving memory at inference via operator
 * reordering"). The live tensors are a function of the set alone, so the best peak with which a set
 * can be reached is all that needs remembering about it; the search goes one step (one more executed
 * node) at a time and keeps, for each reachable set, the best peak so far and the node that got it
 * there, from which the order is read back.
 *
 * <p>States whose peak so far (or the largest node still to run) already reaches the stored order's
 * peak are dropped: they cannot give a strictly better order, and ties keep the stored order. The
 * search is exact while it holds at most {@code stateLimit} sets in all; beyond that it starts again
 * as a beam search over the same states that keeps the {@code stateLimit / (8 * nodes)} (at least 8)
 * most promising sets at each step, and says so in the result. The result is never worse than the stored order.
 */
public final class MinPeakScheduler {
    /** Sets of executed nodes the search may hold in all, summed over its steps. */
    public static final int DEFAULT_STATE_LIMIT = 250_000;

    private final int stateLimit;
    private final LiveModel model;

    /** TFLite Micro's memory model, default limit. */
    public MinPeakScheduler() { this(DEFAULT_STATE_LIMIT, LiveModel.TFLM); }

    public MinPeakScheduler(int stateLimit) { this(stateLimit, LiveModel.TFLM); }

    public MinPeakScheduler(int stateLimit, LiveModel model) {
        if (stateLimit < 1) throw new IllegalArgumentException("stateLimit must be positive, got " + stateLimit);
        this.stateLimit = stateLimit;
        this.model = model;
    }

    /** The min-peak order of {@code g} with the default limit. */
    public static Schedule schedule(Graph g) { return minimize(g).schedule(); }

    /** The min-peak order of {@code g} with the default limit, and what the search found out. */
    public static MinPeakResult minimize(Graph g) { return new MinPeakScheduler().solve(g); }

    public MinPeakResult solve(Graph g) {
        long startNanos = System.nanoTime();
        Schedule stored = Schedule.stored(g);
        long storedPeak = StepMemory.peakBytes(g, stored, model);
        Problem p = new Problem(g, model);
        if (p.n == 0 || storedPeak <= p.lowerBound) {
            return new MinPeakResult(stored, model, storedPeak, storedPeak, p.lowerBound, true, true, 0, 0, micros(startNanos));
        }
        Search s = new Search(p, storedPeak, Integer.MAX_VALUE, stateLimit);
        Entry best = s.run();
        long explored = s.explored;
        int beamWidth = 0;
        if (s.overLimit) {
            beamWidth = Math.max(8, stateLimit / (8 * p.n));
            s = new Search(p, storedPeak, beamWidth, Long.MAX_VALUE);
            best = s.run();
            explored += s.explored;
        }
        boolean exact = beamWidth == 0;
        if (best == null) {
            return new MinPeakResult(stored, model, storedPeak, storedPeak, p.lowerBound, exact, true, explored, beamWidth, micros(startNanos));
        }
        int[] order = new int[p.n];
        for (Entry e = best; e.parent != null; e = e.parent) order[e.level - 1] = e.last;
        Schedule found = new Schedule(order);
        found.check(g);
        return new MinPeakResult(found, model, Math.max(best.peak, p.floorBytes), storedPeak, p.lowerBound, exact, false, explored, beamWidth, micros(startNanos));
    }

    private static long micros(long startNanos) { return (System.nanoTime() - startNanos) / 1000; }

    /** The graph as arrays: what each step adds to and frees from the live bytes. */
    private static final class Problem {
        final int n;
        final int words;
        final int[][] preds;
        final int[][] arenaInputs;
        final long[] outBytes;
        final long[] tflmScratchBytes;
        final int[][] inPlaceInputs;
        final long[] inPlaceScratchBytes;
        final long[] keptOutBytes;
        final long[] nodeBytes;
        final int[] byNodeBytesDesc;
        final long[] tensorBytes;
        final boolean[] isGraphOutput;
        final int[][] consumers;
        final long initialLive;
        final long floorBytes;
        final long lowerBound;

        Problem(Graph g, LiveModel model) {
            n = g.nodes().size();
            words = (n + 63) >>> 6;
            int tensors = g.tensors().size();
            tensorBytes = new long[tensors];
            isGraphOutput = new boolean[tensors];
            consumers = new int[tensors][];
            for (Tensor t : g.tensors()) {
                tensorBytes[t.id()] = StepMemory.arenaBytes(t);
                isGraphOutput[t.id()] = g.isGraphOutput(t.id());
                consumers[t.id()] = g.consumers(t.id());
            }
            preds = new int[n][];
            arenaInputs = new int[n][];
            outBytes = new long[n];
            keptOutBytes = new long[n];
            nodeBytes = new long[n];
            inPlaceInputs = new int[n][];
            inPlaceScratchBytes = new long[n];
            tflmScratchBytes = new long[n];
            floorBytes = StepMemory.orderIndependentFloorBytes(g);
            long bound = floorBytes;
            for (Node node : g.nodes()) {
                int v = node.id();
                preds[v] = Arrays.stream(node.inputs()).filter(t -> t >= 0).map(g::producer).filter(q -> q >= 0).distinct().toArray();
                arenaInputs[v] = Arrays.stream(node.inputs()).filter(t -> t >= 0 && StepMemory.inArena(g.tensor(t))).distinct().toArray();
                for (int t : node.outputs()) {
                    if (!StepMemory.inArena(g.tensor(t))) continue;
                    outBytes[v] += tensorBytes[t];
                    if (consumers[t].length > 0 || isGraphOutput[t]) keptOutBytes[v] += tensorBytes[t];
                }
                tflmScratchBytes[v] = StepMemory.scratchBytes(g, node);
                nodeBytes[v] = StepMemory.nodeBytes(g, node, model);
                InPlace.Rule rule = model == LiveModel.IN_PLACE ? InPlace.rule(g, node) : null;
                inPlaceInputs[v] = rule == null ? new int[0] : rule.inputs();
                if (rule != null) inPlaceScratchBytes[v] = StepMemory.alignedScratch(rule);
                bound = Math.max(bound, nodeBytes[v]);
            }
            lowerBound = bound;
            byNodeBytesDesc = java.util.stream.IntStream.range(0, n).boxed()
                    .sorted(Comparator.comparingLong((Integer v) -> -nodeBytes[v]).thenComparingInt(v -> v))
                    .mapToInt(Integer::intValue).toArray();
            long live = 0;
            for (int t : Arrays.stream(g.inputs()).distinct().toArray()) {
                if (consumers[t].length > 0 || isGraphOutput[t]) live += tensorBytes[t];
            }
            initialLive = live;
        }

        boolean ready(long[] set, int v) {
            if (has(set, v)) return false;
            for (int q : preds[v]) if (!has(set, q)) return false;
            return true;
        }

        /** Bytes of {@code v}'s inputs that nothing reads once {@code v} has run after the nodes of {@code set}. */
        long freedBytes(long[] set, int v) {
            long freed = 0;
            for (int t : arenaInputs[v]) if (dies(set, v, t)) freed += tensorBytes[t];
            return freed;
        }

        /** Whether tensor {@code t} is dead once {@code v} has run after the nodes of {@code set}. */
        boolean dies(long[] set, int v, int t) {
            if (isGraphOutput[t]) return false;
            for (int c : consumers[t]) if (c != v && !has(set, c)) return false;
            return true;
        }

        /** Bytes alive while {@code v} runs after the nodes of {@code set}, which leave {@code live} bytes alive. */
        long stepBytes(long live, long[] set, int v) {
            for (int t : inPlaceInputs[v]) {
                if (dies(set, v, t)) return live + Math.max(0, outBytes[v] - tensorBytes[t]) + inPlaceScratchBytes[v] + tflmScratchBytes[v];
            }
            return live + outBytes[v] + tflmScratchBytes[v];
        }

        /** The largest node not yet in {@code set}: every order still has to run it. */
        long remainingBound(long[] set) {
            for (int v : byNodeBytesDesc) if (!has(set, v)) return nodeBytes[v];
            return 0;
        }

        static boolean has(long[] set, int v) { return (set[v >>> 6] >>> v & 1L) != 0; }
    }

    /** One reachable set of executed nodes, with the best way found to reach it. */
    private static final class Entry {
        final long[] set;
        final long live;
        final int level;
        long peak;
        long bound;
        int last;
        Entry parent;
        final long seq;

        Entry(long[] set, long live, int level, long peak, long bound, int last, Entry parent, long seq) {
            this.set = set;
            this.live = live;
            this.level = level;
            this.peak = peak;
            this.bound = bound;
            this.last = last;
            this.parent = parent;
            this.seq = seq;
        }
    }

    private record Key(long[] words, int hash) {
        static Key of(long[] words) { return new Key(words, Arrays.hashCode(words)); }

        @Override public boolean equals(Object o) { return o instanceof Key k && hash == k.hash && Arrays.equals(words, k.words); }

        @Override public int hashCode() { return hash; }
    }

    private static final class Search {
        final Problem p;
        final long upperBound;
        final int levelCap;
        final long stateLimit;
        boolean overLimit;
        long explored;
        long seq;

        Search(Problem p, long upperBound, int levelCap, long stateLimit) {
            this.p = p;
            this.upperBound = upperBound;
            this.levelCap = levelCap;
            this.stateLimit = stateLimit;
        }

        /**
         * The entry for the set of all nodes with a peak below the stored order's, or null when there
         * is none or when more than {@code stateLimit} sets were needed ({@link #overLimit}).
         */
        Entry run() {
            List<Entry> level = List.of(new Entry(new long[p.words], p.initialLive, 0, 0, 0, -1, null, seq++));
            for (int depth = 0; depth < p.n; depth++) {
                Map<Key, Entry> next = new LinkedHashMap<>();
                for (Entry e : level) expand(e, next);
                explored += next.size();
                if (explored > stateLimit) {
                    overLimit = true;
                    return null;
                }
                if (next.isEmpty()) return null;
                List<Entry> kept = new ArrayList<>(next.values());
                if (kept.size() > levelCap) {
                    kept.sort(Comparator.comparingLong((Entry x) -> x.bound).thenComparingLong(x -> x.live).thenComparingLong(x -> x.seq));
                    kept = new ArrayList<>(kept.subList(0, levelCap));
                }
                level = kept;
            }
            return level.get(0);
        }

        private void expand(Entry e, Map<Key, Entry> next) {
            for (int v = 0; v < p.n; v++) {
                if (!p.ready(e.set, v)) continue;
                long peak = Math.max(e.peak, p.stepBytes(e.live, e.set, v));
                if (peak >= upperBound) continue;
                long[] after = e.set.clone();
                after[v >>> 6] |= 1L << v;
                Key k = Key.of(after);
                Entry old = next.get(k);
                if (old != null) {
                    if (peak < old.peak) {
                        old.peak = peak;
                        old.bound = Math.max(peak, p.remainingBound(after));
                        old.last = v;
                        old.parent = e;
                    }
                    continue;
                }
                long bound = Math.max(peak, p.remainingBound(after));
                if (bound >= upperBound) continue;
                long live = e.live + p.keptOutBytes[v] - p.freedBytes(e.set, v);
                next.put(k, new Entry(after, live, e.level + 1, peak, bound, v, e, seq++));
            }
        }
    }
}
