package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

class OptimizeCommandTest {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static List<Path> sharedModels() {
        Path dir = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models");
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".tflite")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The written graph has the original's tensors, and node k is the original's node order[k] with the same op and tensors. */
    static void assertSameModelReordered(Graph original, Graph written, int[] order) {
        assertEquals(original.tensors().size(), written.tensors().size());
        for (int t = 0; t < original.tensors().size(); t++) {
            Tensor a = original.tensor(t), b = written.tensor(t);
            assertEquals(a.name(), b.name());
            assertEquals(a.dtype(), b.dtype());
            assertEquals(a.shape(), b.shape());
            assertEquals(a.quant(), b.quant());
            assertEquals(a.variable(), b.variable());
            assertArrayEquals(a.data(), b.data(), "data of tensor " + t);
        }
        assertArrayEquals(original.inputs(), written.inputs());
        assertArrayEquals(original.outputs(), written.outputs());
        assertEquals(original.nodes().size(), written.nodes().size());
        for (int k = 0; k < order.length; k++) {
            Node a = original.node(order[k]), b = written.node(k);
            assertEquals(a.op(), b.op(), "options of " + b.label());
            assertArrayEquals(a.inputs(), b.inputs());
            assertArrayEquals(a.outputs(), b.outputs());
        }
    }

    @ParameterizedTest
    @MethodSource("sharedModels")
    void optimizeWritesTheSameModelWithAnArenaNoLargerThanTheOriginal(Path model) throws IOException {
        Path out = tmp.resolve("out.tflite");
        Run r = run("optimize", model.toString(), "-o", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        int[] order = new ObjectMapper().convertValue(j.get("order"), int[].class);
        Graph original = TfliteReader.read(model);
        Graph written = TfliteReader.read(out);
        assertSameModelReordered(original, written, order);
        long before = new TflmGreedyPlanner().plan(original, Schedule.stored(original)).arenaBytes();
        long after = new TflmGreedyPlanner().plan(written, Schedule.stored(written)).arenaBytes();
        assertTrue(after <= before, after + " > " + before);
        assertEquals(before, j.get("storedOrderArenaBytes").asLong());
        assertEquals(after, j.get("optimizedOrderArenaBytes").asLong());
        assertTrue(j.get("lowerBoundBytes").asLong() <= j.get("bestPlanArenaBytes").asLong());
        assertTrue(j.get("partialExecutionPeakBytes").asLong() <= j.get("lowerBoundBytes").asLong());
        assertTrue(j.get("partialExecutionPeakBytes").asLong() <= j.get("partialExecutionArenaBytes").asLong(), "no plan is below the in-place peak");
        assertTrue(j.get("partialExecution").get("extraMacs").asLong() >= 0);
        assertTrue(j.get("partialExecutionVerified").asBoolean(), j.get("partialExecutionCheck").asText());
        if (!j.get("orderChanged").asBoolean()) assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(out));
    }

    /** Two towers x -> 512 floats -> 16 floats, joined; stored with both 2 KiB tensors alive at once. */
    static Graph twoTowersStoredBadly() {
        GraphBuilder b = new GraphBuilder("two-towers");
        int x = b.input("x", DType.F32, 1, 16);
        int a1 = fc(b, x, 512, "a1");
        int b1 = fc(b, x, 512, "b1");
        int a2 = fc(b, a1, 16, "a2");
        int b2 = fc(b, b1, 16, "b2");
        return b.output(b.node(new Op.Concat(1, Op.Act.NONE), "c", a2, b2)).build();
    }

    static int fc(GraphBuilder b, int from, int out, String name) {
        int in = b.tensorAt(from).shape().dim(1);
        int w = b.constant(name + "/w", DType.F32, Shape.of(out, in), new byte[out * in * 4]);
        return b.node(new Op.FullyConnected(Op.Act.NONE, false), name, from, w, -1);
    }

    @Test
    void aBranchyModelIsWrittenReorderedWithASmallerTflmArena() throws IOException {
        Path in = tmp.resolve("towers.tflite");
        Files.write(in, TfliteWriter.write(twoTowersStoredBadly()));
        Path out = tmp.resolve("towers.opt.tflite");
        Run r = run("optimize", in.toString(), "-o", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("orderChanged").asBoolean(), r.out());
        int[] order = new ObjectMapper().convertValue(j.get("order"), int[].class);
        assertArrayEquals(new int[] {0, 2, 1, 3, 4}, order);
        Graph original = TfliteReader.read(in), written = TfliteReader.read(out);
        assertSameModelReordered(original, written, order);
        long before = new TflmGreedyPlanner().plan(original, Schedule.stored(original)).arenaBytes();
        long after = new TflmGreedyPlanner().plan(written, Schedule.stored(written)).arenaBytes();
        assertEquals(64 + 2048 + 2048, before);
        assertEquals(64 + 2048 + 64, after);
        assertEquals(after, j.get("optimizedOrderArenaBytes").asLong());
        Run table = run("optimize", in.toString(), "-o", tmp.resolve("t.tflite").toString());
        assertTrue(table.out().contains("operators reordered, arena 4,160 -> 2,176 bytes"), table.out());
        assertTrue(table.out().contains("      planned by in-place-first-fit; verified by running"), table.out());
        assertTrue(table.out().contains("with partial execution, in place          2,176"), table.out());
    }

