package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;

/**
 * The arena buffers of a schedule under {@link LiveModel#IN_PLACE}: those of {@link LiveRanges},
 * plus one scratch plane ({@link InPlace.Rule#scratchBytes()}) for each per-channel node that runs in
 * place, and the alias chains: an output that writes over a dying input shares that input's offset.
 * The aliasing choice is the one {@link StepMemory#stepBytes(Graph, Schedule, LiveModel)} counts: the
 * first input of the node's rule that dies at its step.
 *
 * @param ranges the buffers of {@link LiveRanges} (indices {@code 0 .. ranges.buffers().size() - 1})
 * @param buffers those buffers, then the in-place scratch planes
 * @param group per buffer, the alias chain it belongs to (buffers of one chain share an offset)
 * @param groupCount number of chains
 * @param aliasedInput per node id, the input tensor its output writes over, or -1
 */
record InPlaceBuffers(LiveRanges ranges, List<ArenaBuffer> buffers, int[] group, int groupCount, int[] aliasedInput) {

    static InPlaceBuffers of(Graph g, Schedule schedule, int alignmentBytes) { return of(g, schedule, alignmentBytes, Integer.MAX_VALUE, true); }

    /**
     * As {@link #of(Graph, Schedule, int)}, but a node only writes over an input that was live for at
     * most {@code maxInputLife} times: a chain that runs through a long-lived tensor (a band's output
     * waiting for its concatenation) is cut there into two chains a planner may place apart. Cutting
     * only ever gives up an alias, so the plans stay valid; whether they get smaller is the planner's
     * question. {@code padsInPlace} false: no PAD writes over its input either.
     */
    static InPlaceBuffers of(Graph g, Schedule schedule, int alignmentBytes, int maxInputLife, boolean padsInPlace) {
        LiveRanges ranges = LiveRanges.of(g, schedule, alignmentBytes);
        List<ArenaBuffer> buffers = new ArrayList<>(ranges.buffers());
        int[] tensorBuffer = ranges.tensorBuffer();
        int[] aliased = new int[g.nodes().size()];
        java.util.Arrays.fill(aliased, -1);
        int[] parent = new int[buffers.size() + g.nodes().size()];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        for (int s = 0; s < schedule.size(); s++) {
            Node n = g.node(schedule.node(s));
            int input = dyingInput(g, n, ranges, LiveRanges.timeOfStep(s));
            if (input < 0) continue;
            ArenaBuffer ib = ranges.buffers().get(tensorBuffer[input]);
            if (ib.lastTime() - ib.firstTime() > maxInputLife || (!padsInPlace && n.op() instanceof org.tinyfit.graph.Op.Pad)) continue;
            aliased[n.id()] = input;
            union(parent, tensorBuffer[input], tensorBuffer[n.output(0)]);
            long plane = InPlace.rule(g, n).scratchBytes();
            if (plane > 0) {
                int time = LiveRanges.timeOfStep(s);
                buffers.add(new ArenaBuffer(-1, n.id(), ScratchRequirement.of(g, n).size(), plane, LiveRanges.alignUp(plane, alignmentBytes), time, time));
            }
        }
        int[] group = new int[buffers.size()];
        int[] groupOfRoot = new int[parent.length];
        java.util.Arrays.fill(groupOfRoot, -1);
        int groups = 0;
        for (int i = 0; i < buffers.size(); i++) {
            int root = i < ranges.buffers().size() ? find(parent, i) : i;
            if (groupOfRoot[root] < 0) groupOfRoot[root] = groups++;
            group[i] = groupOfRoot[root];
        }
        return new InPlaceBuffers(ranges, buffers, group, groups, aliased);
    }

    /** The input node {@code n} (run at {@code time}) writes its output over, or -1 if it needs a fresh buffer. */
    static int dyingInput(Graph g, Node n, LiveRanges ranges, int time) {
        InPlace.Rule rule = InPlace.rule(g, n);
        if (rule == null || !ranges.inArena(n.output(0))) return -1;
        for (int t : rule.inputs()) if (ranges.inArena(t) && ranges.lastTime(t) == time) return t;
        return -1;
    }

    /** Whether node {@code n} runs in place with a scratch plane (a per-channel op writing over its input). */
    boolean hasPlane(Graph g, Node n) {
        return aliasedInput[n.id()] >= 0 && InPlace.rule(g, n).scratchBytes() > 0;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) { parent[find(parent, a)] = find(parent, b); }
}
