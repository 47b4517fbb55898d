package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;

/**
 * Arena plans for {@link LiveModel#IN_PLACE}: a node that {@link InPlace} lets write its output over
 * an input dying with it gets that input's offset (the pair is one alias chain, placed as a unit),
 * a per-channel node running in place gets its one-channel scratch plane as an extra scratch buffer
 * of the node (index: after the buffers {@link ScratchRequirement} lists), and every chain and
 * scratch buffer is placed first-fit. Several placement orders are tried (largest first, longest
 * lived first, earliest first, the chains live at the peak first, each large chain first, then
 * seeded shuffles of the largest-first order) until one reaches
 * the in-place live-bytes bound ({@link StepMemory#peakBytes(Graph, Schedule, LiveModel)}); the
 * result says by how much the best one misses it. When none reaches it, the same is tried with alias
 * chains cut where they run through a long-lived tensor ({@link #ALIAS_LIFE_LIMITS}): one offset for a
 * chain that holds a band's first layers, its waiting output and its last layers is often a worse
 * fit than two; then all of that again with no PAD written over its input (a band's PADs chain its
 * slice to its layers).
 *
 * <p>{@link InPlacePlanCheck} verifies the plans; tinyfit's runtime runs them (its per-channel kernels
 * keep their plane outside the arena, so the plane's bytes are reserved but unused there).
 */
public final class InPlacePlanner implements ArenaPlanner {
    public static final String NAME = "in-place-first-fit";
    static final int SHUFFLED_ORDERS = 64;

    /**
     * @param plan the best plan found
     * @param lowerBoundBytes the in-place live-bytes peak of the schedule: no plan is smaller
     * @param gapBytes {@code plan.arenaBytes() - lowerBoundBytes}
     * @param aliasedNodes nodes whose output shares an input's offset
     * @param ordersTried placement orders tried
     */
    public record Result(ArenaPlan plan, long lowerBoundBytes, long gapBytes, int aliasedNodes, int ordersTried) {
        public boolean reachesBound() { return gapBytes == 0; }
    }

    @Override public String name() { return NAME; }

    @Override public ArenaPlan plan(Graph g, Schedule schedule) { return solve(g, schedule).plan(); }

    /** Longest input lives an alias may run through, tried in turn: every alias first, then chains cut at long-lived tensors. */
    static final int[] ALIAS_LIFE_LIMITS = {Integer.MAX_VALUE, 16, 6, 2};

    public Result solve(Graph g, Schedule schedule) {
        long bound = StepMemory.peakBytes(g, schedule, LiveModel.IN_PLACE);
        Result best = null;
        int tried = 0;
        variants:
        for (boolean pads : new boolean[] {true, false}) {
            for (int limit : ALIAS_LIFE_LIMITS) {
                Result r = solve(g, schedule, InPlaceBuffers.of(g, schedule, LiveRanges.TFLM_ALIGNMENT_BYTES, limit, pads), bound);
                tried += r.ordersTried();
                if (best == null || r.plan().arenaBytes() < best.plan().arenaBytes()) best = r;
                if (best.reachesBound()) break variants;
            }
        }
        return new Result(best.plan(), best.lowerBoundBytes(), best.gapBytes(), best.aliasedNodes(), tried);
    }

    private Result solve(Graph g, Schedule schedule, InPlaceBuffers ib, long bound) {
        List<int[]> members = members(ib);
        long[] groupBytes = new long[ib.groupCount()];
        int[] groupFirst = new int[ib.groupCount()], groupLast = new int[ib.groupCount()];
        Arrays.fill(groupFirst, Integer.MAX_VALUE);
        Arrays.fill(groupLast, Integer.MIN_VALUE);
        for (int i = 0; i < ib.buffers().size(); i++) {
            ArenaBuffer b = ib.buffers().get(i);
            int k = ib.group()[i];
            groupBytes[k] = Math.max(groupBytes[k], b.alignedBytes());
            groupFirst[k] = Math.min(groupFirst[k], b.firstTime());
            groupLast[k] = Math.max(groupLast[k], b.lastTime());
        }
        List<int[]> orders = new ArrayList<>();
        orders.add(sorted(ib.groupCount(), Comparator.<Integer>comparingLong(k -> -groupBytes[k]).thenComparingInt(k -> groupFirst[k])));
        orders.add(sorted(ib.groupCount(), Comparator.<Integer>comparingLong(k -> -groupBytes[k] * (groupLast[k] - groupFirst[k] + 1L))
                .thenComparingInt(k -> groupFirst[k])));
        orders.add(sorted(ib.groupCount(), Comparator.<Integer>comparingInt(k -> groupFirst[k]).thenComparingLong(k -> -groupBytes[k])));
        orders.add(sorted(ib.groupCount(), Comparator.<Integer>comparingInt(k -> groupLast[k] - groupFirst[k]).reversed()
                .thenComparingLong(k -> -groupBytes[k])));
        int[] chronological = orders.get(2);
        orders.addAll(peakFirst(ib, members, chronological, bound));
        for (int k : orders.get(0)) {
            if (groupBytes[k] * 4 < bound || orders.size() >= 24) break;
            orders.add(promoted(chronological, k));
        }
        Random rnd = new Random(1);
        for (int r = 0; r < SHUFFLED_ORDERS; r++) orders.add(perturbed(orders.get(0), groupBytes, rnd));
        long[] best = null;
        long bestArena = Long.MAX_VALUE;
        int tried = 0;
        for (int[] order : orders) {
            tried++;
            long[] at = place(ib.buffers(), members, order);
            long arena = arenaOf(ib.buffers(), ib.group(), at);
            if (arena < bestArena) {
                best = at;
                bestArena = arena;
            }
            if (bestArena <= bound) break;
        }
        int aliased = 0;
        for (int t : ib.aliasedInput()) if (t >= 0) aliased++;
        ArenaPlan plan = toPlan(g, ib, best, bestArena);
        return new Result(plan, bound, bestArena - bound, aliased, tried);
    }

