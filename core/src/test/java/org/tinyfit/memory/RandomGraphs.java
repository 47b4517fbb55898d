package org.tinyfit.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

/** Seeded random DAGs of int8 [1, width] activations: chains, inception-like branches, residual blocks, and mixes. */
final class RandomGraphs {
    enum Kind { CHAIN, BRANCHY, RESIDUAL, MIXED }

    private final Random rnd;
    private final GraphBuilder b;
    private final List<Integer> tensors = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();
    private int names;

    private RandomGraphs(long seed) {
        this.rnd = new Random(seed);
        this.b = new GraphBuilder("random" + seed);
    }

    static Graph build(Kind kind, long seed, int blocks) {
        return new RandomGraphs(seed).make(kind, blocks);
    }

    private Graph make(Kind kind, int blocks) {
        int x = add(b.input("x", DType.I8, 1, width()), -1);
        int cur = x;
        for (int i = 0; i < blocks; i++) {
            Kind k = kind == Kind.MIXED ? Kind.values()[rnd.nextInt(3)] : kind;
            cur = switch (k) {
                case CHAIN -> fc(cur, width());
                case BRANCHY -> branchy(cur);
                case RESIDUAL -> residual(cur);
                case MIXED -> throw new IllegalStateException();
            };
            if (kind == Kind.MIXED && rnd.nextInt(4) == 0 && tensors.size() > 2) {
                cur = concat(List.of(cur, tensors.get(rnd.nextInt(tensors.size() - 1))));
            }
        }
        Graph g0 = b.output(cur).build();
        // every tensor nobody reads becomes a graph output, as a model with side outputs would
        List<Integer> outs = new ArrayList<>();
        for (int t : tensors) if (g0.consumers(t).length == 0 && !g0.isGraphInput(t)) outs.add(t);
        return new Graph(g0.name(), g0.tensors(), g0.nodes(), g0.inputs(), outs.stream().mapToInt(Integer::intValue).toArray());
    }

    private int width() { return 1 + rnd.nextInt(6) * (rnd.nextBoolean() ? 16 : 5) + rnd.nextInt(3) * 16; }

    private int add(int t, int w) {
        tensors.add(t);
        widths.add(w < 0 ? b.build().tensor(t).shape().dim(1) : w);
        return t;
    }

    private int widthOf(int t) { return widths.get(tensors.indexOf(t)); }

    private int fc(int x, int out) {
        int in = widthOf(x);
        int w = b.constant("w" + names++, DType.I8, Shape.of(out, in), new byte[out * in]);
        return add(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc" + names++, x, w, -1), out);
    }

    private int concat(List<Integer> parts) {
        int w = 0;
        for (int p : parts) w += widthOf(p);
        return add(b.node(new Op.Concat(1, Op.Act.NONE), "cat" + names++, parts.stream().mapToInt(Integer::intValue).toArray()), w);
    }

    private int branchy(int x) {
        int branches = 2 + rnd.nextInt(3);
        List<Integer> ends = new ArrayList<>();
        for (int i = 0; i < branches; i++) {
            int y = x;
            int depth = 1 + rnd.nextInt(3);
            for (int d = 0; d < depth; d++) y = fc(y, width());
            ends.add(y);
        }
        return concat(ends);
    }

    private int residual(int x) {
        int w = widthOf(x);
        int y = fc(fc(x, width()), w);
        return add(b.node(new Op.Add(Op.Act.NONE), "res" + names++, x, y), w);
    }

    /** A random topological order of g's nodes. */
    static Schedule randomSchedule(Graph g, long seed) {
        Random r = new Random(seed);
        int n = g.nodes().size();
        int[] waiting = new int[n];
        for (Node node : g.nodes()) {
            for (int t : java.util.Arrays.stream(node.inputs()).distinct().toArray()) if (t >= 0 && g.producer(t) >= 0) waiting[node.id()]++;
        }
        List<Integer> ready = new ArrayList<>();
        for (int i = 0; i < n; i++) if (waiting[i] == 0) ready.add(i);
        int[] order = new int[n];
        for (int s = 0; s < n; s++) {
            int id = ready.remove(r.nextInt(ready.size()));
            order[s] = id;
            for (int t : g.node(id).outputs()) for (int c : g.consumers(t)) if (--waiting[c] == 0) ready.add(c);
        }
        return new Schedule(order);
    }
}
