package org.tinyfit.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.io.SourceLayout;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.onnx.OnnxReader;
import org.tinyfit.onnx.OnnxTensors;
import org.tinyfit.onnx.proto.OnnxProto;
import org.tinyfit.runtime.Interpreter;

/**
 * Float inference of the same ONNX models in tinyfit's runtime (the imported NHWC graph, fast kernels)
 * and in ONNX Runtime (CPU, 1 intra-op and 1 inter-op thread), batch 1. Each model's outputs must
 * agree within 1e-4 of max(1, |ONNX Runtime's|) (the NCHW input moved to NHWC for tinyfit, its outputs
 * back); then both run in alternating windows and the median latency of each and the ratio
 * tinyfit / ONNX Runtime are printed. Models: PyTorch's Conv2d and Linear layers from ONNX's
 * backend test data (libonnx-testdata) and a small CNN built here.
 *
 * <pre>bench/run main OnnxRuntimePeer [runsPerWindow=200] [windows=10] [testdata=/usr/share/libonnx-testdata/data/pytorch-converted]</pre>
 */
public final class OnnxRuntimePeer {
    static final String[] CASES = {"Conv2d", "Conv2d_depthwise", "Conv2d_depthwise_padded", "Conv2d_depthwise_strided",
        "Conv2d_depthwise_with_multiplier", "Conv2d_dilated", "Conv2d_groups", "Conv2d_no_bias", "Conv2d_padding",
        "Conv2d_strided", "Linear", "Linear_no_bias"};

    record Case(String name, Path model, float[] input, long[] shape) {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path data = Path.of(args.length > 2 ? args[2] : "/usr/share/libonnx-testdata/data/pytorch-converted");
        List<Case> cases = new ArrayList<>();
        for (String c : CASES) {
            Path dir = data.resolve("test_" + c);
            if (!Files.isDirectory(dir)) throw new IllegalStateException("no " + dir + " (install libonnx-testdata)");
            OnnxTensors.Value v = OnnxTensors.parse(Files.readAllBytes(dir.resolve("test_data_set_0/input_0.pb")), c);
            cases.add(new Case(c, dir.resolve("model.onnx"), v.floats(), Arrays.stream(v.dims()).asLongStream().toArray()));
        }
        Path cnn = Files.createTempFile("small_cnn", ".onnx");
        Files.write(cnn, PeerCnn.model(7).toByteArray());
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        float[] x = new float[3 * 32 * 32];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        cases.add(new Case("small CNN (built here)", cnn, x, new long[] {1, 3, 32, 32}));

        OrtEnvironment env = OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        System.out.printf(Locale.ROOT, "ONNX Runtime %s, %d windows x %d runs per side, batch 1, 1 thread each%n", env.getVersion(), windows, runs);
        System.out.printf(Locale.ROOT, "| model | max abs diff | tinyfit median (us) | ONNX Runtime median (us) | tinyfit / ORT |%n|---|---|---|---|---|%n");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            for (Case c : cases) measure(env, opts, c, runs, windows);
        }
        Files.deleteIfExists(cnn);
    }

    static void measure(OrtEnvironment env, OrtSession.SessionOptions opts, Case c, int runs, int windows) throws Exception {
        Graph g = OnnxReader.read(c.model());
        int in = g.inputs()[0], out = g.outputs()[0];
        double[] held = SourceLayout.toHeld(g, in, toDoubles(c.input()));
        float[] heldF = new float[held.length];
        for (int i = 0; i < held.length; i++) heldF[i] = (float) held[i];
        byte[][] feed = {TensorBytes.ofFloats(heldF)};
        Schedule s = Schedule.stored(g);
        Interpreter it = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), Interpreter.defaultProviders(), true);
        OrtSession loaded;
        try {
            loaded = env.createSession(c.model().toString(), opts);
        } catch (ai.onnxruntime.OrtException e) {
            System.out.printf(Locale.ROOT, "| %s | ONNX Runtime does not load it: %s | | | |%n", c.name(), e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        try (OrtSession session = loaded;
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(c.input()), c.shape())) {
            Map<String, OnnxTensor> ortFeed = Map.of(inputName(c.model()), x);
            float[] want;
            try (OrtSession.Result res = session.run(ortFeed)) {
                FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
                want = new float[fb.remaining()];
                fb.get(want);
            }
            byte[] mine = SourceLayout.toFile(g, out, it.run(feed)[0]);
            float[] got = TensorBytes.floats(TensorBytes.le(mine), want.length);
            if (mine.length != 4 * want.length) throw new IllegalStateException(c.name() + ": " + mine.length / 4 + " outputs, ONNX Runtime " + want.length);
            double maxDiff = 0;
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs(got[i] - want[i]);
                maxDiff = Math.max(maxDiff, d);
                if (d > 1e-4 * Math.max(1, Math.abs(want[i]))) {
                    throw new IllegalStateException(c.name() + ": output " + i + " is " + got[i] + " in tinyfit, " + want[i] + " in ONNX Runtime");
                }
            }
            long[] mineNs = new long[runs * windows], ortNs = new long[runs * windows];
            for (int w = -1; w < windows; w++) { // window -1 warms both up and is not counted
                for (int k = 0; k < runs; k++) {
                    long t0 = System.nanoTime();
                    it.run(feed);
                    if (w >= 0) mineNs[w * runs + k] = System.nanoTime() - t0;
                }
                for (int k = 0; k < runs; k++) {
                    long t0 = System.nanoTime();
                    try (OrtSession.Result res = session.run(ortFeed)) {
                        if (w >= 0) ortNs[w * runs + k] = System.nanoTime() - t0;
                    }
                }
            }
            double a = median(mineNs) / 1e3, b = median(ortNs) / 1e3;
            System.out.printf(Locale.ROOT, "| %s | %.2g | %.1f | %.1f | %.2f |%n", c.name(), maxDiff, a, b, a / b);
        }
    }

    /** The first graph input that no initializer gives (old exporters list the weights as inputs too). */
    static String inputName(Path model) throws Exception {
        OnnxProto.GraphProto g = OnnxReader.parse(Files.readAllBytes(model), model.toString()).getGraph();
        Set<String> init = new HashSet<>();
        for (OnnxProto.TensorProto t : g.getInitializerList()) init.add(t.getName());
        for (OnnxProto.ValueInfoProto v : g.getInputList()) if (!init.contains(v.getName())) return v.getName();
        throw new IllegalStateException(model + " has no input");
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
