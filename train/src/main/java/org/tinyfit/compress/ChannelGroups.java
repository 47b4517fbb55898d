package org.tinyfit.compress;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/**
 * The channels of a float graph that can be removed together. Every channel-producing layer (a
 * convolution's or dense layer's output channels) starts a group; the channel axis (the last) of
 * every activation is mapped entry by entry to (group, channel) or to nothing prunable. Per-channel
 * ops carry the map through (activations, pooling, padding, batch norm, depthwise convolution with
 * multiplier 1, mean over other axes); an element-wise ADD/SUB/MUL ties its operands' groups channel
 * by channel; a concatenation on the channel axis concatenates the maps; a flatten repeats the map
 * over the flattened positions. A group is fixed (not prunable) when it reaches a graph output, a
 * softmax, or an op whose channels cannot be followed.
 *
 * <p>{@link #prune} removes the channels a mask drops: from every producer's weights and bias, from
 * every per-channel parameter, from the activations' shapes, and from every consumer's input
 * channels. {@link #mask} zeroes the same weights in the unpruned graph instead; both compute the
 * same outputs.
 */
public final class ChannelGroups {
    /** One prunable unit: the channels of a layer, with the layers tied to it. */
    public record Group(int id, String name, int size, boolean prunable) {}

    /** A constant's dimension whose entries follow the channel map of an activation tensor. */
    private record Slice(int constant, int dim, int mapOf, boolean consumer) {}

    private final Graph graph;
    private final int[][] grp, idx;
    private final int[] parent, sizes;
    private final boolean[] fixed;
    private final List<String> names = new ArrayList<>();
    private final List<Slice> slices = new ArrayList<>();
    private final List<Group> groups;
    private final int[] rootIndex;

    private ChannelGroups(Graph g) {
        this.graph = g;
        int nt = g.tensors().size();
        grp = new int[nt][];
        idx = new int[nt][];
        int maxGroups = g.nodes().size() + 1;
        parent = new int[maxGroups];
        sizes = new int[maxGroups];
        fixed = new boolean[maxGroups];
        for (int i = 0; i < maxGroups; i++) parent[i] = i;
        for (int t : g.inputs()) fixedMap(t);
        for (Node n : g.nodes()) visit(n);
        for (int t : g.outputs()) fix(t);
        List<Group> gs = new ArrayList<>();
        rootIndex = new int[names.size()];
        Arrays.fill(rootIndex, -1);
        for (int i = 0; i < names.size(); i++) {
            if (find(i) != i) continue;
            rootIndex[i] = gs.size();
            gs.add(new Group(gs.size(), names.get(i), sizes[i], !fixed[i]));
        }
        groups = List.copyOf(gs);
    }

    /** The channel groups of {@code g} (a float inference or training graph). */
    public static ChannelGroups of(Graph g) { return new ChannelGroups(g); }

    public Graph graph() { return graph; }

    public List<Group> groups() { return groups; }

    /** Prunable groups only. */
    public List<Group> prunable() { return groups.stream().filter(Group::prunable).toList(); }

    /** Keep-everything masks, one per group. */
    public boolean[][] full() {
        boolean[][] k = new boolean[groups.size()][];
        for (Group gr : groups) {
            k[gr.id()] = new boolean[gr.size()];
            Arrays.fill(k[gr.id()], true);
        }
        return k;
    }

    private int find(int x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }

    private int newGroup(String name, int size) {
        names.add(name);
        sizes[names.size() - 1] = size;
        return names.size() - 1;
    }

    private void fixedMap(int t) {
        int c = channels(t);
        grp[t] = new int[c];
        idx[t] = new int[c];
        Arrays.fill(grp[t], -1);
    }

    private int channels(int t) {
        Shape s = graph.tensor(t).shape();
        return s.rank() == 0 ? 1 : s.dim(-1);
    }

    private void fix(int t) {
        if (t < 0 || grp[t] == null) return;
        for (int gi : grp[t]) if (gi >= 0) fixed[find(gi)] = true;
    }

