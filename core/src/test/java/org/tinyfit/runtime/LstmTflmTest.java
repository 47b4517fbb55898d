package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmAbi;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.memory.TflmTail;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * The LSTM models of {@link LstmModels}, written to .tflite, read back and run in the interpreter on
 * three seeds: every tensor equals what TFLite Micro computed for the same file (recorded in
 * {@code lstm-tflm-outputs.tsv}) byte for byte for int8 and int16 (the int16 cell state included), within 1e-5
 * relative for float (libm's tanhf and Java's tanh differ in the last bits); and tinyfit's arena figures
 * for them equal TFLite Micro's.
 */
class LstmTflmTest {

    static Map<String, TflmRecords.Recorded> recorded() throws IOException {
        return TflmRecords.read("lstm-tflm-outputs.tsv");
    }

    static Stream<Arguments> models() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String name : recorded().keySet()) out.add(Arguments.of(name));
        return out.stream();
    }

    /** The file {@link LstmModels} writes for {@code name}. */
    static byte[] file(String name) {
        if (name.equals(LstmModels.INT16.name())) return TfliteWriter.write(LstmModels.int16(LstmModels.INT16));
        for (LstmModels.Spec s : LstmModels.INT8.values()) {
            if (s.name().equals(name)) return TfliteWriter.write(LstmModels.int8(s));
            Graph f = LstmModels.float32(s);
            if (f.name().equals(name)) return TfliteWriter.write(f);
        }
        throw new AssertionError("no LstmModels spec writes " + name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyTensorEqualsTflmOnThreeSeeds(String name) throws Exception {
        TflmRecords.Recorded rec = recorded().get(name);
        byte[] file = file(name);
        assertEquals(rec.sha256(), sha256(file), name + ": LstmModels no longer writes the file TFLite Micro ran");
        Graph g = TfliteReader.read(file, name + ".tflite");
        assertEquals(3, rec.seeds().size(), name + ": seeds recorded");
        for (var seed : rec.seeds().entrySet()) {
            Schedule s = Schedule.stored(g);
            for (boolean fast : new boolean[] {true, false}) {
                Interpreter it = new Interpreter(g, s, new TflmGreedyPlanner().plan(g, s), Interpreter.defaultProviders(), fast);
                Map<Integer, byte[]> written = new HashMap<>();
                byte[][] ins = TflmRecords.lcgInputs(g, seed.getKey());
                for (int k = 0; k < ins.length; k++) written.put(g.inputs()[k], ins[k]);
                byte[][] outs = it.run(ins, (step, node, arena) -> {
                    for (int t : node.outputs()) written.put(t, arena.read(t));
                });
                int compared = 0;
                for (var want : seed.getValue().entrySet()) {
                    String[] what = want.getKey().split(" ");
                    int k = Integer.parseInt(what[1]);
                    Tensor t;
                    byte[] got;
                    if (what[0].equals("output")) {
                        t = g.tensor(g.outputs()[k]);
                        got = outs[k];
                    } else {
                        t = g.tensor(k);
                        got = written.containsKey(k) ? written.get(k) : it.arena().read(k);
                    }
                    String where = name + " seed " + seed.getKey() + " " + want.getKey() + " (" + t.name() + ")";
                    if (t.dtype() == DType.F32) assertClose(want.getValue(), got, where);
                    else assertArrayEquals(want.getValue(), got, where);
                    compared++;
                }
                assertTrue(compared >= 4, name + ": input, output, hidden and cell state compared");
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
        for (int i = 0; i < 4; i++) assertTrue(plan.scratchOffset(0, i) >= 0, name + ": gate buffer " + i + " is in the arena");
        TflmTail.Result tail = TflmTail.of(g, TflmAbi.HOST_64);
        assertTrue(tail.exact(), name + ": every kernel's tail is modelled");
        assertEquals(rec.arena().get("arena_used_plain"), plan.arenaBytes() + tail.bytes(), name + ": arena used by a MicroInterpreter");
    }

    @Test
    void theGateBuffersAreThePlannedScratchInTheArena() throws Exception {
        String name = "lstm_mnist_like_int8";
        Graph g = TfliteReader.read(file(name), name + ".tflite");
        Schedule s = Schedule.stored(g);
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, s);
        Tensor cell = g.tensor(g.node(0).input(org.tinyfit.graph.Lstm.CELL_STATE));
        byte[] finalCell = recorded().get(name).seeds().get(0).get("tensor " + cell.id());
        int at = (int) plan.scratchOffset(0, 0);
        byte[][] buffer0 = new byte[1][];
        Interpreter it = new Interpreter(g, s, plan, Interpreter.defaultProviders(), true);
        it.run(TflmRecords.lcgInputs(g, 0), (step, node, arena) -> {
            if (node.id() == 0) buffer0[0] = java.util.Arrays.copyOfRange(arena.bytes(), at, at + finalCell.length);
        });
        ByteBuffer c = ByteBuffer.wrap(finalCell).order(ByteOrder.LITTLE_ENDIAN), b0 = ByteBuffer.wrap(buffer0[0]).order(ByteOrder.LITTLE_ENDIAN);
        org.tinyfit.quant.Int16Sigmoid.InputScaling scaling = org.tinyfit.quant.Int16Sigmoid.lstmTanhScaling(-12);
        for (int i = 0; i < finalCell.length / 2; i++) {
            assertEquals(org.tinyfit.quant.Int16Sigmoid.tanh(c.getShort(2 * i), scaling), b0.getShort(2 * i),
                    "gate buffer 0 in the arena holds tanh of TFLite Micro's last cell state, value " + i);
        }
    }

    @Test
    void theRecordedRunsAreNotDegenerate() throws IOException {
        Map<String, TflmRecords.Recorded> all = recorded();
        assertEquals(7, all.size(), "three int8 models, their float versions, one int16 model");
        for (var e : all.entrySet()) {
            for (var seed : e.getValue().seeds().entrySet()) {
                byte[] widest = null;
                for (var t : seed.getValue().entrySet()) {
                    if (!t.getKey().equals("tensor 0") && (widest == null || t.getValue().length > widest.length)) widest = t.getValue();
                }
                java.util.Set<Byte> distinct = new java.util.HashSet<>();
                for (byte v : widest) distinct.add(v);
                assertTrue(distinct.size() > 8, e.getKey() + " seed " + seed.getKey() + ": the sequence output takes " + distinct.size() + " byte values");
            }
        }
    }

    private static void assertClose(byte[] want, byte[] got, String where) {
        assertEquals(want.length, got.length, where + ": bytes");
        ByteBuffer a = ByteBuffer.wrap(want).order(ByteOrder.LITTLE_ENDIAN), b = ByteBuffer.wrap(got).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < want.length / 4; i++) {
            float x = a.getFloat(4 * i), y = b.getFloat(4 * i);
            assertTrue(Math.abs(x - y) <= 1e-5 * Math.max(Math.abs(x), Math.abs(y)) + 1e-7, where + ": element " + i + " is " + y + ", TFLM has " + x);
        }
    }

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
