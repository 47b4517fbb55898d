package org.tinyfit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinyfit.cost.Cost;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.MinPeakResult;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main job on an embedded default: does a small CNN fit a few real boards, and does reordering help? */
@Command(name = "boards", mixinStandardHelpOptions = true,
        header = "A built-in network's verdicts on six boards, and what reordering changes.",
        description = {"The main job on an embedded default, no files needed: tinyfit builds a small",
            "int8 CNN in code (two branches joined by a concatenation), analyzes it against",
            "a few real boards as TFLite Micro would run it, and shows each board's verdict:",
            "FITS, or DOES NOT FIT and by how much. Then it reorders the operators to lower",
            "the peak memory and shows what changes.",
            "",
            "The same analysis on your own model: tinyfit analyze MODEL.tflite --device NAME"},
        footer = {"", "Example: tinyfit demo boards --device nucleo-f446re,stm32f746g-disco"})
final class BoardsDemo implements Callable<Integer> {
    /** The boards the demo shows, small to large. */
    static final List<String> BOARDS = List.of("arduino-zero", "nucleo-f446re", "raspberry-pi-pico", "arduino-nano-33-ble-sense", "stm32f746g-disco", "esp32-s3-devkitc-1");

    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the per-board costs and the reordering as JSON.")
    boolean json;

    @Option(names = {"-d", "--device"}, paramLabel = "NAME", split = ",",
            description = "Boards to show instead of the default ones (ids or names, comma-separated).")
    List<String> devices;