    @Test
    void theTableNamesEveryFigureWithItsUnit() {
        Path model = Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models/person_detect.tflite");
        Run r = run("optimize", model.toString(), "-o", tmp.resolve("p.tflite").toString());
        assertEquals(0, r.code(), r.err());
        for (String s : List.of("stored order, TFLM greedy arena", "optimized order", "best plan", "lower bound", "partial execution", "bytes", "55,296",
                "24,768", "planned by in-place-first-fit; verified by running", "extra MACs")) {
            assertTrue(r.out().contains(s), s + " missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("stored order kept"), r.out());
    }

    @Test
    void aMissingModelIsAOneLineError() {
        Run r = run("optimize", tmp.resolve("nope.tflite").toString(), "-o", tmp.resolve("o.tflite").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("nope.tflite"), r.err());
    }

    @Test
    void writingOverTheInputIsRefused() throws IOException {
        Path copy = tmp.resolve("m.tflite");
        Files.copy(sharedModels().get(0), copy);
        byte[] before = Files.readAllBytes(copy);
        Run r = run("optimize", copy.toString(), "-o", copy.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is the input model"), r.err());
        assertArrayEquals(before, Files.readAllBytes(copy));
    }

    @Test
    void aFileThatIsNoModelIsAOneLineError() throws IOException {
        Path junk = tmp.resolve("junk.tflite");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Run r = run("optimize", junk.toString(), "-o", tmp.resolve("o.tflite").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("o.tflite")));
    }

    @Test
    void aReportWithoutABoardIsAOneLineErrorAndNothingIsWritten() throws IOException {
        Path in = tmp.resolve("towers.tflite");
        Files.write(in, TfliteWriter.write(twoTowersStoredBadly()));
        Run r = run("optimize", in.toString(), "-o", tmp.resolve("o.tflite").toString(), "--report", tmp.resolve("r.html").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("tinyfit: --report needs --device NAME: the board whose SRAM and flash the report draws", r.err().strip());
        assertFalse(Files.exists(tmp.resolve("o.tflite")));
        assertFalse(Files.exists(tmp.resolve("r.html")));
    }

    @Test
    void aWrittenReportIsNamedOnTheLastLineAndJsonStaysOneDocument() throws IOException {
        Path in = tmp.resolve("towers.tflite");
        Files.write(in, TfliteWriter.write(twoTowersStoredBadly()));
        Path html = tmp.resolve("r.html");
        Run text = run("optimize", in.toString(), "-o", tmp.resolve("o.tflite").toString(), "--device", "nucleo-f446re", "--report", html.toString());
        assertEquals(0, text.code(), text.err());
        String[] lines = text.out().strip().split("\\R");
        assertEquals("report: " + html.toAbsolutePath().normalize(), lines[lines.length - 1]);
        assertTrue(Files.size(html) > 0);
        Files.delete(html);
        Run json = run("optimize", in.toString(), "-o", tmp.resolve("o2.tflite").toString(), "--json", "--device", "nucleo-f446re", "--report", html.toString());
        assertEquals(0, json.code(), json.err());
        new ObjectMapper().readTree(json.out());
        assertEquals("report: " + html.toAbsolutePath().normalize(), json.err().strip());
        Run analyze = run("analyze", in.toString(), "--device", "nucleo-f446re", "--report", tmp.resolve("a.html").toString());
        assertEquals(0, analyze.code(), analyze.err());
        assertTrue(analyze.out().strip().endsWith("report: " + tmp.resolve("a.html").toAbsolutePath().normalize()), analyze.out());
    }

    @Test
    void helpTeachesWhatTheFiguresMean() {
        Run r = run("optimize", "--help");
        assertEquals(0, r.code());
        for (String s : List.of("lower bound", "partial exec", "never larger", "-o", "--json")) assertTrue(r.out().contains(s), s);
        assertTrue(Arrays.stream(r.out().split("\n")).allMatch(l -> l.length() <= 100));
    }

    @Test
    void theMemoryProfileGivesLiveBytesAtEveryStepAndItsPeakIsTheBound() throws IOException {
        Path in = tmp.resolve("towers.tflite");
        Files.write(in, TfliteWriter.write(twoTowersStoredBadly()));
        Run r = run("optimize", in.toString(), "-o", tmp.resolve("o.tflite").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String which : List.of("stored", "written")) {
            JsonNode steps = j.get("memoryProfile").get(which);
            assertEquals(5 + 1, steps.size(), which + ": the inputs arriving, then one entry per operator");
            assertEquals("INPUTS", steps.get(0).get("op").asText());
            long peak = 0;
            for (JsonNode st : steps) peak = Math.max(peak, st.get("liveBytes").asLong());
            long expected = which.equals("stored") ? j.get("orderSearch").get("storedPeakLiveBytes").asLong() : j.get("orderSearch").get("minPeakLiveBytes").asLong();
            assertEquals(expected, peak, which);
        }
        assertEquals(4160, maxLive(j.get("memoryProfile").get("stored")));
        assertEquals(2176, maxLive(j.get("memoryProfile").get("written")));
        Run text = run("optimize", in.toString(), "-o", tmp.resolve("p.tflite").toString(), "--profile");
        assertTrue(text.out().contains("memory profile, stored order") && text.out().contains("memory profile, written order"), text.out());
        assertEquals(2, text.out().lines().filter(l -> l.endsWith("<- peak")).count(), text.out());
    }

    private static long maxLive(JsonNode steps) {
        long m = 0;
        for (JsonNode st : steps) m = Math.max(m, st.get("liveBytes").asLong());
        return m;
    }
}