    private void same(int from, int to) {
        if (grp[from] == null || channels(to) != grp[from].length) {
            fix(from);
            fixedMap(to);
            return;
        }
        grp[to] = grp[from];
        idx[to] = idx[from];
    }

    private void produce(Node n, int weights, int outDim, int bias) {
        int out = n.output(0);
        int c = channels(out);
        int gi = newGroup(graph.tensor(out).name(), c);
        grp[out] = new int[c];
        idx[out] = new int[c];
        for (int i = 0; i < c; i++) {
            grp[out][i] = gi;
            idx[out][i] = i;
        }
        slices.add(new Slice(weights, outDim, out, false));
        if (bias >= 0) slices.add(new Slice(bias, 0, out, false));
    }

    private void consume(int in, int weights, int dim) {
        if (grp[in] == null || graph.tensor(weights).shape().dim(dim) != grp[in].length) {
            fix(in);
            return;
        }
        slices.add(new Slice(weights, dim, in, true));
    }

    private boolean isConst(int t) { return t >= 0 && graph.tensor(t).isConstant(); }

    private void opaque(Node n) {
        for (int t : n.inputs()) if (t >= 0 && !graph.tensor(t).isConstant()) fix(t);
        for (int t : n.outputs()) fixedMap(t);
    }

    private void visit(Node n) {
        int in = n.input(0);
        int out = n.output(0);
        switch (n.op()) {
            case Op.Conv2D c -> {
                if (!isConst(n.input(1)) || (n.hasInput(2) && !isConst(n.input(2)))) { opaque(n); return; }
                consume(in, n.input(1), 3);
                produce(n, n.input(1), 0, n.hasInput(2) ? n.input(2) : -1);
            }
            case Op.FullyConnected f -> {
                if (!isConst(n.input(1)) || (n.hasInput(2) && !isConst(n.input(2))) || graph.tensor(n.input(1)).shape().rank() != 2
                        || graph.tensor(out).shape().rank() != 2) { opaque(n); return; }
                consume(in, n.input(1), 1);
                produce(n, n.input(1), 0, n.hasInput(2) ? n.input(2) : -1);
            }
            case Op.DepthwiseConv2D d -> {
                if (d.depthMultiplier() != 1 || !isConst(n.input(1)) || (n.hasInput(2) && !isConst(n.input(2)))
                        || graph.tensor(n.input(1)).shape().dim(3) != channels(in)) { opaque(n); return; }
                same(in, out);
                slices.add(new Slice(n.input(1), 3, out, false));
                if (n.hasInput(2)) slices.add(new Slice(n.input(2), 0, out, false));
            }
            case Op.BatchNorm b -> {
                for (int i = 1; i <= 4; i++) if (!isConst(n.input(i))) { opaque(n); return; }
                same(in, out);
                for (int i = 1; i <= 4; i++) slices.add(new Slice(n.input(i), 0, out, false));
            }
            case Op.Pool2D p -> same(in, out);
            case Op.Relu r -> same(in, out);
            case Op.Relu6 r -> same(in, out);
            case Op.Logistic l -> same(in, out);
            case Op.Tanh t -> same(in, out);
            case Op.LeakyRelu l -> same(in, out);
            case Op.Dropout d -> same(in, out);
            case Op.Quantize q -> same(in, out);
            case Op.Dequantize q -> same(in, out);
            case Op.Pad p -> {
                if (!isConst(n.input(1)) || padsChannels(n.input(1))) { opaque(n); return; }
                same(in, out);
            }
            case Op.Mean m -> {
                if (!isConst(n.input(1)) || reducesChannels(n.input(1), graph.tensor(in).shape().rank())) { opaque(n); return; }
                same(in, out);
            }
            case Op.Add a -> elementwise(n);
            case Op.Sub s -> elementwise(n);
            case Op.Mul m -> elementwise(n);
            case Op.Concat c -> concat(n, c);
            case Op.Reshape r -> reshape(n);
            case Op.Softmax s -> opaque(n);
            case Op.TransposeConv t -> opaque(n);
            case Op.StridedSlice s -> opaque(n);
            case Op.Transpose t -> opaque(n);
            // Both resizes map channel c of the input to channel c of the output.
            case Op.Resize r -> same(in, out);
            case Op.Svdf s -> opaque(n);
            case Op.UnidirectionalSequenceLstm l -> opaque(n);
            case Op.BidirectionalSequenceLstm l -> opaque(n);
            case Op.Opaque o -> opaque(n);
        }
    }

