package org.tinyfit.runtime;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.InPlace;
import org.tinyfit.memory.Schedule;

/**
 * Runs a graph in one {@code byte[]} arena, allocated once, with every activation tensor at the
 * offset an {@link ArenaPlan} gives it, in the order a {@link Schedule} gives. Construction checks
 * that the schedule is a valid order, that the plan gives every tensor a node touches its own bytes
 * while it is live (no two live tensors overlap), and prepares every node's kernel, so a model the
 * runtime cannot run fails here with a one-line message naming the node. A plan may put a node's
 * output over an input that dies with it where {@link InPlace} allows (element-wise ops; depthwise
 * and pooling, which then run one channel at a time through a plane of scratch): those nodes run in
 * place.
 */
public final class Interpreter {
    /** Kernel sets consulted before the built-in kernels (e.g. 16-bit activations, SVDF). */
    public static List<KernelProvider> defaultProviders() {
        return List.of(new Int16Provider());
    }

    private final Graph graph;
    private final Schedule schedule;
    private final ArenaPlan plan;
    private final Arena arena;
    private final PreparedKernel[] steps;
    private final Node[] stepNodes;

    /** With the fast kernels and the default providers. */
    public Interpreter(Graph graph, Schedule schedule, ArenaPlan plan) {
        this(graph, schedule, plan, defaultProviders(), true);
    }

    public Interpreter(Graph graph, Schedule schedule, ArenaPlan plan, List<KernelProvider> providers, boolean fast) {
        this.graph = graph;
        this.schedule = schedule;
        this.plan = plan;
        schedule.check(graph);
        boolean[] inPlace = PlanCheck.check(graph, schedule, plan);
        this.arena = new Arena(graph, plan);
        this.steps = new PreparedKernel[schedule.size()];
        this.stepNodes = new Node[schedule.size()];
        for (int s = 0; s < schedule.size(); s++) {
            Node node = graph.node(schedule.node(s));
            stepNodes[s] = node;
            Kernel k = null;
            for (KernelProvider p : providers) {
                k = p.kernelFor(node, graph, fast);
                if (k != null) break;
            }
            if (k == null) k = BuiltinKernels.forOp(node.op(), fast, inPlace[node.id()]);
            PreparedKernel prepared = k.prepare(node, graph);
            if (prepared == null) throw KernelSupport.fail(node, "its kernel prepared nothing to run");
            steps[s] = prepared;
        }
        resetVariables();
    }

    public Graph graph() { return graph; }

    public Schedule schedule() { return schedule; }

    public ArenaPlan plan() { return plan; }

    /** The arena (for inspection after a run: graph outputs and the last-written tensors are there). */
    public Arena arena() { return arena; }

    /** Runs the graph on {@code inputs} (one byte array per graph input, little-endian, in the graph's input order). */
    public byte[][] run(byte[][] inputs) { return run(inputs, null); }

    /** Runs the graph, calling {@code listener} (if not null) after every node. */
    public byte[][] run(byte[][] inputs, StepListener listener) {
        int[] ins = graph.inputs();
        if (inputs == null || inputs.length != ins.length) {
            throw new GraphException("the model has " + ins.length + " input" + (ins.length == 1 ? "" : "s") + ", got " + (inputs == null ? 0 : inputs.length));
        }
        for (int k = 0; k < ins.length; k++) {
            Tensor t = graph.tensor(ins[k]);
            if (inputs[k] == null || inputs[k].length != t.bytes()) {
                throw new GraphException("input " + k + " (" + t.name() + ") needs " + t.bytes() + " bytes (" + t.describe() + "), got "
                        + (inputs[k] == null ? "none" : inputs[k].length));
            }
        }
        for (int k = 0; k < ins.length; k++) if (arena.writable(ins[k])) arena.write(ins[k], inputs[k]);
        for (int s = 0; s < steps.length; s++) {
            steps[s].run(arena);
            if (listener != null) listener.afterNode(s, stepNodes[s], arena);
        }
        int[] outs = graph.outputs();
        byte[][] result = new byte[outs.length][];
        for (int k = 0; k < outs.length; k++) result[k] = arena.read(outs[k]);
        return result;
    }

    /**
     * Sets every variable tensor (state kept across runs, e.g. SVDF's) to its initial value, as TFLite
     * Micro's ResetVariableTensors does: an int8 one to its zero point, any other to zero.
     */
    public void resetVariables() {
        for (Tensor t : graph.tensors()) {
            if (!t.variable() || !arena.writable(t.id())) continue;
            arena.zero(t.id());
            if (t.dtype() == org.tinyfit.graph.DType.I8 && t.quant() != null && t.quant().zeroPoint() != 0) {
                for (int i = 0; i < arena.elements(t.id()); i++) arena.setI8(t.id(), i, (int) t.quant().zeroPoint());
            }
        }
    }

    /** Checks that a plan keeps every live tensor in bytes of its own, for a given schedule. */
    static final class PlanCheck {
        private PlanCheck() {}

