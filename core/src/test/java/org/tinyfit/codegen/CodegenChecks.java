package org.tinyfit.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;

/** What the C generator's tests share: the shared models and their golden inputs, the Java runtime's answer, the tools. */
final class CodegenChecks {
    private CodegenChecks() {}

    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");

    /** The shared int8 models (int8 in, int8 out). */
    static final String[] INT8_MODELS = {"hello_world_int8", "micro_speech_quantized", "person_detect", "simple_add_model"};

    static Graph model(String name) {
        Path p = MODELS.resolve(name + ".tflite");
        Assumptions.assumeTrue(Files.exists(p), "shared model " + p + " is not present");
        return TfliteReader.read(p);
    }

    static byte[] goldenInput(String name, int seed) {
        try {
            return Files.readAllBytes(MODELS.resolve("golden").resolve(name + ".seed" + seed + ".in"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Skips the test, saying which tools are missing, unless all of {@code tools} are on the PATH. */
    static void assumeTools(String... tools) {
        var missing = CToolchain.missing(tools);
        Assumptions.assumeTrue(missing.isEmpty(), "skipped: " + String.join(", ", missing) + " not on the PATH (apt-get install "
                + (missing.contains("qemu-system-arm") ? "qemu-system-arm " : "")
                + (missing.contains("arm-none-eabi-gcc") || missing.contains("arm-none-eabi-size") ? "gcc-arm-none-eabi libnewlib-arm-none-eabi " : "")
                + (missing.contains("gcc") || missing.contains("make") ? "gcc make" : "").trim() + ")");
    }

    /** The Java runtime's outputs (concatenated) for {@code input} (inputs concatenated), in TFLite Micro's order and plan. */
    static byte[] javaRuntime(Graph g, byte[] input) {
        int[] ins = g.inputs();
        byte[][] inputs = new byte[ins.length][];
        int pos = 0;
        for (int k = 0; k < ins.length; k++) {
            int n = (int) g.tensor(ins[k]).bytes();
            inputs[k] = Arrays.copyOfRange(input, pos, pos + n);
            pos += n;
        }
        if (pos != input.length) throw new IllegalArgumentException("input has " + input.length + " bytes, the model takes " + pos);
        Schedule s = Schedule.stored(g);
        byte[][] outs = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s)).run(inputs);
        int total = 0;
        for (byte[] o : outs) total += o.length;
        byte[] all = new byte[total];
        pos = 0;
        for (byte[] o : outs) {
            System.arraycopy(o, 0, all, pos, o.length);
            pos += o.length;
        }
        return all;
    }

    static Path write(CProject.Project p, Path dir) {
        try {
            p.writeTo(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    /**
     * Generates {@code g}'s project with {@code options}, builds it with the host gcc and its
     * sanitizers, and checks on {@code runs} random inputs drawn from {@code r} that it gives the Java
     * runtime's bytes ({@code label} names the graph in a failure).
     */
    static void assertHostGivesJavaBytes(Graph g, CProject.Options options, Random r, int runs, String label) throws IOException {
        CProject.Project p = CProject.generate(g, options);
        Path dir = Files.createTempDirectory("tinyfit-codegen");
        try {
            write(p, dir);
            CToolchain.buildHost(dir, CToolchain.SANITIZER_CFLAGS);
            for (int run = 0; run < runs; run++) {
                byte[] in = Int8Graphs.bytes(r, (int) g.tensor(g.inputs()[0]).bytes());
                byte[] want = javaRuntime(g, in);
                org.junit.jupiter.api.Assertions.assertTrue(want.length > 0, label);
                org.junit.jupiter.api.Assertions.assertArrayEquals(want, CToolchain.runHost(dir, in), label + " run " + run);
            }
        } finally {
            delete(dir);
        }
    }
}