    private boolean padsChannels(int paddings) {
        int[] p = TensorBytes.ints(TensorBytes.le(graph.tensor(paddings).data()), graph.tensor(paddings).dtype(), (int) graph.tensor(paddings).shape().elements());
        return p.length < 2 || p[p.length - 1] != 0 || p[p.length - 2] != 0;
    }

    private boolean reducesChannels(int axes, int rank) {
        int[] a = TensorBytes.ints(TensorBytes.le(graph.tensor(axes).data()), graph.tensor(axes).dtype(), (int) graph.tensor(axes).shape().elements());
        for (int x : a) if (x == -1 || x == rank - 1) return true;
        return false;
    }

    private void elementwise(Node n) {
        int out = n.output(0);
        int c = channels(out);
        List<Integer> acts = new ArrayList<>();
        for (int t : n.inputs()) {
            if (t < 0) continue;
            Tensor x = graph.tensor(t);
            if (x.isConstant()) {
                if (x.shape().elements() == 1) continue;
                if (x.shape().elements() == c && x.shape().dim(-1) == c) {
                    slices.add(new Slice(t, x.shape().rank() - 1, out, false));
                    continue;
                }
                opaque(n);
                return;
            }
            if (!x.shape().equals(graph.tensor(out).shape()) || grp[t] == null) { opaque(n); return; }
            acts.add(t);
        }
        if (acts.isEmpty()) { opaque(n); return; }
        int first = acts.get(0);
        for (int t : acts.subList(1, acts.size())) {
            for (int k = 0; k < c; k++) {
                int a = grp[first][k], b = grp[t][k];
                if ((a < 0) != (b < 0) || (a >= 0 && (idx[first][k] != idx[t][k] || sizes[find(a)] != sizes[find(b)]))) {
                    opaque(n);
                    return;
                }
            }
        }
        for (int t : acts.subList(1, acts.size())) {
            for (int k = 0; k < c; k++) {
                int a = grp[first][k], b = grp[t][k];
                if (a < 0) continue;
                int ra = find(a), rb = find(b);
                if (ra != rb) {
                    parent[rb] = ra;
                    fixed[ra] |= fixed[rb];
                }
            }
        }
        grp[out] = grp[first];
        idx[out] = idx[first];
    }

    private void concat(Node n, Op.Concat c) {
        int out = n.output(0);
        int rank = graph.tensor(out).shape().rank();
        int axis = c.axis() < 0 ? c.axis() + rank : c.axis();
        if (axis != rank - 1) { opaque(n); return; }
        int total = channels(out);
        int[] g = new int[total], ix = new int[total];
        int at = 0;
        for (int t : n.inputs()) {
            if (t < 0) continue;
            if (graph.tensor(t).isConstant() || grp[t] == null) { opaque(n); return; }
            System.arraycopy(grp[t], 0, g, at, grp[t].length);
            System.arraycopy(idx[t], 0, ix, at, idx[t].length);
            at += grp[t].length;
        }
        if (at != total) { opaque(n); return; }
        grp[out] = g;
        idx[out] = ix;
    }

    private void reshape(Node n) {
        int in = n.input(0), out = n.output(0);
        Shape sin = graph.tensor(in).shape(), sout = graph.tensor(out).shape();
        if (grp[in] == null || sin.rank() < 2 || sout.rank() < 2 || sin.dim(0) != sout.dim(0) || sin.elements() != sout.elements()) { opaque(n); return; }
        int cin = sin.dim(-1), last = sout.dim(-1);
        if (last % cin != 0) { opaque(n); return; }
        grp[out] = new int[last];
        idx[out] = new int[last];
        for (int k = 0; k < last; k++) {
            grp[out][k] = grp[in][k % cin];
            idx[out][k] = idx[in][k % cin];
        }
    }

