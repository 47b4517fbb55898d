package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.tinyfit.graph.Graph;

/**
 * A planner that seeks the smallest arena for a schedule: it reaches the live-bytes lower bound
 * ({@link LiveRanges#lowerBoundBytes()}) whenever it can, and otherwise says by how much it misses
 * and whether that miss is proven.
 *
 * <ol>
 * <li>First fit in several orders (TFLite Micro's among them, so it is never worse than TFLite Micro,
 *     then size/lifetime orders and {@value #RANDOM_ORDERS} seeded perturbations of the size order);
 *     if one reaches the bound, that plan is minimal.</li>
 * <li>Otherwise, for at most {@link #EXACT_LIMIT_BUFFERS} buffers, an exact branch and bound: buffers
 *     are placed in ascending offset order, each at 0 or on top of a placed buffer live at the same
 *     time (every plan can be pushed down to such a plan without growing), pruned by a per-time bound
 *     (the bytes still to place at a time must fit above the current offset). If it finishes within
 *     {@code nodeBudget} placements, the arena it returns is the minimum and the gap to the bound is
 *     fragmentation no plan can avoid.</li>
 * <li>Beyond that size, or when the budget runs out, the best plan found is returned, not proven.</li>
 * </ol>
 */
public final class MinimumArenaPlanner implements ArenaPlanner {
    public static final String NAME = "minimum-arena";
    /** The largest number of (non-empty) buffers the exact search is tried on. */
    public static final int EXACT_LIMIT_BUFFERS = 64;
    public static final long DEFAULT_NODE_BUDGET = 200_000;
    /** How many perturbed size orders first fit tries before the exact search. */
    static final int RANDOM_ORDERS = 64;

    private final long nodeBudget;

    public MinimumArenaPlanner() { this(DEFAULT_NODE_BUDGET); }

    public MinimumArenaPlanner(long nodeBudget) { this.nodeBudget = nodeBudget; }

    /**
     * What the planner found: the plan, the live-bytes bound, how far above the bound the plan is,
     * whether the plan is proven minimal, why (in one line), and how many placements the exact search tried.
     */
    public record Result(ArenaPlan plan, long lowerBoundBytes, long gapBytes, boolean provenMinimal, String explanation, long searchNodes) { }

    @Override public String name() { return NAME; }

    @Override public ArenaPlan plan(Graph g, Schedule schedule) { return solve(g, schedule).plan(); }

    public Result solve(Graph g, Schedule schedule) { return solve(LiveRanges.of(g, schedule)); }

    public Result solve(LiveRanges ranges) {
        List<ArenaBuffer> buffers = ranges.buffers();
        long bound = ranges.lowerBoundBytes();
        long[] best = null;
        long bestArena = Long.MAX_VALUE;
        for (int[] order : heuristicOrders(buffers)) {
            long[] at = FirstFit.place(buffers, order);
            long arena = arenaOf(buffers, at);
            if (arena < bestArena) { bestArena = arena; best = at; }
        }
        if (best == null) best = new long[0];
        if (bestArena == Long.MAX_VALUE) bestArena = 0;
        if (bestArena <= bound) {
            return new Result(ArenaPlan.of(ranges, best, NAME), bound, 0, true, "reaches the live-bytes bound of " + bound + " B", 0);
        }
        int nonEmpty = 0;
        for (ArenaBuffer b : buffers) if (b.alignedBytes() > 0) nonEmpty++;
        if (nonEmpty > EXACT_LIMIT_BUFFERS) {
            ArenaPlan plan = ArenaPlan.of(ranges, best, NAME);
            return new Result(plan, bound, bestArena - bound, false, nonEmpty + " buffers is more than the exact search takes (" + EXACT_LIMIT_BUFFERS
                    + "); best first-fit plan is " + (bestArena - bound) + " B above the bound, not proven minimal", 0);
        }
        Search search = new Search(buffers, ranges.firstTime(), ranges.lastTime(), bound, best, bestArena, nodeBudget);
        search.run();
        ArenaPlan plan = ArenaPlan.of(ranges, search.best, NAME);
        long gap = search.bestArena - bound;
        if (gap == 0) return new Result(plan, bound, 0, true, "reaches the live-bytes bound of " + bound + " B (found by search)", search.nodes);
        if (!search.complete) {
            return new Result(plan, bound, gap, false, "search stopped after " + search.nodes + " placements; the arena is at most "
                    + search.bestArena + " B and at least " + bound + " B", search.nodes);
        }
        return new Result(plan, bound, gap, true, "the bound of " + bound + " B cannot be reached: " + fragmentation(ranges, search.best, bound)
                + "; exhaustive search (" + search.nodes + " placements) proves " + search.bestArena + " B minimal", search.nodes);
    }