    private static List<int[]> members(InPlaceBuffers ib) {
        List<List<Integer>> m = new ArrayList<>();
        for (int k = 0; k < ib.groupCount(); k++) m.add(new ArrayList<>());
        for (int i = 0; i < ib.buffers().size(); i++) m.get(ib.group()[i]).add(i);
        List<int[]> out = new ArrayList<>();
        for (List<Integer> l : m) out.add(l.stream().mapToInt(Integer::intValue).toArray());
        return out;
    }

    private static int[] sorted(int n, Comparator<Integer> c) {
        Integer[] ids = new Integer[n];
        for (int i = 0; i < n; i++) ids[i] = i;
        Arrays.sort(ids, c);
        return Arrays.stream(ids).mapToInt(Integer::intValue).toArray();
    }

    /** For each time the live bytes reach the bound: the chains live then, in {@code base} order, before all others. */
    private static List<int[]> peakFirst(InPlaceBuffers ib, List<int[]> members, int[] base, long bound) {
        List<int[]> out = new ArrayList<>();
        int lastTime = ib.ranges().lastTime();
        for (int time = -1; time <= lastTime && out.size() < 4; time++) {
            long live = 0;
            boolean[] at = new boolean[members.size()];
            for (int k = 0; k < members.size(); k++) {
                long most = 0;
                for (int m : members.get(k)) if (ib.buffers().get(m).liveAt(time)) most = Math.max(most, ib.buffers().get(m).alignedBytes());
                live += most;
                at[k] = most > 0;
            }
            if (live < bound) continue;
            int[] o = new int[base.length];
            int i = 0;
            for (int k : base) if (at[k]) o[i++] = k;
            for (int k : base) if (!at[k]) o[i++] = k;
            out.add(o);
        }
        return out;
    }

    /** {@code base} with chain {@code k} moved to the front. */
    private static int[] promoted(int[] base, int k) {
        int[] o = new int[base.length];
        o[0] = k;
        int i = 1;
        for (int x : base) if (x != k) o[i++] = x;
        return o;
    }

    /** The largest-first order with neighbours of similar size swapped at random. */
    private static int[] perturbed(int[] base, long[] bytes, Random rnd) {
        int[] o = base.clone();
        for (int i = 0; i + 1 < o.length; i++) {
            if (rnd.nextInt(3) == 0 && bytes[o[i + 1]] * 2 >= bytes[o[i]]) {
                int t = o[i];
                o[i] = o[i + 1];
                o[i + 1] = t;
            }
        }
        return o;
    }

    /** Group offsets: each chain, in {@code order}, at the lowest offset where none of its buffers meets a placed buffer live at the same time. */
    static long[] place(List<ArenaBuffer> buffers, List<int[]> members, int[] order) {
        long[] at = new long[members.size()];
        Arrays.fill(at, -1);
        List<Integer> placed = new ArrayList<>();
        long[] placedOffset = new long[buffers.size()];
        for (int k : order) {
            int[] mine = members.get(k);
            List<Long> candidates = new ArrayList<>();
            candidates.add(0L);
            for (int p : placed) {
                ArenaBuffer other = buffers.get(p);
                for (int m : mine) {
                    if (buffers.get(m).overlapsInTime(other)) {
                        candidates.add(placedOffset[p] + other.alignedBytes());
                        break;
                    }
                }
            }
            candidates.sort(null);
            long chosen = -1;
            for (long c : candidates) {
                if (fits(buffers, mine, c, placed, placedOffset)) {
                    chosen = c;
                    break;
                }
            }
            at[k] = chosen;
            for (int m : mine) {
                placedOffset[m] = chosen;
                placed.add(m);
            }
        }
        return at;
    }

    private static boolean fits(List<ArenaBuffer> buffers, int[] mine, long offset, List<Integer> placed, long[] placedOffset) {
        for (int m : mine) {
            ArenaBuffer b = buffers.get(m);
            for (int p : placed) {
                ArenaBuffer o = buffers.get(p);
                if (b.overlapsInTime(o) && offset < placedOffset[p] + o.alignedBytes() && placedOffset[p] < offset + b.alignedBytes()) return false;
            }
        }
        return true;
    }

    private static long arenaOf(List<ArenaBuffer> buffers, int[] group, long[] at) {
        long arena = 0;
        for (int i = 0; i < buffers.size(); i++) arena = Math.max(arena, at[group[i]] + buffers.get(i).alignedBytes());
        return arena;
    }

    private static ArenaPlan toPlan(Graph g, InPlaceBuffers ib, long[] at, long arena) {
        long[] offsets = new long[g.tensors().size()];
        Arrays.fill(offsets, ArenaPlan.NOT_IN_ARENA);
        long[][] scratch = new long[g.nodes().size()][];
        for (Node n : g.nodes()) scratch[n.id()] = new long[ScratchRequirement.of(g, n).size() + (ib.hasPlane(g, n) ? 1 : 0)];
        for (int i = 0; i < ib.buffers().size(); i++) {
            ArenaBuffer b = ib.buffers().get(i);
            long off = at[ib.group()[i]];
            if (b.isScratch()) scratch[b.node()][b.scratchIndex()] = off;
            else offsets[b.tensor()] = off;
        }
        return new ArenaPlan(offsets, arena, NAME, scratch);
    }
}
