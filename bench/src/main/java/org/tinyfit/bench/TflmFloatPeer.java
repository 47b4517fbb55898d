package org.tinyfit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.kernels.BinaryKernel;
import org.tinyfit.runtime.kernels.fast.FastBinary;
import org.tinyfit.runtime.kernels.fast.FastConv;
import org.tinyfit.runtime.kernels.fast.FastDepthwiseConv;
import org.tinyfit.runtime.kernels.fast.FastFullyConnected;
import org.tinyfit.runtime.kernels.fast.Simd;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.KernelProvider;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Float inference of the same .tflite file in tinyfit's runtime and in TFLite Micro (reference
 * kernels), in one run: the models of {@link FloatCnns} are written as .tflite, read back by tinyfit
 * and loaded by a TFLite Micro program that times its own {@code Invoke} ({@code invoke_timer}, built
 * from TFLite Micro outside this repository; docs/bench-runtime.md says how). Both get the shared
 * models' LCG input (seed 0); the outputs must agree within 1e-5 of max(1, |TFLM's|) before anything
 * is timed. Then windows of runs alternate between tinyfit's fast kernels (on the Vector API when the
 * JVM has it), the same fast kernels without the Vector API ("scalar fast", what runs where the module
 * is absent), its reference kernels and TFLM; medians of single-invoke latencies and the ratios to TFLM are printed, and tinyfit's time per
 * op kind (fast kernels). Pin the whole run to one core ({@code taskset -c 0}): TFLM runs on one
 * thread, and the process TFLM runs in inherits the affinity.
 *
 * <pre>taskset -c 0 bench/run main TflmFloatPeer /work/tflm-floatbench/invoke_timer [runsPerWindow=20] [windows=10] [model,...]</pre>
 */