    /** Names the buffers that end above the bound in the plan and the free bytes (holes) below them while they live. */
    static String fragmentation(LiveRanges ranges, long[] at, long bound) {
        List<ArenaBuffer> buffers = ranges.buffers();
        StringBuilder b = new StringBuilder();
        int named = 0;
        for (int i = 0; i < buffers.size() && named < 3; i++) {
            ArenaBuffer x = buffers.get(i);
            if (at[i] + x.alignedBytes() <= bound) continue;
            long maxLive = 0;
            int when = x.firstTime();
            for (int t = x.firstTime(); t <= x.lastTime(); t++) {
                long live = ranges.liveBytesAt(t);
                if (live > maxLive) { maxLive = live; when = t; }
            }
            if (named++ > 0) b.append("; ");
            b.append(x.label()).append(" (").append(x.alignedBytes()).append(" B, live at times ").append(x.firstTime()).append("..").append(x.lastTime())
                    .append(") ends ").append(at[i] + x.alignedBytes() - bound).append(" B above the bound; at time ").append(when)
                    .append(" only ").append(maxLive).append(" B are live, but the free space is split into holes too small for it by buffers live at other times");
        }
        return b.toString();
    }

    static long arenaOf(List<ArenaBuffer> buffers, long[] at) {
        long arena = 0;
        for (int i = 0; i < buffers.size(); i++) arena = Math.max(arena, at[i] + buffers.get(i).alignedBytes());
        return arena;
    }

    /** TFLite Micro's order, then size/lifetime orders that often pack tighter. */
    static List<int[]> heuristicOrders(List<ArenaBuffer> buffers) {
        List<int[]> orders = new ArrayList<>();
        orders.add(TflmGreedyPlanner.order(buffers));
        Comparator<Integer> bySize = Comparator.comparingLong(i -> -buffers.get(i).alignedBytes());
        Comparator<Integer> byLength = Comparator.comparingInt(i -> -(buffers.get(i).lastTime() - buffers.get(i).firstTime()));
        Comparator<Integer> byArea = Comparator.comparingLong(i -> -buffers.get(i).alignedBytes() * (buffers.get(i).lastTime() - buffers.get(i).firstTime() + 1));
        Comparator<Integer> byStart = Comparator.comparingInt(i -> buffers.get(i).firstTime());
        orders.add(sorted(buffers.size(), bySize.thenComparing(byLength)));
        orders.add(sorted(buffers.size(), bySize.thenComparing(byStart)));
        orders.add(sorted(buffers.size(), byLength.thenComparing(bySize)));
        orders.add(sorted(buffers.size(), byArea.thenComparing(bySize)));
        orders.add(sorted(buffers.size(), byStart.thenComparing(bySize)));
        orders.add(sorted(buffers.size(), Comparator.comparingInt((Integer i) -> -buffers.get(i).lastTime()).thenComparing(bySize)));
        // size-descending orders with random swaps of neighbours, seeded so that plans repeat
        java.util.Random rnd = new java.util.Random(buffers.size() * 7919L + 17);
        int[] base = orders.get(1);
        for (int k = 0; k < RANDOM_ORDERS && buffers.size() > 1; k++) {
            int[] o = base.clone();
            for (int swaps = 1 + rnd.nextInt(Math.max(1, o.length / 2)); swaps > 0; swaps--) {
                int i = rnd.nextInt(o.length - 1);
                int j = Math.min(o.length - 1, i + 1 + rnd.nextInt(3));
                int x = o[i]; o[i] = o[j]; o[j] = x;
            }
            orders.add(o);
        }
        return orders;
    }