    /**
     * A small int8 CNN on a 1x48x48x1 image: a stem convolution, then an inception-style block of
     * two branches (A: downsample, then expand; B: expand, then downsample) joined by a
     * concatenation. The stored order runs branch A first, so A's expanded output is still live
     * while B expands: running B first lowers the peak memory.
     */
    static Graph demoNetwork() {
        GraphBuilder b = new GraphBuilder("demo-cnn");
        Quantization q = Quantization.perTensor(0.05f, -128);
        int x = b.input("image", DType.I8, q, 1, 48, 48, 1);
        int stem = conv(b, "stem", x, 1, 16, 3, 1);
        int a1 = depthwise(b, "branch_a/dw", stem, 16, 2);
        int a2 = conv(b, "branch_a/expand", a1, 16, 64, 1, 1);
        int b1 = conv(b, "branch_b/expand", stem, 16, 32, 1, 1);
        int b2 = depthwise(b, "branch_b/dw", b1, 32, 2);
        int cat = b.node(new Op.Concat(3, Op.Act.NONE), "concat", a2, b2);
        int mix = conv(b, "mix", cat, 96, 32, 3, 2);
        int pool = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 12, 12, 12, 12, Op.Act.NONE), "pool", mix);
        int flat = b.node(new Op.Reshape(new int[] {1, 32}), "flatten", pool);
        int w = b.constant("fc/w", DType.I8, Shape.of(10, 32), Quantization.perTensor(0.01f, 0), weights(10 * 32));
        int bias = b.constant("fc/b", DType.I32, Shape.of(10), new byte[40]);
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", flat, w, bias);
        int probs = b.node(new Op.Softmax(1f), "probs", DType.I8, Quantization.perTensor(1f / 256, -128), fc);
        return b.output(probs).build();
    }

    private static int conv(GraphBuilder b, String name, int x, int in, int out, int k, int stride) {
        int w = b.constant(name + "/w", DType.I8, Shape.of(out, k, k, in), Quantization.perTensor(0.01f, 0), weights(out * k * k * in));
        int bias = b.constant(name + "/b", DType.I32, Shape.of(out), new byte[out * 4]);
        return b.node(new Op.Conv2D(Op.Padding.SAME, stride, stride, 1, 1, Op.Act.RELU), name, x, w, bias);
    }

    private static int depthwise(GraphBuilder b, String name, int x, int c, int stride) {
        int w = b.constant(name + "/w", DType.I8, Shape.of(1, 3, 3, c), Quantization.perTensor(0.01f, 0), weights(9 * c));
        int bias = b.constant(name + "/b", DType.I32, Shape.of(c), new byte[c * 4]);
        return b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, stride, stride, 1, 1, 1, Op.Act.RELU6), name, x, w, bias);
    }

    /** Deterministic small weights (the demo's numbers do not depend on their values). */
    private static byte[] weights(int n) {
        byte[] w = new byte[n];
        for (int i = 0; i < n; i++) w[i] = (byte) ((i * 37 + 11) % 15 - 7);
        return w;
    }

    /** One board's result: as stored, and after reordering. */
    record BoardResult(Device device, Cost stored, Cost reordered) {}

    record Report(String model, long macs, long parameters, int ops, String reorderMethod, int[] reorderedOrder,
                  long storedLiveBytes, long reorderedLiveBytes, List<BoardResult> boards) {}

    @Override public Integer call() throws Exception {
        Graph g = demoNetwork();
        DeviceCatalog catalog = DeviceCatalog.builtin();
        List<Device> boards = new ArrayList<>();
        for (String id : devices == null ? BOARDS : devices) boards.add(DevicesCommand.find(catalog, id));
        MinPeakResult minPeak = MinPeakScheduler.minimize(g);
        Schedule stored = Schedule.stored(g);
        Schedule better = minPeak.schedule();
        ArenaPlan storedPlan = new TflmGreedyPlanner().plan(g, stored);
        ArenaPlan betterPlan = new TflmGreedyPlanner().plan(g, better);
        List<BoardResult> results = new ArrayList<>();
        for (Device d : boards) results.add(new BoardResult(d, Cost.of(g, d, stored, storedPlan), Cost.of(g, d, better, betterPlan)));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Cost first = results.get(0).stored();
            Report r = new Report(g.name(), first.macs(), first.parameters(), g.nodes().size(), minPeak.method(), better.order(),
                    minPeak.storedPeakBytes(), minPeak.peakBytes(), results);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            return 0;
        }
        print(out, g, results, minPeak);
        return 0;
    }

    private static void print(PrintWriter out, Graph g, List<BoardResult> results, MinPeakResult minPeak) {
        Cost ref = results.get(results.size() - 1).stored();
        out.printf("tinyfit demo: %s, an int8 CNN built in code: %d ops, %,d MACs, %,d parameters%n%n", g.name(), g.nodes().size(), ref.macs(), ref.parameters());
        out.println("Stored order (what TFLite Micro runs), latency on " + results.get(results.size() - 1).device().name() + ":");
        CostText.table(out, ref);
        out.println();
        out.printf("Per board (arena by TFLite Micro's greedy planner: %,d B; + TFLite Micro's persistent data, estimated):%n", ref.arenaBytes());
        verdicts(out, results, false);
        out.println();
        if (minPeak.keptStoredOrder()) {
            out.printf("Operator reordering (%s): the stored order is already the best; live peak %,d B.%n", minPeak.method(), minPeak.peakBytes());
        } else {
            Cost after = results.get(0).reordered();
            out.printf("Operator reordering (%s): live peak %,d B -> %,d B; arena %,d B -> %,d B.%n", minPeak.method(),
                    minPeak.storedPeakBytes(), minPeak.peakBytes(), results.get(0).stored().arenaBytes(), after.arenaBytes());
            StringBuilder order = new StringBuilder();
            for (int node : minPeak.schedule().order()) order.append(order.isEmpty() ? "" : ", ").append(g.tensor(g.node(node).output(0)).name());
            out.println("New order: " + order);
            verdicts(out, results, true);
        }
        out.println();
        out.println("Numbers: docs/analyze.md. Your model: tinyfit analyze MODEL.tflite --device NAME. Boards: tinyfit devices.");
    }

    private static void verdicts(PrintWriter out, List<BoardResult> results, boolean reordered) {
        out.printf("  %-26s %-11s %22s %24s %11s  %s%n", "board", "core", "SRAM used / total", "flash used / total", "latency", "verdict");
        for (BoardResult r : results) {
            Cost c = reordered ? r.reordered() : r.stored();
            Device d = r.device();
            String change = reordered && c.verdict().fits() != r.stored().verdict().fits() ? "  <- changed by reordering" : "";
            out.printf("  %-26s %-11s %,10d / %,9d %,11d / %,10d %8.1f ms  %s%s%n", d.name(), d.core().display(), c.sramBytes(), d.sramBytes(),
                    c.flashBytes(), d.flashBytes(), c.latencyMillis(), c.verdict().sentence(), change);
        }
    }
}
