package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.MinPeakScheduler;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.tflite.TfliteReader;

/**
 * Every shared model on TFLite Micro's three golden inputs: the outputs, and every tensor after the
 * node that writes it, equal TFLM's byte for byte (int8/int16/int32) or within 1e-5 relative (float).
 */
class GoldenTest {
    static final Path SHARED = Path.of(System.getProperty("tinyfit.shared", "../shared"));
    static final Path MODELS = SHARED.resolve("models");
    static final String[] NAMES = {"hello_world_float", "hello_world_int8", "micro_speech_quantized", "person_detect",
        "simple_add_model", "keyword_scrambled_8bit"};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String name : NAMES) for (int seed = 0; seed < 3; seed++) out.add(Arguments.of(name, seed));
        return out.stream();
    }

    record Golden(byte[][] inputs, byte[] output, Map<Integer, byte[]> tensors) {}

    static Golden golden(Graph g, String name, int seed) throws IOException {
        Path dir = MODELS.resolve("golden");
        byte[] in = Files.readAllBytes(dir.resolve(name + ".seed" + seed + ".in"));
        byte[] outBytes = Files.readAllBytes(dir.resolve(name + ".seed" + seed + ".out"));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".seed" + seed + ".tensors"))).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, byte[]> tensors = new HashMap<>();
        while (b.remaining() >= 8) {
            int index = b.getInt();
            byte[] data = new byte[b.getInt()];
            b.get(data);
            tensors.put(index, data);
        }
        int[] ins = g.inputs();
        byte[][] inputs = new byte[ins.length][];
        int pos = 0;
        for (int k = 0; k < ins.length; k++) {
            int n = (int) g.tensor(ins[k]).bytes();
            inputs[k] = java.util.Arrays.copyOfRange(in, pos, pos + n);
            pos += n;
        }
        assertEquals(in.length, pos, name + ": golden input size");
        return new Golden(inputs, outBytes, tensors);
    }

    static Graph model(String name) {
        Path p = MODELS.resolve(name + ".tflite");
        Assumptions.assumeTrue(Files.exists(p), "shared model " + p + " is not present");
        return TfliteReader.read(p);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void everyTensorEqualsTflmInTheStoredOrderWithTflmsPlan(String name, int seed) throws IOException {
        Graph g = model(name);
        Schedule s = Schedule.stored(g);
        check(g, s, new TflmGreedyPlanner().plan(g, s), golden(g, name, seed), name, true);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void outputsEqualTflmWithAReorderedScheduleAndAnotherPlan(String name, int seed) throws IOException {
        Graph g = model(name);
        Schedule s = MinPeakScheduler.schedule(g);
        check(g, s, TestPlans.firstFit(g, s), golden(g, name, seed), name, true);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void referenceKernelsAlsoEqualTflm(String name, int seed) throws IOException {
        Graph g = model(name);
        Schedule s = Schedule.stored(g);
        Interpreter it = new Interpreter(g, s, TestPlans.separate(g, 3), Interpreter.defaultProviders(), false);
        Golden gold = golden(g, name, seed);
        compare(g, g.outputs().length == 1 ? g.outputs()[0] : -1, concat(it.run(gold.inputs())), gold.output(), name + " output");
    }

    @org.junit.jupiter.api.Test
    void aTensorThatDiffersFromTflmIsNamedWithItsNode() throws IOException {
        Graph g = model("micro_speech_quantized");
        Golden gold = golden(g, "micro_speech_quantized", 0);
        int t = g.node(1).output(0);
        byte[] bad = gold.tensors().get(t).clone();
        bad[5] ^= 1;
        Map<Integer, byte[]> tensors = new HashMap<>(gold.tensors());
        tensors.put(t, bad);
        Golden corrupted = new Golden(gold.inputs(), gold.output(), tensors);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> check(g, Schedule.stored(g), new TflmGreedyPlanner().plan(g, Schedule.stored(g)), corrupted, "micro_speech_quantized", true));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(g.node(1).label() + " output tensor " + t) && e.getMessage().contains("byte 5"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void goldenConstantsEqualTheReadersConstants() throws IOException {
        for (String name : NAMES) {
            Graph g = model(name);
            Golden gold = golden(g, name, 0);
            for (Tensor t : g.tensors()) {
                if (!t.isConstant() || !gold.tensors().containsKey(t.id())) continue;
                org.junit.jupiter.api.Assertions.assertArrayEquals(gold.tensors().get(t.id()), t.data(), name + " constant " + t.id());
            }
        }
    }

    static void check(Graph g, Schedule s, ArenaPlan plan, Golden gold, String name, boolean fast) {
        Interpreter it = new Interpreter(g, s, plan, Interpreter.defaultProviders(), fast);
        List<String> mismatches = new ArrayList<>();
        int[] compared = new int[1];
        byte[][] outs = it.run(gold.inputs(), (step, node, arena) -> {
            for (int t : node.outputs()) {
                byte[] want = gold.tensors().get(t);
                if (want == null) { mismatches.add(name + ": TFLM's dump has no tensor " + t + ", written by " + node.label()); continue; }
                compared[0]++;
                String m = mismatch(g.tensor(t), arena.read(t), want);
                if (m != null) mismatches.add(name + ": " + node.label() + " output tensor " + t + " (" + g.tensor(t).name() + "): " + m);
            }
        });
        if (!mismatches.isEmpty()) fail(mismatches.size() + " tensors differ from TFLM; first: " + mismatches.get(0));
        int written = 0;
        for (Node n : g.nodes()) written += n.outputCount();
        assertEquals(written, compared[0], name + ": tensors compared");
        String m = mismatch(g.outputs().length == 1 ? g.tensor(g.outputs()[0]) : null, concat(outs), gold.output());
        if (m != null) fail(name + " output: " + m);
    }

    private static void compare(Graph g, int t, byte[] got, byte[] want, String what) {
        String m = mismatch(t >= 0 ? g.tensor(t) : null, got, want);
        if (m != null) fail(what + ": " + m);
    }

    static byte[] concat(byte[][] parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, pos, p.length); pos += p.length; }
        return out;
    }

    /** Null when equal: bytes for integer tensors, 1e-5 relative for float ones. */
    static String mismatch(Tensor t, byte[] got, byte[] want) {
        if (got.length != want.length) return got.length + " bytes, TFLM has " + want.length;
        if (t != null && t.dtype() == DType.F32) {
            ByteBuffer a = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN), b = ByteBuffer.wrap(want).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < got.length / 4; i++) {
                float x = a.getFloat(4 * i), y = b.getFloat(4 * i);
                if (Math.abs(x - y) > 1e-5 * Math.max(Math.abs(x), Math.abs(y)) + 1e-30) return "element " + i + " is " + x + ", TFLM has " + y;
            }
            return null;
        }
        for (int i = 0; i < got.length; i++) {
            if (got[i] != want[i]) return "byte " + i + " is " + got[i] + ", TFLM has " + want[i];
        }
        return null;
    }
}