    private int root(int gi) { return rootIndex[find(gi)]; }

    /** Which entries of tensor {@code t}'s channel axis {@code keep} keeps (null: all, or not an activation). */
    private boolean[] kept(int t, boolean[][] keep) {
        if (grp[t] == null) return null;
        boolean[] k = new boolean[grp[t].length];
        for (int i = 0; i < k.length; i++) k[i] = grp[t][i] < 0 || keep[root(grp[t][i])][idx[t][i]];
        return k;
    }

    private void check(boolean[][] keep) {
        if (keep.length != groups.size()) throw new IllegalArgumentException("masks for " + keep.length + " groups, the graph has " + groups.size());
        for (Group gr : groups) {
            boolean any = false;
            for (boolean b : keep[gr.id()]) any |= b;
            if (keep[gr.id()].length != gr.size()) throw new IllegalArgumentException("group " + gr.name() + " has " + gr.size() + " channels, the mask " + keep[gr.id()].length);
            if (!any) throw new IllegalArgumentException("group " + gr.name() + " would lose every channel");
            if (!gr.prunable()) for (boolean b : keep[gr.id()]) if (!b) throw new IllegalArgumentException("group " + gr.name() + " is not prunable");
        }
    }

    /** The kept-channel count of each group. */
    public static int[] counts(boolean[][] keep) {
        int[] c = new int[keep.length];
        for (int i = 0; i < keep.length; i++) for (boolean b : keep[i]) if (b) c[i]++;
        return c;
    }

    /** The graph with the dropped channels removed: smaller weights, activations and consumers. */
    public Graph prune(boolean[][] keep) {
        check(keep);
        List<Tensor> ts = new ArrayList<>(graph.tensors());
        boolean[][][] sel = selections(keep);
        for (Tensor t : graph.tensors()) {
            if (t.isConstant()) {
                if (sel[t.id()] != null) ts.set(t.id(), sliceConstant(t, sel[t.id()]));
                continue;
            }
            boolean[] k = kept(t.id(), keep);
            if (k == null) continue;
            int[] d = t.shape().dims();
            if (d.length == 0) continue;
            d[d.length - 1] = count(k);
            ts.set(t.id(), t.withShape(new Shape(d)));
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (n.op() instanceof Op.Reshape r) {
                Shape s = ts.get(n.output(0)).shape();
                int[] ns = r.newShape();
                if (ns.length == s.rank() && ns[ns.length - 1] != -1) ns[ns.length - 1] = s.dim(-1);
                nodes.add(new Node(n.id(), new Op.Reshape(ns), n.inputs(), n.outputs()));
                if (n.hasInput(1) && graph.tensor(n.input(1)).isConstant()) {
                    Tensor st = graph.tensor(n.input(1));
                    int[] v = TensorBytes.ints(TensorBytes.le(st.data()), st.dtype(), (int) st.shape().elements());
                    if (v.length == s.rank()) {
                        if (v[v.length - 1] != -1) v[v.length - 1] = s.dim(-1);
                        if (st.dtype() == DType.I32) ts.set(st.id(), st.withData(TensorBytes.ofInts(v)));
                    }
                }
            } else {
                nodes.add(n);
            }
        }
        return new Graph(graph.name(), ts, nodes, graph.inputs(), graph.outputs(), graph.metadata());
    }

    /** The unpruned graph with the weights that read or write a dropped channel set to zero. */
    public Graph mask(boolean[][] keep) {
        check(keep);
        List<Tensor> ts = new ArrayList<>(graph.tensors());
        boolean[][][] sel = selections(keep);
        for (Tensor t : graph.tensors()) {
            if (!t.isConstant() || sel[t.id()] == null || t.dtype() != DType.F32) continue;
            float[] v = TensorBytes.floats(t);
            int[] d = t.shape().dims();
            int[] pos = new int[d.length];
            for (int i = 0; i < v.length; i++) {
                int r = i;
                for (int k = d.length - 1; k >= 0; k--) {
                    pos[k] = r % d[k];
                    r /= d[k];
                }
                for (int k = 0; k < d.length; k++) if (sel[t.id()][k] != null && !sel[t.id()][k][pos[k]]) { v[i] = 0f; break; }
            }
            ts.set(t.id(), t.withData(TensorBytes.ofFloats(v)));
        }
        return new Graph(graph.name(), ts, graph.nodes(), graph.inputs(), graph.outputs(), graph.metadata());
    }

