package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.codegen.CToolchain;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

class ExportCommandTest {
    static final Path MODELS = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");

    @TempDir Path tmp;

    @Test
    void exportWritesTheProjectAndReportsTheArenaAgainstTfliteMicros() throws Exception {
        Path model = MODELS.resolve("person_detect.tflite");
        Assumptions.assumeTrue(Files.exists(model), "shared model " + model + " is not present");
        Path dir = tmp.resolve("pd");
        CliTest.Run r = CliTest.run("export", model.toString(), "--c", dir.toString(), "--device", "nucleo-f446re");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("24,768 B") && r.out().contains("TFLite Micro plans 55,296 B"), r.out());
        assertTrue(r.out().contains("-mcpu=cortex-m4"), r.out());
        for (String f : new String[] {"model.h", "model.c", "model_weights.c", "tinyfit_kernels.h", "Makefile", "README.md", "mps2.ld", "startup_cm.c"}) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        assertTrue(Files.readString(dir.resolve("model.h")).contains("#define MODEL_ARENA_BYTES 24768"));
        CliTest.Run tflm = CliTest.run("export", model.toString(), "--c", tmp.resolve("pd-tflm").toString(), "--arena", "tflm");
        assertEquals(0, tflm.code(), tflm.err());
        assertTrue(Files.readString(tmp.resolve("pd-tflm/model.h")).contains("#define MODEL_ARENA_BYTES 55296"));
    }

    @Test
    void aModelWithOpsTheGeneratorLacksIsRefusedInOneLine() {
        Path model = MODELS.resolve("keyword_scrambled_8bit.tflite");
        Assumptions.assumeTrue(Files.exists(model), "shared model " + model + " is not present");
        CliTest.Run r = CliTest.run("export", model.toString(), "--c", tmp.resolve("kws").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("tinyfit: cannot generate C for") && r.err().contains("(SVDF)"), r.err());
        assertFalse(Files.exists(tmp.resolve("kws/model.c")));
        CliTest.Run bad = CliTest.run("export", MODELS.resolve("person_detect.tflite").toString(), "--c", tmp.resolve("x").toString(), "--arena", "smallest");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--arena smallest is not a plan"), bad.err());
    }

    /** The int8 graphs the TFLite Micro checks build in code, exported by the command, built with sanitizers, equal the Java runtime. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"inception", "residual", "residual_bfirst", "two_heads"})
    void testBuiltInt8ModelsExportToCThatEqualsTheJavaRuntime(String which) throws Exception {
        Assumptions.assumeTrue(CToolchain.missing("gcc", "make").isEmpty(), "skipped: gcc or make not on the PATH (apt-get install gcc make)");
        Graph built = switch (which) {
            case "inception" -> TflmCheckModels.inception(false);
            case "residual" -> TflmCheckModels.residual();
            case "residual_bfirst" -> TflmCheckModels.residualBFirst(false);
            default -> TflmCheckModels.twoHeads();
        };
        Path model = tmp.resolve(which + ".tflite");
        Files.write(model, TfliteWriter.write(built));
        Graph g = TfliteReader.read(model);
        Path dir = tmp.resolve(which);
        CliTest.Run r = CliTest.run("export", model.toString(), "--c", dir.toString());
        assertEquals(0, r.code(), r.err());
        CToolchain.buildHost(dir, CToolchain.SANITIZER_CFLAGS);
        Schedule s = Schedule.stored(g);
        Interpreter java = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s));
        Random rnd = new Random(which.hashCode());
        for (int run = 0; run < 3; run++) {
            byte[][] inputs = new byte[g.inputs().length][];
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int k = 0; k < inputs.length; k++) {
                inputs[k] = new byte[(int) g.tensor(g.inputs()[k]).bytes()];
                rnd.nextBytes(inputs[k]);
                all.write(inputs[k]);
            }
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            for (byte[] o : java.run(inputs)) want.write(o);
            assertArrayEquals(want.toByteArray(), CToolchain.runHost(dir, all.toByteArray()), which + " run " + run);
        }
    }
}
