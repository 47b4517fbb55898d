package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.memory.TflmTail;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * TRANSPOSE, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR run bit-exact with TFLite Micro: the models of
 * {@link ResizeTransposeModels}, written to .tflite, read back and run in the interpreter (reference and
 * fast kernels) on three seeds, give the output bytes TFLite Micro computed for the same files
 * ({@code resize-transpose-tflm.tsv}, float outputs included, byte for byte); and tinyfit's planned arena
 * and persistent tail for them equal TFLite Micro's.
 */
class ResizeTransposeTflmTest {

    static Map<String, TflmRecords.Recorded> recorded() throws IOException {
        return TflmRecords.read("resize-transpose-tflm.tsv");
    }

    static Stream<String> models() throws IOException { return recorded().keySet().stream(); }

    private static byte[] file(String name) {
        Graph g = ResizeTransposeModels.all().get(name);
        assertTrue(g != null, "ResizeTransposeModels has no model " + name);
        return TfliteWriter.write(g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void outputsEqualTflmsOnThreeSeeds(String name) throws Exception {
        TflmRecords.Recorded rec = recorded().get(name);
        byte[] bytes = file(name);
        assertEquals(rec.sha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                name + ": ResizeTransposeModels no longer writes the file TFLite Micro ran");
        Graph g = TfliteReader.read(bytes, name + ".tflite");
        assertEquals(3, rec.seeds().size(), name + ": seeds recorded");
        Schedule s = Schedule.stored(g);
        for (var seed : rec.seeds().entrySet()) {
            for (boolean fast : new boolean[] {true, false}) {
                Interpreter it = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), Interpreter.defaultProviders(), fast);
                byte[][] outs = it.run(TflmRecords.lcgInputs(g, seed.getKey()));
                assertArrayEquals(seed.getValue().get("output 0"), outs[0], name + " seed " + seed.getKey() + (fast ? " (fast)" : ""));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void plannedArenaAndTailEqualTflms(String name) throws Exception {
        TflmRecords.Recorded rec = recorded().get(name);
        Graph g = TfliteReader.read(file(name), name + ".tflite");
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, Schedule.stored(g));
        assertEquals(rec.arena().get("planned"), plan.arenaBytes(), name + ": planned arena");
        TflmTail.Result tail = TflmTail.of(g, TflmAbi.HOST_64);
        assertTrue(tail.exact(), name + ": every kernel's tail is modelled");
        assertEquals(rec.arena().get("arena_used_plain"), plan.arenaBytes() + tail.bytes(), name + ": arena used by a MicroInterpreter");
    }

    @Test
    void theRecordsCoverEveryModeOptionAndTypeAndAreNotDegenerate() throws IOException {
        Map<String, TflmRecords.Recorded> all = recorded();
        assertEquals(ResizeTransposeModels.all().keySet(), all.keySet(), "every model is recorded");
        Set<String> kinds = new HashSet<>();
        for (Graph g : ResizeTransposeModels.all().values()) {
            for (Node n : g.nodes()) {
                String dtype = g.tensor(n.input(0)).dtype().lower();
                switch (n.op()) {
                    case Op.Resize r -> kinds.add(r.kind() + " " + dtype + " align=" + r.alignCorners() + " half=" + r.halfPixelCenters());
                    default -> kinds.add(n.op().kind() + " " + dtype);
                }
            }
        }
        for (String d : new String[] {"i8", "f32"}) {
            assertTrue(kinds.contains("TRANSPOSE " + d), kinds.toString());
            for (String k : new String[] {"RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR"}) {
                for (String o : new String[] {"align=false half=false", "align=true half=false", "align=false half=true"}) {
                    assertTrue(kinds.contains(k + " " + d + " " + o), k + " " + d + " " + o + " in " + kinds);
                }
            }
        }
        for (var e : all.entrySet()) {
            Set<Byte> distinct = new HashSet<>();
            for (Map<String, byte[]> seed : e.getValue().seeds().values()) for (byte v : seed.get("output 0")) distinct.add(v);
            assertTrue(distinct.size() > 16, e.getKey() + ": outputs take " + distinct.size() + " byte values");
            assertTrue(!java.util.Arrays.equals(e.getValue().seeds().get(0).get("output 0"), e.getValue().seeds().get(1).get("output 0")), e.getKey() + ": seeds 0 and 1 give different outputs");
        }
    }

    @Test
    void theReaderGivesBackEveryOpWithItsOptions() {
        for (Graph g : ResizeTransposeModels.all().values()) {
            Graph back = TfliteReader.read(TfliteWriter.write(g), g.name() + ".tflite");
            assertEquals(g.nodes().size(), back.nodes().size(), g.name());
            for (int k = 0; k < g.nodes().size(); k++) assertEquals(g.node(k).op(), back.node(k).op(), g.name() + " node " + k);
            assertEquals(g.tensor(g.outputs()[0]).shape(), back.tensor(back.outputs()[0]).shape(), g.name());
        }
    }

    @Test
    void badPermutationsAndSizesAreRefusedNamingTheNode() {
        var e1 = org.junit.jupiter.api.Assertions.assertThrows(org.tinyfit.graph.GraphException.class,
                () -> ResizeTransposeModels.transpose("bad_perm", org.tinyfit.graph.DType.F32, new int[] {2, 3, 4}, 0, 2, 2));
        assertTrue(e1.getMessage().contains("is not a permutation of the 3 axes"), e1.getMessage());
        var e2 = org.junit.jupiter.api.Assertions.assertThrows(org.tinyfit.graph.GraphException.class,
                () -> ResizeTransposeModels.resize("bad_size", org.tinyfit.graph.DType.F32, Op.ResizeMode.NEAREST, false, false, new int[] {1, 2, 2, 1}, 0, 3));
        assertTrue(e2.getMessage().contains("must be two positive values"), e2.getMessage());
        var e3 = org.junit.jupiter.api.Assertions.assertThrows(org.tinyfit.graph.GraphException.class,
                () -> ResizeTransposeModels.resize("both", org.tinyfit.graph.DType.F32, Op.ResizeMode.BILINEAR, true, true, new int[] {1, 2, 2, 1}, 3, 3));
        assertTrue(e3.getMessage().contains("cannot take both align_corners and half_pixel_centers"), e3.getMessage());
    }
}
