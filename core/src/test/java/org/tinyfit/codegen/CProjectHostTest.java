package org.tinyfit.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;

/**
 * The generated C, compiled by the host gcc with the address and undefined-behaviour sanitizers and
 * warnings as errors, gives the Java runtime's output bytes: every shared int8 model, its three golden
 * inputs, every arena choice; and random int8 graphs. Skipped (saying so) only when gcc or make is absent.
 */
class CProjectHostTest {
    @TempDir Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(CProject.ArenaChoice.class)
    void sharedInt8ModelsGiveTheJavaRuntimesBytes(CProject.ArenaChoice choice) {
        CodegenChecks.assumeTools("gcc", "make");
        for (String name : CodegenChecks.INT8_MODELS) {
            Graph g = CodegenChecks.model(name);
            CProject.Project p = CProject.generate(g, new CProject.Options(choice, "cortex-m4"));
            Path dir = CodegenChecks.write(p, tmp.resolve(name + "-" + choice.lower()));
            CToolchain.buildHost(dir, CToolchain.SANITIZER_CFLAGS);
            for (int seed = 0; seed < 3; seed++) {
                byte[] in = CodegenChecks.goldenInput(name, seed);
                assertArrayEquals(CodegenChecks.javaRuntime(g, in), CToolchain.runHost(dir, in), name + " " + choice.lower() + " seed " + seed);
            }
        }
    }

    @Test
    void theArenasAreThePlansTinyfitReports() {
        Graph pd = CodegenChecks.model("person_detect");
        CProject.Project tflm = CProject.generate(pd, new CProject.Options(CProject.ArenaChoice.TFLM, "cortex-m4"));
        CProject.Project inPlace = CProject.generate(pd, CProject.Options.DEFAULT);
        assertEquals(new TflmGreedyPlanner().plan(pd, Schedule.stored(pd)).arenaBytes(), tflm.arenaBytes());
        assertEquals(55_296, tflm.arenaBytes(), "TFLite Micro's planned arena (shared/models/README.md)");
        assertEquals(org.tinyfit.runtime.ArenaProof.of(pd, MemoryOptimization.of(pd, List.of())).arenaBytes(), inPlace.arenaBytes(), "the arena tinyfit optimize reports");
        assertTrue(inPlace.arenaBytes() <= 29_376, inPlace.arenaBytes() + " B");
        assertTrue(inPlace.files().get("model.c").contains("static int8_t tf_arena[" + inPlace.arenaBytes() + "]"));
        assertEquals(2 * 2 * 256, inPlace.columnBytes(), "the widest convolution reads 256 int8 values per output pixel, gathered as int16 for two pixels");
        assertTrue(inPlace.files().get("model.h").contains("#define MODEL_COLUMN_BYTES 1024"));
        assertTrue(inPlace.files().get("model.c").contains("in place: the output overwrites the input"), "some node runs in place");
        assertTrue(inPlace.layout().graph().nodes().size() > pd.nodes().size(), "the split schedule is generated as code");
    }

    @Test
    void generatedCodeUsesNoHeapNoFloatAndNoLibcButMemcpyAndMemset() {
        CProject.Project p = CProject.generate(CodegenChecks.model("person_detect"), CProject.Options.DEFAULT);
        for (String file : List.of("model.c", "model_weights.c", "tinyfit_kernels.h")) {
            String code = p.files().get(file).replaceAll("(?s)/\\*.*?\\*/", "");
            for (String banned : List.of("malloc", "calloc", "free(", "float", "double", "printf", "<stdio.h>", "<stdlib.h>", "<math.h>")) {
                assertFalse(code.contains(banned), file + " contains " + banned);
            }
        }
        assertTrue(p.files().get("model.h").contains("void model_invoke(const int8_t *input0, int8_t *output0);"));
    }

    @Test
    void unsupportedOpsAreRefusedInOneLineNamingEveryNode() {
        Graph kws = CodegenChecks.model("keyword_scrambled_8bit");
        CodegenException e = assertThrows(CodegenException.class, () -> CProject.generate(kws, CProject.Options.DEFAULT));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        long svdf = kws.nodes().stream().filter(n -> n.op().kind().equals("SVDF")).count();
        assertTrue(svdf > 0);
        for (Node n : kws.nodes()) {
            if (n.op().kind().equals("SVDF")) assertTrue(e.getMessage().contains(n.label() + ": "), n.label() + " missing from: " + e.getMessage());
        }
        Graph flt = CodegenChecks.model("hello_world_float");
        CodegenException f = assertThrows(CodegenException.class, () -> CProject.generate(flt, CProject.Options.DEFAULT));
        assertTrue(f.getMessage().contains("node 0 (FULLY_CONNECTED)") && f.getMessage().contains("node 2 (FULLY_CONNECTED)"), f.getMessage());
    }

    /**
     * The built TinyML models in their in-place arenas: strided first convolutions written row by row
     * over their input, 1x1 convolutions that widen or narrow the channels written pixel by pixel over
     * theirs, channel and row splits.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mobilenet_v1_025_vww", "ds_cnn_kws", "resnet8", "mcunet_vww"})
    void builtTinyMlModelsGiveTheJavaRuntimesBytesInPlace(String name) {
        CodegenChecks.assumeTools("gcc", "make");
        Graph g = org.tinyfit.quant.TinyMlModels.int8(name);
        CProject.Project p = CProject.generate(g, CProject.Options.DEFAULT);
        Path dir = CodegenChecks.write(p, tmp.resolve(name));
        CToolchain.buildHost(dir, CToolchain.SANITIZER_CFLAGS);
        Random r = new Random(7);
        byte[] in = Int8Graphs.bytes(r, (int) g.tensor(g.inputs()[0]).bytes());
        assertArrayEquals(CodegenChecks.javaRuntime(g, in), CToolchain.runHost(dir, in), name);
        assertEquals(org.tinyfit.runtime.ArenaProof.of(g, MemoryOptimization.of(g, List.of())).arenaBytes(), p.arenaBytes(), name + ": the arena tinyfit reports");
    }

    @Property(tries = 10, seed = "24")
    void randomInt8GraphsGiveTheJavaRuntimesBytes(@ForAll long seed) throws IOException {
        CodegenChecks.assumeTools("gcc", "make");
        Graph g = Int8Graphs.random(seed);
        CProject.ArenaChoice choice = CProject.ArenaChoice.values()[Math.floorMod(seed, 3)];
        CodegenChecks.assertHostGivesJavaBytes(g, new CProject.Options(choice, "cortex-m4"), new Random(seed), 2, g.name() + " " + choice.lower());
    }
}