    private static int[] sorted(int n, Comparator<Integer> c) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(i);
        ids.sort(c);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private record State(long[] key) {
        @Override public boolean equals(Object o) { return o instanceof State s && Arrays.equals(key, s.key); }

        @Override public int hashCode() { return Arrays.hashCode(key); }
    }

    /** Branch and bound over plans built in ascending (offset, buffer) order. */
    private static final class Search {
        static final int MAX_REMEMBERED = 1 << 20;
        final java.util.HashSet<State> failed = new java.util.HashSet<>();
        final List<ArenaBuffer> buffers;
        final int n;
        final long[] size;
        final int[] first;
        final int[] last;
        final boolean[][] overlap;
        final int t0;
        final int times;
        final long bound;
        final long budget;
        final int[] bySize;
        long[] best;
        long bestArena;
        long nodes;
        boolean complete = true;
        final long[] at;
        final boolean[] placed;

        Search(List<ArenaBuffer> buffers, int firstTime, int lastTime, long bound, long[] best, long bestArena, long budget) {
            this.buffers = buffers;
            this.n = buffers.size();
            this.size = new long[n];
            this.first = new int[n];
            this.last = new int[n];
            for (int i = 0; i < n; i++) {
                size[i] = buffers.get(i).alignedBytes();
                first[i] = buffers.get(i).firstTime();
                last[i] = buffers.get(i).lastTime();
            }
            this.overlap = new boolean[n][n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) overlap[i][j] = i != j && buffers.get(i).overlapsInTime(buffers.get(j));
            this.t0 = firstTime;
            this.times = lastTime - firstTime + 1;
            this.bound = bound;
            this.best = best.clone();
            this.bestArena = bestArena;
            this.budget = budget;
            this.bySize = sorted(n, Comparator.comparingLong((Integer i) -> -size[i]).thenComparingInt(i -> i));
            this.at = new long[n];
            this.placed = new boolean[n];
        }

        void run() {
            int left = 0;
            for (int i = 0; i < n; i++) {
                if (size[i] == 0) { placed[i] = true; at[i] = 0; } else left++;
            }
            dfs(left, 0, -1, 0);
        }

        /** {@code floor}/{@code lastId}: the (offset, buffer) of the last placement; the next must come after it. */
        private void dfs(int left, long floor, int lastId, long top) {
            if (bestArena <= bound) return;
            if (left == 0) {
                if (top < bestArena) { bestArena = top; best = at.clone(); }
                return;
            }
            if (nodes >= budget) { complete = false; return; }
            nodes++;
            if (lowerBound(floor, top) >= bestArena) return;
            if (!everyBufferStillFits(floor) || !everyTimeStillFits(floor)) return;
            State key = state(floor, lastId);
            if (failed.contains(key)) return;
            long arenaBefore = bestArena;
            for (int b : bySize) {
                if (placed[b]) continue;
                long[] candidates = candidates(b, floor, lastId);
                for (long c : candidates) {
                    if (c + size[b] >= bestArena) break;
                    placed[b] = true;
                    at[b] = c;
                    dfs(left - 1, c, b, Math.max(top, c + size[b]));
                    placed[b] = false;
                    if (bestArena <= bound || !complete) return;
                }
            }
            if (bestArena == arenaBefore && failed.size() < MAX_REMEMBERED) failed.add(key);
        }

        /**
         * What the rest of the search depends on: the floor, the last placement, the buffers left, and the
         * placed buffers that reach above the floor. Buffers wholly below the floor cannot matter any more
         * (every later buffer lies above the floor), so states that differ only there are the same state.
         */
        private State state(long floor, int lastId) {
            long[] k = new long[3 + 2 * n];
            int m = 0;
            k[m++] = floor;
            k[m++] = lastId;
            long unplaced = 0;
            for (int i = 0; i < n; i++) if (!placed[i]) unplaced |= 1L << i;
            k[m++] = unplaced;
            for (int i = 0; i < n; i++) {
                if (placed[i] && at[i] + size[i] > floor) { k[m++] = i; k[m++] = at[i]; }
            }
            return new State(Arrays.copyOf(k, m));
        }

