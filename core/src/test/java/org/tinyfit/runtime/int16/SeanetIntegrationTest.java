package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteReader;

/**
 * TFLite Micro's own 16x8 integration suite (shared/models/tflm-integration-seanet): every
 * single-operator model, fed its recorded inputs, must produce its golden output exactly.
 */
class SeanetIntegrationTest {

    static final Path SEANET = Path.of(System.getProperty("tinyfit.shared", "../shared"), "models", "tflm-integration-seanet");

    static final String[] OPS = {"add", "conv", "leaky_relu", "pad", "quantize", "strided_slice", "sub", "transpose_conv"};

    /** One model of the suite with its input CSVs (in input order) and golden CSV. */
    record Case(String op, String name, Path model, List<Path> inputs, Path golden) {}

    static List<Case> cases() throws IOException {
        List<Case> all = new ArrayList<>();
        for (String op : OPS) {
            Path dir = SEANET.resolve(op);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path m : files.filter(p -> p.toString().endsWith(".tflite")).sorted().toList()) {
                    String name = m.getFileName().toString().replace(".tflite", "");
                    List<Path> inputs = new ArrayList<>();
                    for (int i = 0; ; i++) {
                        Path in = find(dir, name + "_input" + i + "_");
                        if (in == null) break;
                        inputs.add(in);
                    }
                    all.add(new Case(op, name, m, inputs, find(dir, name + "_golden_")));
                }
            }
        }
        return all;
    }

    private static Path find(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".csv"))
                    .findFirst().orElse(null);
        }
    }

    static long[] csv(Path p) throws IOException {
        String text = Files.readString(p).trim();
        if (text.isEmpty()) return new long[0];
        String[] parts = text.split("[,\\s]+");
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) v[i] = Long.parseLong(parts[i]);
        return v;
    }

    static void put(ByteBuffer b, DType t, long[] values) {
        for (int i = 0; i < values.length; i++) {
            switch (t) {
                case I8 -> b.put(i, (byte) values[i]);
                case I16 -> b.putShort(2 * i, (short) values[i]);
                case I32 -> b.putInt(4 * i, (int) values[i]);
                case I64 -> b.putLong(8 * i, values[i]);
                default -> throw new IllegalArgumentException("unexpected input type " + t);
            }
        }
    }

    static long[] get(ByteBuffer b, DType t, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (t) {
                case I8 -> b.get(i);
                case I16 -> b.getShort(2 * i);
                case I32 -> b.getInt(4 * i);
                case I64 -> b.getLong(8 * i);
                default -> throw new IllegalArgumentException("unexpected output type " + t);
            };
        }
        return v;
    }

    /** The output of running one case with one reference arithmetic, next to its golden output. */
    record Outcome(long[] golden, long[] actual) {
        int mismatches() {
            int n = 0;
            for (int i = 0; i < golden.length; i++) if (golden[i] != actual[i]) n++;
            return n;
        }

        long maxDifference() {
            long m = 0;
            for (int i = 0; i < golden.length; i++) m = Math.max(m, Math.abs(golden[i] - actual[i]));
            return m;
        }

        String describe(String name) {
            int first = -1;
            for (int i = 0; i < golden.length && first < 0; i++) if (golden[i] != actual[i]) first = i;
            return name + ": " + mismatches() + " of " + golden.length + " elements differ (max by " + maxDifference() + ")"
                    + (first >= 0 ? ", first at " + first + ": expected " + golden[first] + " got " + actual[first] : "");
        }
    }

    static Outcome run(Case c, Int16Kernels.Reference reference) throws IOException {
        Graph g = TfliteReader.read(c.model);
        NodeRunner r = new NodeRunner(g, reference);
        int[] inputs = g.inputs();
        assertEquals(c.inputs.size(), inputs.length, "number of input CSVs");
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = g.tensor(inputs[i]);
            long[] v = csv(c.inputs.get(i));
            assertEquals(t.shape().elements(), v.length, "elements of input " + i);
            put(r.tensor(t.id()), t.dtype(), v);
        }
        r.invoke();
        Tensor out = g.tensor(g.outputs()[0]);
        long[] golden = csv(c.golden);
        long[] actual = get(r.tensor(out.id()), out.dtype(), out.shape().elements());
        assertEquals(golden.length, actual.length, "output elements");
        return new Outcome(golden, actual);
    }

    /** The goldens were made by TFLite, so with TFLite's arithmetic every model must match exactly. */
    @TestFactory
    Stream<DynamicTest> everySeanetModelMatchesItsGoldenExactlyWithTfliteArithmetic() throws IOException {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 100, "expected the whole suite, found " + cases.size() + " models in " + SEANET);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.op + "/" + c.name, () -> {
            Outcome o = run(c, Int16Kernels.Reference.TFLITE);
            assertEquals(0, o.mismatches(), o.describe(c.name));
        }));
    }

    // With TFLite Micro's arithmetic (the runtime's default) the same suite runs through the interpreter in
    // org.tinyfit.runtime.SeanetTest: exact for every op but SUB, which TFLM's own suite accepts within one.
}
