package org.tinyfit.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.onnx.OnnxTensors.Value;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.NodeProto;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * ONNX's backend test cases as Debian's libonnx-testdata installs them: each directory holds a
 * model.onnx and test_data_set_0/ with input_N.pb and output_N.pb. A case is run when every op of
 * its model is one tinyfit imports; its inputs after the first (weights, scales, zero points in the
 * node tests) are bound as constants, as they would be in a real model.
 */
final class OnnxBackendCases {
    private OnnxBackendCases() {}

    static final Path ROOT = Path.of(System.getProperty("tinyfit.onnx.testdata", "/usr/share/libonnx-testdata/data"));

    static final String MISSING = "ONNX's backend test data is not installed at " + ROOT
            + " (apt-get install libonnx-testdata, or set -Dtinyfit.onnx.testdata=DIR)";

    static boolean present() { return Files.isDirectory(ROOT.resolve("node")); }

    /** Float outputs must agree within this relative tolerance (of max(|expected|, 1)). */
    static final double FLOAT_TOLERANCE = 1e-5;

    enum Status { PASS, REFUSED, WRONG, CRASH }

    record Result(String suite, String name, String op, Status status, String detail) {}

    /** Every case directory of a suite (node, pytorch-converted, pytorch-operator), sorted. */
    static List<Path> cases(String suite) {
        try (Stream<Path> s = Files.list(ROOT.resolve(suite))) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The op a case tests (the first op tinyfit imports as a node), or null when the model uses an op tinyfit does not import. */
    static String opOf(ModelProto m) {
        for (var v : m.getGraph().getInputList()) if (!v.getType().hasTensorType()) return null; // sequences, optionals: not tensor ops
        String first = null;
        for (NodeProto n : m.getGraph().getNodeList()) {
            String op = n.getOpType();
            boolean ours = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            if (!ours || !(OnnxImporter.SUPPORTED.contains(op) || ConstantFolder.FOLDABLE.contains(op))) return null;
            if (first == null && OnnxImporter.SUPPORTED.contains(op) && !op.equals("Identity") && !op.equals("Dropout")) first = op;
        }
        if (first == null) {
            for (NodeProto n : m.getGraph().getNodeList()) if (OnnxImporter.SUPPORTED.contains(n.getOpType())) return n.getOpType();
        }
        return first;
    }

    /** Runs every case of a suite whose ops tinyfit imports. */
    static List<Result> run(String suite) {
        List<Result> out = new ArrayList<>();
        for (Path dir : cases(suite)) {
            byte[] bytes = read(dir.resolve("model.onnx"));
            ModelProto m;
            try {
                m = OnnxReader.parse(bytes, "model.onnx");
            } catch (OnnxFormatException e) {
                continue;
            }
            String op = opOf(m);
            if (op == null) continue;
            out.add(runCase(suite, dir, bytes, m, op));
        }
        return out;
    }

    static Result runCase(String suite, Path dir, byte[] bytes, ModelProto m, String op) {
        String name = dir.getFileName().toString();
        Path data = dir.resolve("test_data_set_0");
        try {
            List<String> inputNames = new ArrayList<>();
            java.util.Set<String> init = new java.util.HashSet<>();
            m.getGraph().getInitializerList().forEach(t -> init.add(t.getName()));
            m.getGraph().getInputList().forEach(v -> { if (!init.contains(v.getName())) inputNames.add(v.getName()); });
            Map<String, Value> bound = new HashMap<>();
            List<Value> fed = new ArrayList<>();
            for (int k = 0; k < inputNames.size(); k++) {
                Value v = OnnxTensors.parse(read(data.resolve("input_" + k + ".pb")), name + "/input_" + k + ".pb");
                if (k == 0) fed.add(v); else bound.put(inputNames.get(k), v);
            }
            Graph g;
            try {
                g = OnnxReader.read(bytes, name + "/model.onnx", bound);
            } catch (OnnxFormatException e) {
                return new Result(suite, name, op, Status.REFUSED, e.getMessage());
            }
            Interpreter it;
            try {
                it = interpreter(g);
            } catch (GraphException e) {
                return new Result(suite, name, op, Status.REFUSED, "runtime: " + e.getMessage());
            }
            byte[][] ins = new byte[g.inputs().length][];
            for (int k = 0; k < ins.length; k++) ins[k] = toBytes(g, g.tensor(g.inputs()[k]), fed.get(k));
            List<Value> want = new ArrayList<>();
            for (int k = 0; k < g.outputs().length; k++) want.add(OnnxTensors.parse(read(data.resolve("output_" + k + ".pb")), name + "/output_" + k + ".pb"));
            String diff = check(g, it.run(ins), want);
            if (diff != null) return new Result(suite, name, op, Status.WRONG, diff);
            // the same graph written as a .tflite (what `tinyfit convert` makes) computes the same
            Graph written = TfliteReader.read(TfliteWriter.write(g), name + ".tflite");
            diff = check(g, interpreter(written).run(ins), want);
            if (diff != null) return new Result(suite, name, op, Status.WRONG, "as .tflite: " + diff);
            return new Result(suite, name, op, Status.PASS, "");
        } catch (RuntimeException e) {
            return new Result(suite, name, op, Status.CRASH, e.toString());
        }
    }

    static Interpreter interpreter(Graph g) {
        Schedule schedule = Schedule.stored(g);
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, schedule);
        return new Interpreter(g, schedule, plan);
    }

