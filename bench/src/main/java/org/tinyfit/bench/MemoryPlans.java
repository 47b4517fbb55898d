package org.tinyfit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.Random;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.PartialExecution;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.LiveRanges;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.PlanCheck;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.tflite.TfliteReader;

/**
 * For every .tflite under a folder (default ../shared/models), in the stored order: TFLite Micro's
 * greedy arena, the minimum-arena planner's arena, the live-bytes lower bound, whether the minimum is
 * proven, and the planning time (median of 5 runs after one warm-up run); the same for the
 * minimum-peak order ({@link MinPeakScheduler}) and for the graph after partial execution. Then a
 * summary over seeded random DAGs with random topological orders. Prints Markdown tables.
 */
public final class MemoryPlans {
    private MemoryPlans() { }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/models");
        List<Path> models;
        try (Stream<Path> s = Files.walk(dir)) {
            models = s.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
        }
        System.out.println("| model | order | nodes | buffers | TFLM greedy (B) | minimum-arena (B) | lower bound (B) | gap (B) | proven | TFLM time (µs) | minimum time (µs) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Path p : models) {
            Graph g = TfliteReader.read(p);
            String name = dir.relativize(p).toString();
            row(name, "stored", g, Schedule.stored(g));
            if (name.contains("/")) continue;
            row(name, "min-peak", g, MinPeakScheduler.schedule(g));
            Graph split = PartialExecution.apply(g).graph();
            if (split.nodes().size() != g.nodes().size()) row(name, "partial exec.", split, Schedule.stored(split));
        }
        randomSummary(args.length > 1 ? Integer.parseInt(args[1]) : 300);
    }

    private static void row(String name, String order, Graph g, Schedule s) {
        LiveRanges ranges = LiveRanges.of(g, s);
        TflmGreedyPlanner tflm = new TflmGreedyPlanner();
        MinimumArenaPlanner min = new MinimumArenaPlanner();
        ArenaPlan greedy = tflm.plan(g, s);
        MinimumArenaPlanner.Result best = min.solve(g, s);
        PlanCheck.verify(g, s, greedy);
        PlanCheck.verify(g, s, best.plan());
        long tflmMicros = medianMicros(() -> tflm.plan(g, s));
        long minMicros = medianMicros(() -> min.solve(g, s));
        System.out.printf("| %s | %s | %d | %d | %d | %d | %d | %d | %s | %d | %d |%n", name, order, g.nodes().size(), ranges.buffers().size(),
                greedy.arenaBytes(), best.plan().arenaBytes(), best.lowerBoundBytes(), best.gapBytes(), best.provenMinimal() ? "yes" : "no",
                tflmMicros, minMicros);
    }

    /** Seeded random DAGs of int8 [1, w] tensors (fully connected, concatenation and add nodes over recent tensors), random orders. */
    private static void randomSummary(int count) {
        int tflmAbove = 0, minReached = 0, provenGap = 0, unproven = 0;
        long tflmExcess = 0, minExcess = 0, maxMicros = 0;
        for (int seed = 0; seed < count; seed++) {
            Random rnd = new Random(seed);
            Graph g = randomDag(rnd, 6 + rnd.nextInt(25));
            Schedule s = randomOrder(g, rnd);
            long bound = LiveRanges.of(g, s).lowerBoundBytes();
            ArenaPlan greedy = new TflmGreedyPlanner().plan(g, s);
            long start = System.nanoTime();
            MinimumArenaPlanner.Result best = new MinimumArenaPlanner().solve(g, s);
            maxMicros = Math.max(maxMicros, (System.nanoTime() - start) / 1000);
            PlanCheck.verify(g, s, greedy);
            PlanCheck.verify(g, s, best.plan());
            if (greedy.arenaBytes() > bound) tflmAbove++;
            tflmExcess += greedy.arenaBytes() - bound;
            minExcess += best.gapBytes();
            if (best.gapBytes() == 0) minReached++;
            else if (best.provenMinimal()) provenGap++;
            else unproven++;
        }
        System.out.println();
        System.out.println("| random DAGs | TFLM above bound | minimum reaches bound | proven gap | not proven | TFLM bytes above bound (sum) | minimum bytes above bound (sum) | slowest minimum plan (µs) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %d | %d | %d | %d | %d | %d | %d |%n", count, tflmAbove, minReached, provenGap, unproven, tflmExcess, minExcess, maxMicros);
    }

    private static Graph randomDag(Random rnd, int nodes) {
        GraphBuilder b = new GraphBuilder("dag");
        List<Integer> ts = new ArrayList<>();
        List<Integer> ws = new ArrayList<>();
        int w0 = 16 + 16 * rnd.nextInt(8);
        ts.add(b.input("x", DType.I8, 1, w0));
        ws.add(w0);
        for (int i = 0; i < nodes; i++) {
            int a = ts.size() - 1 - rnd.nextInt(Math.min(4, ts.size()));
            int c = ts.size() - 1 - rnd.nextInt(Math.min(4, ts.size()));
            int kind = rnd.nextInt(5);
            int out;
            int w;
            if (kind == 0 && a != c) {
                w = ws.get(a) + ws.get(c);
                out = b.node(new Op.Concat(1, Op.Act.NONE), "cat" + i, ts.get(a), ts.get(c));
            } else if (kind == 1 && a != c && ws.get(a).equals(ws.get(c))) {
                w = ws.get(a);
                out = b.node(new Op.Add(Op.Act.NONE), "add" + i, ts.get(a), ts.get(c));
            } else {
                w = 1 + rnd.nextInt(8) * (rnd.nextBoolean() ? 16 : 7) + 16 * rnd.nextInt(4);
                int wt = b.constant("w" + i, DType.I8, Shape.of(w, ws.get(a)), new byte[w * ws.get(a)]);
                out = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc" + i, ts.get(a), wt, -1);
            }
            ts.add(out);
            ws.add(w);
        }
        Graph g0 = b.output(ts.get(ts.size() - 1)).build();
        List<Integer> outs = new ArrayList<>();
        for (int t : ts) if (g0.consumers(t).length == 0 && !g0.isGraphInput(t)) outs.add(t);
        return new Graph("dag", g0.tensors(), g0.nodes(), g0.inputs(), outs.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Schedule randomOrder(Graph g, Random rnd) {
        int n = g.nodes().size();
        int[] waiting = new int[n];
        for (var node : g.nodes()) {
            for (int t : java.util.Arrays.stream(node.inputs()).distinct().toArray()) if (t >= 0 && g.producer(t) >= 0) waiting[node.id()]++;
        }
        List<Integer> ready = new ArrayList<>();
        for (int i = 0; i < n; i++) if (waiting[i] == 0) ready.add(i);
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            int id = ready.remove(rnd.nextInt(ready.size()));
            order[k] = id;
            for (int t : g.node(id).outputs()) for (int c : g.consumers(t)) if (--waiting[c] == 0) ready.add(c);
        }
        return new Schedule(order);
    }

    private static long medianMicros(Runnable r) {
        r.run();
        long[] t = new long[5];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - start) / 1000;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