public final class TflmFloatPeer {
    record Side(String name, Interpreter interpreter) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TflmFloatPeer INVOKE_TIMER [runsPerWindow=20] [windows=10] [model,...]");
            System.exit(2);
        }
        Path timer = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int windows = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        List<String> models = args.length > 3 ? List.of(args[3].split(",")) : FloatCnns.names();
        System.out.printf(Locale.ROOT, "%d windows x %d runs per side, batch 1, %d CPU(s) visible to the JVM%n", windows, runs,
                Runtime.getRuntime().availableProcessors());
        for (String m : models) measure(timer, m, runs, windows);
    }

    static void measure(Path timer, String name, int runs, int windows) throws Exception {
        Path file = Files.createTempFile(name, ".tflite");
        Files.write(file, TfliteWriter.write(FloatCnns.byName(name)));
        Graph g = TfliteReader.read(file);
        Schedule s = Schedule.stored(g);
        List<KernelProvider> providers = Interpreter.defaultProviders();
        Map<String, Side> sides = new LinkedHashMap<>();
        sides.put("fast", new Side("fast", new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), providers, true)));
        if (Simd.AVAILABLE) {
            List<KernelProvider> scalar = new ArrayList<>(providers);
            scalar.add(TflmFloatPeer::scalarFast);
            sides.put("scalar fast", new Side("scalar fast", new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), scalar, true)));
        }
        sides.put("reference", new Side("reference", new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), providers, false)));
        byte[][] feed = {lcgFloats(g.tensor(g.inputs()[0]).shape().elements(), 0)};
        Process p = new ProcessBuilder(timer.toString(), file.toString(), "0").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            String line = out.readLine();
            if (line == null || !line.startsWith("output 0 ")) throw new IllegalStateException(name + ": TFLM printed " + line);
            float[] want = TensorBytes.floats(TensorBytes.le(HexFormat.of().parseHex(line.substring(9))), g.tensor(g.outputs()[0]).shape().elements());
            double maxDiff = 0;
            for (Side side : sides.values()) {
                float[] got = TensorBytes.floats(TensorBytes.le(side.interpreter().run(feed)[0]), want.length);
                for (int i = 0; i < want.length; i++) {
                    double d = Math.abs(got[i] - want[i]);
                    maxDiff = Math.max(maxDiff, d);
                    if (!(d <= 1e-5 * Math.max(1, Math.abs(want[i])))) {
                        throw new IllegalStateException(name + " (" + side.name() + "): output " + i + " is " + got[i] + " in tinyfit, " + want[i] + " in TFLM");
                    }
                }
            }
            Map<String, long[]> ns = new LinkedHashMap<>();
            for (String k : sides.keySet()) ns.put(k, new long[runs * windows]);
            long[] tflm = new long[runs * windows];
            for (int w = -1; w < windows; w++) { // window -1 warms every side up and is not counted
                for (Side side : sides.values()) {
                    long[] t = ns.get(side.name());
                    for (int k = 0; k < runs; k++) {
                        long t0 = System.nanoTime();
                        side.interpreter().run(feed);
                        if (w >= 0) t[w * runs + k] = System.nanoTime() - t0;
                    }
                }
                in.println(runs);
                String times = out.readLine();
                if (times == null || !times.startsWith("times ")) throw new IllegalStateException(name + ": TFLM printed " + times);
                long[] v = Arrays.stream(times.substring(6).trim().split(" ")).mapToLong(Long::parseLong).toArray();
                if (w >= 0) System.arraycopy(v, 0, tflm, w * runs, runs);
            }
            in.println("q");
            double tflmUs = median(tflm) / 1e3;
            System.out.printf(Locale.ROOT, "%n%s: %,d B .tflite, outputs agree with TFLM (max abs diff %.2g)%n", name, Files.size(file), maxDiff);
            System.out.printf(Locale.ROOT, "| side | median (us) | / TFLM |%n|---|---:|---:|%n");
            System.out.printf(Locale.ROOT, "| TFLM reference kernels | %.1f | 1.00 |%n", tflmUs);
            for (Map.Entry<String, long[]> e : ns.entrySet()) {
                double us = median(e.getValue()) / 1e3;
                System.out.printf(Locale.ROOT, "| tinyfit %s kernels | %.1f | %.3f |%n", e.getKey(), us, us / tflmUs);
            }
            profile(sides.get("fast").interpreter(), feed, runs * windows);
        } finally {
            p.waitFor();
            Files.deleteIfExists(file);
        }
    }

    /** The fast kernels without the Vector API, as they run when the module is absent. */
    static Kernel scalarFast(Node node, Graph g) {
        return switch (node.op()) {
            case Op.Conv2D c -> new FastConv(false);
            case Op.DepthwiseConv2D d -> new FastDepthwiseConv(false);
            case Op.FullyConnected f -> new FastFullyConnected(false);
            case Op.Add a -> new FastBinary(BinaryKernel.Kind.ADD, a.act(), false);
            default -> null;
        };
    }

    /** tinyfit's median time per node over {@code runs} runs, summed by op kind. */
    static void profile(Interpreter it, byte[][] feed, int runs) {
        int steps = it.schedule().size();
        long[][] t = new long[steps][runs];
        String[] kind = new String[steps];
        for (int r = 0; r < runs; r++) {
            long[] last = {System.nanoTime()};
            int rr = r;
            it.run(feed, (step, node, arena) -> {
                long now = System.nanoTime();
                t[step][rr] = now - last[0];
                kind[step] = node.op().kind();
                last[0] = now;
            });
        }
        Map<String, Double> byKind = new LinkedHashMap<>();
        for (int s = 0; s < steps; s++) byKind.merge(kind[s], median(t[s]) / 1e3, Double::sum);
        List<String> parts = new ArrayList<>();
        byKind.forEach((k, us) -> parts.add(String.format(Locale.ROOT, "%s %.1f", k, us)));
        System.out.println("tinyfit fast kernels, median us per op kind: " + String.join(", ", parts));
    }

    /** The shared models' input rule: x = x * 1103515245 + 12345 (mod 2^32) from 12345 + seed; each float ((x >> 16) & 0xffff) - 32768) / 32768. */
    static byte[] lcgFloats(int n, int seed) {
        int x = 12345 + seed;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            v[i] = (((x >>> 16) & 0xffff) - 32768) / 32768f;
        }
        return TensorBytes.ofFloats(v);
    }

    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