    /** Null when every output matches, else what differs (layouts as the imported graph {@code g} says). */
    static String check(Graph g, byte[][] outs, List<Value> want) {
        for (int k = 0; k < outs.length; k++) {
            String diff = compare(g, g.tensor(g.outputs()[k]), outs[k], want.get(k));
            if (diff != null) return "output " + k + ": " + diff;
        }
        return null;
    }

    /** A value in ONNX's order as the bytes of tinyfit tensor {@code t} (NCHW permuted to NHWC where the import did). */
    static byte[] toBytes(Graph g, Tensor t, Value v) {
        double[] vals = OnnxReader.permute(v.values(), v.dims(), OnnxReader.permutation(g, t.id()));
        if (vals.length != t.shape().elements()) throw new IllegalStateException(t.name() + " holds " + t.shape().elements() + " values, the test gives " + vals.length);
        ByteBuffer b = ByteBuffer.allocate((int) t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < vals.length; i++) TensorBytes.put(b, t.dtype(), i, vals[i]);
        return b.array();
    }

    static double[] values(Tensor t, byte[] bytes) {
        ByteBuffer b = TensorBytes.le(bytes);
        double[] v = new double[t.shape().elements()];
        for (int i = 0; i < v.length; i++) v[i] = TensorBytes.get(b, t.dtype(), i);
        return v;
    }

    /** Null when tinyfit's output matches the expected one, else what differs. */
    static String compare(Graph g, Tensor t, byte[] got, Value want) {
        double[] v = values(t, got);
        v = OnnxReader.permute(v, t.shape().dims(), OnnxReader.inverse(OnnxReader.permutation(g, t.id())));
        if (v.length != want.elements()) return "tinyfit gives " + v.length + " values " + t.shape() + ", expected " + want.elements() + " " + java.util.Arrays.toString(want.dims());
        boolean quantized = t.dtype() == DType.I8 || t.dtype() == DType.U8;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < v.length; i++) {
            double e = want.values()[i];
            double err = quantized ? Math.abs(v[i] - e) : Math.abs(v[i] - e) / Math.max(1, Math.abs(e));
            if (Double.isNaN(e) != Double.isNaN(v[i])) err = Double.POSITIVE_INFINITY;
            if (Double.isInfinite(e) && v[i] == e) err = 0;
            if (err > worst) { worst = err; at = i; }
        }
        double limit = quantized ? 1 : FLOAT_TOLERANCE;
        if (worst > limit) return "element " + at + " is " + v[at] + ", expected " + want.values()[at] + " (error " + worst + ", limit " + limit + ")";
        return null;
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Passing case names by op, sorted. */
    static Map<String, List<String>> passingByOp(List<Result> results) {
        Map<String, List<String>> m = new TreeMap<>();
        for (Result r : results) {
            m.computeIfAbsent(r.op(), k -> new ArrayList<>());
            if (r.status() == Status.PASS) m.get(r.op()).add(r.name());
        }
        return m;
    }
}
