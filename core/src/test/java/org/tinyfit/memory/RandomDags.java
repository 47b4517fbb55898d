package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/**
 * Seeded random graphs of at most {@code maxNodes} nodes built from blocks real networks have: plain
 * chains, inception-like branches joined by a Concat, residual blocks closed by an Add, and nodes that
 * read random earlier tensors. Activations are int8 {@code [1, k]} with k from a spread of sizes, so
 * different orders really differ in memory. Half of the graphs get a random topological order as their
 * stored order.
 */
final class RandomDags {
    private static final int[] SIZES = {4, 8, 16, 32, 64, 100, 200};

    private final Random r;
    private final GraphBuilder b;
    private final List<Integer> acts = new ArrayList<>();
    private int nodes;
    private int names;

    private RandomDags(long seed) {
        r = new Random(seed);
        b = new GraphBuilder("random-" + seed);
    }

    static Graph build(long seed, int maxNodes) {
        return new RandomDags(seed).make(maxNodes);
    }

    private Graph make(int maxNodes) {
        acts.add(b.input("x", DType.I8, 1, size()));
        if (r.nextInt(4) == 0) acts.add(b.input("x2", DType.I8, 1, size()));
        while (nodes < maxNodes) {
            int room = maxNodes - nodes;
            int kind = r.nextInt(4);
            if (kind == 1 && room >= 3) inception(room);
            else if (kind == 2 && room >= 3) residual();
            else if (kind == 3) randomNode();
            else fc(last(), size());
        }
        List<Integer> outs = new ArrayList<>();
        outs.add(last());
        for (int t : acts) {
            if (t != last() && !b.tensorAt(t).isConstant() && r.nextInt(3) == 0) outs.add(t);
        }
        Graph g = b.output(outs.stream().mapToInt(Integer::intValue).toArray()).build();
        return r.nextBoolean() ? g : g.reordered(randomTopologicalOrder(g, r));
    }

    private int size() { return SIZES[r.nextInt(SIZES.length)]; }

    private int last() { return acts.get(acts.size() - 1); }

    private int width(int t) { return b.tensorAt(t).shape().dim(1); }

    private int fc(int from, int out) {
        int in = width(from);
        int w = b.constant("w" + names++, DType.I8, Shape.of(out, in), new byte[out * in]);
        int y = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc" + names++, from, w, -1);
        nodes++;
        acts.add(y);
        return y;
    }

    private void inception(int room) {
        int from = last();
        int branches = 2 + r.nextInt(Math.min(4, room - 1) - 1);
        int budget = room - 1 - branches;
        int[] ends = new int[branches];
        for (int i = 0; i < branches; i++) {
            int t = fc(from, size());
            if (budget > 0 && r.nextBoolean()) {
                t = fc(t, size());
                budget--;
            }
            ends[i] = t;
        }
        int c = b.node(new Op.Concat(1, Op.Act.NONE), "cat" + names++, ends);
        nodes++;
        acts.add(c);
    }

    private void residual() {
        int from = last();
        int mid = fc(from, size());
        int back = fc(mid, width(from));
        int sum = b.node(new Op.Add(Op.Act.NONE), "add" + names++, from, back);
        nodes++;
        acts.add(sum);
    }

    private void randomNode() {
        int a = acts.get(r.nextInt(acts.size()));
        if (r.nextBoolean()) {
            int c = acts.get(r.nextInt(acts.size()));
            if (c != a) {
                int y = width(a) == width(c)
                        ? b.node(new Op.Add(Op.Act.NONE), "add" + names++, a, c)
                        : b.node(new Op.Concat(1, Op.Act.NONE), "cat" + names++, a, c);
                nodes++;
                acts.add(y);
                return;
            }
        }
        if (r.nextBoolean()) {
            acts.add(b.node(new Op.Relu(), "relu" + names++, a));
            nodes++;
        } else {
            fc(a, size());
        }
    }

    static int[] randomTopologicalOrder(Graph g, Random r) {
        int n = g.nodes().size();
        boolean[] done = new boolean[n];
        int[] order = new int[n];
        for (int step = 0; step < n; step++) {
            List<Integer> ready = new ArrayList<>();
            for (int v = 0; v < n; v++) if (!done[v] && ready(g, done, v)) ready.add(v);
            int v = ready.get(r.nextInt(ready.size()));
            done[v] = true;
            order[step] = v;
        }
        return order;
    }

    static boolean ready(Graph g, boolean[] done, int v) {
        for (int t : g.node(v).inputs()) {
            if (t < 0) continue;
            int p = g.producer(t);
            if (p >= 0 && !done[p]) return false;
        }
        return true;
    }

    /** Calls {@code visit} with every topological order of {@code g} (brute force; small graphs only). */
    static void forEachTopologicalOrder(Graph g, java.util.function.Consumer<int[]> visit) {
        int n = g.nodes().size();
        enumerate(g, new boolean[n], new int[n], 0, visit);
    }

    private static void enumerate(Graph g, boolean[] done, int[] order, int step, java.util.function.Consumer<int[]> visit) {
        if (step == order.length) {
            visit.accept(order.clone());
            return;
        }
        for (int v = 0; v < order.length; v++) {
            if (done[v] || !ready(g, done, v)) continue;
            done[v] = true;
            order[step] = v;
            enumerate(g, done, order, step + 1, visit);
            done[v] = false;
        }
    }
}
