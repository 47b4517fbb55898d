package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.tflite.TfliteWriter;

/** Verdicts that do not contradict the findings, an exit code CI can gate on, several boards in one table. */
class AnalyzeVerdictTest {
    static final String PERSON = AnalyzeCommandTest.MODELS.resolve("person_detect.tflite").toString();

    @Test void aHybridModelCannotRunInsteadOfFitting(@TempDir Path dir) throws Exception {
        GraphBuilder b = new GraphBuilder("hybrid");
        int x = b.input("x", DType.F32, 1, 16);
        int w = b.constant("w", DType.I8, Shape.of(4, 16), Quantization.perTensor(0.05f, 0), new byte[64]);
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "y", DType.F32, null, x, w)).build();
        Path f = dir.resolve("hybrid.tflite");
        Files.write(f, TfliteWriter.write(g));
        CliTest.Run r = CliTest.run("analyze", f.toString(), "-d", "nrf5340-dk", "--fail-if-not-fit");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().contains("verdict:  CANNOT RUN on TFLite Micro: node 0 (hybrid FULLY_CONNECTED); memory: FITS"), r.out());
        assertEquals(0, CliTest.run("analyze", f.toString(), "-d", "nrf5340-dk").code(), "without the flag the verdict does not change the exit code");
    }

    @Test void failIfNotFitExitsTwoOnDoesNotFitAndZeroOnFits() {
        assertEquals(2, CliTest.run("analyze", PERSON, "-d", "arduino-zero", "--fail-if-not-fit").code());
        assertEquals(0, CliTest.run("analyze", PERSON, "-d", "stm32f746g-disco", "--fail-if-not-fit").code());
    }

    @Test void severalBoardsAreComparedInOneTableAndTheWorstDecidesTheExitCode() {
        CliTest.Run r = CliTest.run("analyze", PERSON, "-d", "arduino-zero,stm32f746g-disco", "--fail-if-not-fit");
        assertEquals(2, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(2).startsWith("board"), r.out());
        assertTrue(lines.get(3).startsWith("arduino-zero") && lines.get(3).contains("DOES NOT FIT"), r.out());
        assertTrue(lines.get(4).startsWith("stm32f746g-disco") && lines.get(4).contains("FITS"), r.out());
        assertEquals(lines.get(3).indexOf('%'), lines.get(4).indexOf('%'), "columns line up:\n" + r.out());
    }

    @Test void longOpNamesKeepTheColumnsAligned(@TempDir Path dir) throws Exception {
        GraphBuilder b = new GraphBuilder("long");
        int x = b.input("x", DType.F32, 1, 4);
        int y = b.nodeWithShape(new Op.Opaque("TFLite_Detection_PostProcess", 32), "y", DType.F32, Shape.of(1, 4), null, x);
        Graph g = b.output(b.node(new Op.Relu(), "z", y)).build();
        Path f = dir.resolve("long.tflite");
        Files.write(f, TfliteWriter.write(g));
        CliTest.Run r = CliTest.run("analyze", f.toString(), "-d", "nrf5340-dk");
        assertEquals(0, r.code(), r.err());
        List<String> rows = r.out().lines().filter(l -> l.matches("\\s+[0-9]+\\s+[0-9]+ .*") || l.startsWith("step")).toList();
        assertEquals(3, rows.size(), r.out());
        assertEquals(rows.get(0).indexOf("dtype"), rows.get(1).indexOf("float32"), r.out());
        assertEquals(rows.get(1).indexOf("float32"), rows.get(2).indexOf("float32"), r.out());
        assertTrue(r.out().contains("TFLite Micro has this kernel, but tinyfit does not model the op"), r.out());
    }
}