        /** Feasible offsets for b in ascending order: 0 or the end of a placed buffer live with b, after (floor, lastId). */
        private long[] candidates(int b, long floor, int lastId) {
            long[] c = new long[n + 1];
            int k = 0;
            c[k++] = 0;
            for (int p = 0; p < n; p++) if (placed[p] && overlap[b][p] && size[p] > 0) c[k++] = at[p] + size[p];
            long[] sortedC = Arrays.copyOf(c, k);
            Arrays.sort(sortedC);
            long[] out = new long[k];
            int m = 0;
            long prev = -1;
            for (long x : sortedC) {
                if (x == prev) continue;
                prev = x;
                if (x < floor || (x == floor && b < lastId)) continue;
                if (fits(b, x)) out[m++] = x;
            }
            return Arrays.copyOf(out, m);
        }

        private boolean fits(int b, long x) {
            for (int p = 0; p < n; p++) {
                if (!placed[p] || !overlap[b][p] || size[p] == 0) continue;
                if (x < at[p] + size[p] && at[p] < x + size[b]) return false;
            }
            return true;
        }

        /** Each unplaced buffer needs a hole above the floor, free over its whole life, that ends below the best arena. */
        private boolean everyBufferStillFits(long floor) {
            long ceiling = bestArena - 1;
            int[] ids = new int[n];
            for (int u = 0; u < n; u++) {
                if (placed[u]) continue;
                int k = 0;
                for (int p = 0; p < n; p++) if (placed[p] && overlap[u][p] && size[p] > 0) ids[k++] = p;
                if (!hasHole(ids, k, floor, ceiling, size[u])) return false;
            }
            return true;
        }

        /**
         * At every time, the bytes still to place must fit in the holes above the floor (below the best arena)
         * that are at least as big as the smallest buffer still to place at that time: smaller holes are lost to fragmentation.
         */
        private boolean everyTimeStillFits(long floor) {
            long ceiling = bestArena - 1;
            int[] ids = new int[n];
            for (int t = 0; t < times; t++) {
                int time = t + t0;
                long need = 0;
                long smallest = Long.MAX_VALUE;
                int k = 0;
                for (int i = 0; i < n; i++) {
                    if (first[i] > time || last[i] < time || size[i] == 0) continue;
                    if (placed[i]) ids[k++] = i;
                    else { need += size[i]; smallest = Math.min(smallest, size[i]); }
                }
                if (need == 0) continue;
                if (usable(ids, k, floor, ceiling, smallest) < need) return false;
            }
            return true;
        }

        private void sortByOffset(int[] ids, int k) {
            for (int i = 1; i < k; i++) {
                int x = ids[i];
                int j = i - 1;
                while (j >= 0 && at[ids[j]] > at[x]) { ids[j + 1] = ids[j]; j--; }
                ids[j + 1] = x;
            }
        }

        private boolean hasHole(int[] ids, int k, long floor, long ceiling, long want) {
            sortByOffset(ids, k);
            long from = floor;
            for (int i = 0; i < k; i++) {
                long start = at[ids[i]];
                if (start - from >= want && from + want <= ceiling + 1) return true;
                from = Math.max(from, start + size[ids[i]]);
            }
            return ceiling + 1 - from >= want;
        }

        private long usable(int[] ids, int k, long floor, long ceiling, long smallest) {
            sortByOffset(ids, k);
            long from = floor;
            long sum = 0;
            for (int i = 0; i < k; i++) {
                long start = Math.min(at[ids[i]], ceiling + 1);
                if (start - from >= smallest) sum += start - from;
                from = Math.max(from, at[ids[i]] + size[ids[i]]);
            }
            if (ceiling + 1 - from >= smallest) sum += ceiling + 1 - from;
            return sum;
        }

        /** No completion can end below: at every time, bytes still to place plus placed bytes above the floor must fit above the floor. */
        private long lowerBound(long floor, long top) {
            long lb = top;
            for (int t = 0; t < times; t++) {
                int time = t + t0;
                long need = 0;
                for (int i = 0; i < n; i++) {
                    if (first[i] > time || last[i] < time) continue;
                    if (!placed[i]) need += size[i];
                    else if (at[i] + size[i] > floor) need += at[i] + size[i] - Math.max(at[i], floor);
                }
                if (need > 0) lb = Math.max(lb, floor + need);
            }
            return lb;
        }
    }
}