    /**
     * The constant entries each channel owns: {@code positions(c)[group][channel]} is a list of
     * (tensor id, flat index) pairs, flattened; with {@code consumers} the entries of the layers that
     * read the channel, else those of the layers that write it (weights, bias, per-channel
     * parameters). Used to hold dropped channels at zero while training and to measure saliency.
     */
    public int[][][] positions(boolean consumers) {
        List<List<List<int[]>>> acc = new ArrayList<>();
        for (Group gr : groups) {
            List<List<int[]>> ch = new ArrayList<>();
            for (int i = 0; i < gr.size(); i++) ch.add(new ArrayList<>());
            acc.add(ch);
        }
        for (Slice s : slices) {
            if (s.consumer() != consumers) continue;
            int[] d = graph.tensor(s.constant()).shape().dims();
            int n = (int) graph.tensor(s.constant()).shape().elements();
            int inner = 1;
            for (int k = s.dim() + 1; k < d.length; k++) inner *= d[k];
            for (int i = 0; i < n; i++) {
                int e = (i / inner) % d[s.dim()];
                int gi = grp[s.mapOf()][e];
                if (gi < 0) continue;
                acc.get(root(gi)).get(idx[s.mapOf()][e]).add(new int[] {s.constant(), i});
            }
        }
        int[][][] out = new int[groups.size()][][];
        for (int g = 0; g < groups.size(); g++) {
            out[g] = new int[groups.get(g).size()][];
            for (int c = 0; c < out[g].length; c++) {
                List<int[]> l = acc.get(g).get(c);
                int[] flat = new int[l.size() * 2];
                for (int j = 0; j < l.size(); j++) {
                    flat[2 * j] = l.get(j)[0];
                    flat[2 * j + 1] = l.get(j)[1];
                }
                out[g][c] = flat;
            }
        }
        return out;
    }

    private boolean[][][] selections(boolean[][] keep) {
        boolean[][][] sel = new boolean[graph.tensors().size()][][];
        for (Slice s : slices) {
            Tensor c = graph.tensor(s.constant());
            if (sel[c.id()] == null) sel[c.id()] = new boolean[c.shape().rank()][];
            boolean[] k = kept(s.mapOf(), keep);
            if (k.length != c.shape().dim(s.dim())) throw new GraphException("constant " + c.name() + " dimension " + s.dim() + " does not match the channels of " + graph.tensor(s.mapOf()).name());
            sel[c.id()][s.dim()] = k;
        }
        return sel;
    }

    private static int count(boolean[] k) {
        int c = 0;
        for (boolean b : k) if (b) c++;
        return c;
    }

    private static Tensor sliceConstant(Tensor t, boolean[][] sel) {
        int[] d = t.shape().dims();
        int[] nd = d.clone();
        for (int k = 0; k < d.length; k++) if (sel[k] != null) nd[k] = count(sel[k]);
        int size = t.dtype().bytes();
        long total = 1;
        for (int x : nd) total *= x;
        byte[] src = t.data(), dst = new byte[Math.toIntExact(total * size)];
        int n = (int) t.shape().elements();
        int[] pos = new int[d.length];
        int w = 0;
        outer:
        for (int i = 0; i < n; i++) {
            int r = i;
            for (int k = d.length - 1; k >= 0; k--) {
                pos[k] = r % d[k];
                r /= d[k];
            }
            for (int k = 0; k < d.length; k++) if (sel[k] != null && !sel[k][pos[k]]) continue outer;
            System.arraycopy(src, i * size, dst, w * size, size);
            w++;
        }
        return Tensor.constant(t.id(), t.name(), t.dtype(), new Shape(nd), t.quant(), dst);
    }
}