        /** Throws unless the plan is safe; returns, per node id, whether it runs in place over an input (same offset). */
        static boolean[] check(Graph g, Schedule schedule, ArenaPlan plan) {
            int nt = g.tensors().size();
            long[] off = plan.offsets();
            if (off.length != nt) throw new GraphException("the arena plan (" + plan.planner() + ") places " + off.length + " tensors, the graph has " + nt);
            int steps = schedule.size();
            int[] stepOf = new int[g.nodes().size()];
            for (int s = 0; s < steps; s++) stepOf[schedule.node(s)] = s;
            int[] first = new int[nt], last = new int[nt];
            java.util.Arrays.fill(first, -1);
            java.util.Arrays.fill(last, -1);
            boolean[] used = new boolean[nt];
            for (int t : g.inputs()) { first[t] = 0; last[t] = Math.max(last[t], 0); used[t] = true; }
            for (int s = 0; s < steps; s++) {
                Node n = g.node(schedule.node(s));
                for (int t : n.outputs()) {
                    if (first[t] < 0) first[t] = s;
                    last[t] = Math.max(last[t], s);
                    used[t] = true;
                }
                for (int t : n.inputs()) {
                    if (t < 0) continue;
                    if (first[t] < 0) first[t] = 0;
                    last[t] = Math.max(last[t], s);
                    used[t] = true;
                }
            }
            for (int t : g.outputs()) { used[t] = true; if (first[t] < 0) first[t] = 0; last[t] = Math.max(steps - 1, 0); }
            List<Integer> placed = new ArrayList<>();
            for (int t = 0; t < nt; t++) {
                Tensor tensor = g.tensor(t);
                if (!used[t] || tensor.isConstant()) continue;
                if (tensor.variable()) { first[t] = 0; last[t] = Math.max(steps - 1, 0); }
                if (off[t] < 0) {
                    if (tensor.variable()) continue;
                    throw new GraphException("the arena plan (" + plan.planner() + ") gives tensor " + t + " (" + tensor.name() + ") no offset, but the graph uses it");
                }
                if (off[t] + tensor.bytes() > plan.arenaBytes()) {
                    throw new GraphException("the arena plan (" + plan.planner() + ") puts tensor " + t + " (" + tensor.name() + ", " + tensor.bytes()
                            + " bytes) at offset " + off[t] + ", past the end of its " + plan.arenaBytes() + "-byte arena");
                }
                if (tensor.bytes() > 0) placed.add(t);
            }
            for (int i = 0; i < placed.size(); i++) {
                int a = placed.get(i);
                for (int j = i + 1; j < placed.size(); j++) {
                    int b = placed.get(j);
                    boolean timeOverlap = first[a] <= last[b] && first[b] <= last[a];
                    boolean spaceOverlap = off[a] < off[b] + g.tensor(b).bytes() && off[b] < off[a] + g.tensor(a).bytes();
                    if (timeOverlap && spaceOverlap && !aliasedCopy(g, a, b, off, stepOf, last)) {
                        throw new GraphException("the arena plan (" + plan.planner() + ") overlaps tensor " + a + " (" + g.tensor(a).name() + ", bytes "
                                + off[a] + ".." + (off[a] + g.tensor(a).bytes()) + ") with tensor " + b + " (" + g.tensor(b).name() + ", bytes " + off[b] + ".."
                                + (off[b] + g.tensor(b).bytes()) + ") while both are live; plan for this schedule");
                    }
                }
            }
            long[][] scratch = plan.scratchOffsets();
            for (int s = 0; s < steps; s++) {
                Node n = g.node(schedule.node(s));
                if (n.id() >= scratch.length) continue;
                java.util.List<org.tinyfit.memory.ScratchRequirement> reqs = org.tinyfit.memory.ScratchRequirement.of(g, n);
                for (int i = 0; i < scratch[n.id()].length && i < reqs.size(); i++) {
                    long so = scratch[n.id()][i], sb = reqs.get(i).bytes();
                    if (so < 0 || sb == 0) continue;
                    if (so + sb > plan.arenaBytes()) {
                        throw new GraphException("the arena plan (" + plan.planner() + ") puts scratch buffer " + i + " of " + n.label() + " past the end of its arena");
                    }
                    for (int t : placed) {
                        if (first[t] <= s && s <= last[t] && off[t] < so + sb && so < off[t] + g.tensor(t).bytes()) {
                            throw new GraphException("the arena plan (" + plan.planner() + ") overlaps scratch buffer " + i + " of " + n.label()
                                    + " (bytes " + so + ".." + (so + sb) + ") with tensor " + t + " (" + g.tensor(t).name() + "), live at that step");
                        }
                    }
                }
            }
            boolean[] inPlace = new boolean[g.nodes().size()];
            for (Node n : g.nodes()) {
                int out = n.output(0);
                if (off[out] < 0) continue;
                for (int t : n.inputs()) {
                    if (t >= 0 && t != out && off[t] == off[out] && !g.tensor(t).isConstant() && inPlaceOver(g, t, out, stepOf, last)) inPlace[n.id()] = true;
                }
            }
            return inPlace;
        }

        /**
         * Whether output {@code b} of some node may share bytes with its input {@code a} (or the
         * reverse): the node has an {@link InPlace} rule naming that input, the input dies at that node,
         * and both start at the same offset.
         */
        private static boolean aliasedCopy(Graph g, int a, int b, long[] off, int[] step, int[] last) {
            if (off[a] != off[b]) return false;
            return inPlaceOver(g, a, b, step, last) || inPlaceOver(g, b, a, step, last);
        }

        private static boolean inPlaceOver(Graph g, int input, int output, int[] step, int[] last) {
            int p = g.producer(output);
            if (p < 0 || last[input] != step[p]) return false;
            InPlace.Rule rule = InPlace.rule(g, g.node(p));
            if (rule == null) return false;
            for (int t : rule.inputs()) if (t == input) return true;
            return false;
        }
    }
}
