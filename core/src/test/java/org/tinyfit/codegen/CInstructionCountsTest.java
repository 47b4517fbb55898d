package org.tinyfit.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.latency.GeneratedCInstructions;
import org.tinyfit.latency.OpFeatures;
import org.tinyfit.latency.WorkloadModels;
import org.tinyfit.quant.TinyMlModels;

/**
 * The counts behind the latency model of tinyfit's generated C ({@code tinyfit-c-instructions.json},
 * {@link GeneratedCInstructions}): every graph of the corpus below built as {@code tinyfit export --c}
 * builds it (in-place layout, {@code arm-none-eabi-gcc -Os}) for each of {@link GeneratedCInstructions#BUILDS}
 * and run once on its QEMU board ({@link CToolchain#qemuMachine}) with {@code -icount shift=0}, its
 * instructions read from SysTick around {@code model_invoke()}, its outputs checked against the Java
 * runtime. The stored counts must be the ones the generator gives today: the test recounts part of the
 * corpus in every build (exact: QEMU's count is the same run to run) and recomputes every graph's
 * features. Re-record all after a change to the generated code or to the features:
 * {@code mvn -o -B -q -pl core -am test -Dtest=CInstructionCountsTest -Dtinyfit.ccounts.record=true
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class CInstructionCountsTest {
    static final Path RESOURCE = Path.of("src", "main", "resources", "org", "tinyfit", "latency", "tinyfit-c-instructions.json");
    /** The graphs recounted on every run: small, medium and large, a sequence of every kind of op the corpus has. */
    static final List<String> RECOUNTED = List.of("micro_speech_quantized", "mlperf-tiny-ad", "ds_cnn_kws", "int8-random-3", "int8-random-11");

    @TempDir Path tmp;

    /** One graph of the corpus: how it is made and where its input comes from. */
    record Entry(String name, String source, Supplier<Graph> graph) {}

    /** The corpus, by name. */
    static Map<String, Entry> corpus() {
        Map<String, Entry> c = new LinkedHashMap<>();
        for (String name : CodegenChecks.INT8_MODELS) c.put(name, new Entry(name, "../shared/models/" + name + ".tflite", () -> CodegenChecks.model(name)));
        for (String name : TinyMlModels.names()) c.put(name, new Entry(name, "TinyMlModels.int8(\"" + name + "\"): post-training quantized, random weights", () -> TinyMlModels.int8(name)));
        for (String w : WorkloadModels.WORKLOADS) c.put(w, new Entry(w, "WorkloadModels.int8(\"" + w + "\"): the MLPerf Tiny layer list, random int8 weights", () -> WorkloadModels.int8(w)));
        for (long seed = 1; seed <= 24; seed++) {
            long s = seed;
            c.put("int8-random-" + seed, new Entry("int8-random-" + seed, "Int8Graphs.random(" + seed + ")", () -> Int8Graphs.random(s)));
        }
        return c;
    }

    /** Features and instructions of one graph in every build, counted as the class comment says. */
    GeneratedCInstructions.Counted count(Entry e) {
        Graph g = e.graph().get();
        CProject.Layout layout = CProject.layout(g, CProject.ArenaChoice.INPLACE);
        long in = 0;
        for (int t : g.inputs()) in += g.tensor(t).bytes();
        byte[] input = new byte[(int) in];
        new Random(e.name().hashCode()).nextBytes(input);
        byte[] expected = CodegenChecks.javaRuntime(g, input);
        Map<String, Long> n = new LinkedHashMap<>();
        for (String cpu : GeneratedCInstructions.BUILDS) {
            CProject.Project p = CProject.generate(layout, new CProject.Options(CProject.ArenaChoice.INPLACE, cpu));
            Path elf = CToolchain.buildArm(CodegenChecks.write(p, tmp.resolve(e.name() + "-" + cpu)), cpu);
            CToolchain.QemuRun run = CToolchain.runQemu(elf, cpu, input, true);
            assertArrayEquals(expected, run.output(), e.name() + " on " + cpu + ": the counted run computes what the Java runtime does");
            n.put(cpu, run.systickTicks() * CToolchain.AN386_INSTRUCTIONS_PER_TICK);
        }
        return new GeneratedCInstructions.Counted(e.name(), e.source(), OpFeatures.generatedC(layout.graph()), n);
    }

    static GeneratedCInstructions stored() throws IOException {
        try (InputStream in = Files.newInputStream(RESOURCE)) {
            return GeneratedCInstructions.read(in);
        }
    }

    @Test
    void storedFeaturesAreTheCorpusGraphsFeatures() throws IOException {
        Assumptions.assumeFalse(Boolean.getBoolean("tinyfit.ccounts.record"), "recording");
        Map<String, Entry> corpus = corpus();
        GeneratedCInstructions s = stored();
        assertEquals(List.copyOf(corpus.keySet()), s.graphs().stream().map(GeneratedCInstructions.Counted::name).toList(), "the stored corpus is this test's");
        for (GeneratedCInstructions.Counted c : s.graphs()) {
            Graph g = corpus.get(c.name()).graph().get();
            assertArrayEquals(OpFeatures.generatedC(CProject.layout(g, CProject.ArenaChoice.INPLACE).graph()), c.features(), 1e-9, c.name() + ": features changed; re-record");
        }
    }

    @Test
    void storedInstructionsAreWhatTheGeneratedCExecutesToday() throws IOException {
        Assumptions.assumeFalse(Boolean.getBoolean("tinyfit.ccounts.record"), "recording");
        CodegenChecks.assumeTools("make", "arm-none-eabi-gcc", "qemu-system-arm");
        Map<String, Entry> corpus = corpus();
        Map<String, GeneratedCInstructions.Counted> stored = new LinkedHashMap<>();
        for (GeneratedCInstructions.Counted c : stored().graphs()) stored.put(c.name(), c);
        for (String name : RECOUNTED) {
            GeneratedCInstructions.Counted now = count(corpus.get(name));
            for (String cpu : GeneratedCInstructions.BUILDS) {
                assertEquals(stored.get(name).instructions(cpu), now.instructions(cpu),
                        name + " on " + cpu + ": the generated C's instructions changed; re-record with -Dtinyfit.ccounts.record=true");
            }
        }
    }

    /** Recounts the whole corpus and writes the resource (only with {@code -Dtinyfit.ccounts.record=true}). */
    @Test
    void record() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("tinyfit.ccounts.record"), "recording only with -Dtinyfit.ccounts.record=true");
        CodegenChecks.assumeTools("make", "arm-none-eabi-gcc", "qemu-system-arm");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("about", "Instructions per inference of tinyfit's generated C (tinyfit export --c: the in-place layout, arm-none-eabi-gcc -Os -mcpu=BUILD), "
                + "one run per graph and build on qemu-system-arm -icount shift=0 (mps2-an386 for cortex-m4, mps2-an385 for cortex-m3 and cortex-m0plus; "
                + "SysTick around model_invoke(), 40 instructions per tick), outputs equal to the Java runtime's, "
                + "with the OpFeatures.generatedC counts of the graph the project computes. Written by core's CInstructionCountsTest with -Dtinyfit.ccounts.record=true.");
        ArrayNode cols = root.putArray("columns");
        OpFeatures.GENERATED_C_NAMES.forEach(cols::add);
        ArrayNode graphs = root.putArray("graphs");
        List<GeneratedCInstructions.Counted> all = new ArrayList<>();
        for (Entry e : corpus().values()) {
            GeneratedCInstructions.Counted c = count(e);
            all.add(c);
            ObjectNode g = graphs.addObject();
            g.put("name", c.name());
            g.put("source", c.source());
            ArrayNode f = g.putArray("features");
            for (double v : c.features()) f.add(v);
            ObjectNode n = g.putObject("instructions");
            for (String cpu : GeneratedCInstructions.BUILDS) n.put(cpu, c.instructions(cpu));
        }
        Files.writeString(RESOURCE, json.writeValueAsString(root) + "\n");
        assertEquals(corpus().size(), all.size());
    }
}
