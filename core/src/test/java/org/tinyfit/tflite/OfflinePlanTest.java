package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class OfflinePlanTest {

    /** Offsets for every tensor of {@code g}: a multiple of 16 for activations, -1 for constants. */
    private static int[] someOffsets(Graph g, long seed) {
        Random r = new Random(seed);
        int[] at = new int[g.tensors().size()];
        for (int t = 0; t < at.length; t++) at[t] = g.tensor(t).isConstant() || r.nextInt(5) == 0 ? -1 : 16 * r.nextInt(10_000);
        return at;
    }

    private static Map<String, String> textMetadata(Graph g) {
        var m = new java.util.TreeMap<>(g.metadata());
        m.keySet().removeIf(k -> k.startsWith("tflite.metadata." + OfflinePlan.METADATA_NAME));
        return m;
    }

    @Test
    void everySharedModelTakesAPlanAndReadsBackUnchangedOtherwise() {
        for (Path p : SharedModels.all()) {
            byte[] original = SharedModels.bytes(p);
            Graph before = TfliteReader.read(original, p.getFileName().toString());
            assertTrue(OfflinePlan.read(original, "x").isEmpty(), p + " has no plan of its own");
            int[] offsets = someOffsets(before, p.hashCode());
            byte[] with = OfflinePlan.write(original, OfflinePlan.of(offsets), p.getFileName().toString());

            OfflinePlan back = OfflinePlan.read(with, "x").orElseThrow();
            assertArrayEquals(offsets, back.offsets(), p.toString());
            assertEquals(OfflinePlan.VERSION, back.version());
            assertEquals(0, back.subgraph());
            Graph after = TfliteReader.read(with, p.getFileName().toString());
            GraphAssert.same(before, after, p.toString());
            assertEquals(textMetadata(before), textMetadata(after), p + ": the other metadata entries are kept");
            assertEquals(String.valueOf(4 * (3 + offsets.length)), after.metadata().get("tflite.metadata." + OfflinePlan.METADATA_NAME + ".bytes"));
            // The original bytes follow the new front unchanged, shifted by a multiple of 16.
            int shift = with.length - original.length;
            assertEquals(0, shift % 16, p.toString());
            assertArrayEquals(Arrays.copyOfRange(original, 8, original.length), Arrays.copyOfRange(with, shift + 8, with.length));
        }
    }

    @Test
    void thePlanDataIsSixteenByteAlignedAsTfliteMicroReadsItAsInt32() {
        byte[] original = SharedModels.bytes(SharedModels.model("person_detect.tflite"));
        Graph g = TfliteReader.read(original, "pd");
        byte[] with = OfflinePlan.write(original, OfflinePlan.of(someOffsets(g, 3)), "pd");
        int start = planDataStart(with);
        assertEquals(0, start % 16);
        ByteBuffer b = ByteBuffer.wrap(with).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, b.getInt(start));
        assertEquals(g.tensors().size(), b.getInt(start + 8));
    }

    @Test
    void aSecondPlanOverwritesTheFirstInPlace() {
        byte[] original = SharedModels.bytes(SharedModels.model("micro_speech_quantized.tflite"));
        Graph g = TfliteReader.read(original, "ms");
        byte[] once = OfflinePlan.write(original, OfflinePlan.of(someOffsets(g, 1)), "ms");
        int[] second = someOffsets(g, 2);
        byte[] twice = OfflinePlan.write(once, OfflinePlan.of(second), "ms");
        assertEquals(once.length, twice.length, "same size: the plan's bytes are replaced where they are");
        assertArrayEquals(second, OfflinePlan.read(twice, "ms").orElseThrow().offsets());
        int differing = 0;
        for (int i = 0; i < once.length; i++) if (once[i] != twice[i]) differing++;
        assertTrue(differing > 0 && differing <= 4 * second.length);
    }

    @Property(tries = 40, seed = "20261204")
    void writerGraphsRoundTripAnyPlan(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("g" + seed);
        int x = b.input("x", DType.F32, 1, 1 + r.nextInt(8), 1 + r.nextInt(8), 1 + r.nextInt(4));
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) x = b.node(r.nextBoolean() ? new Op.Relu() : new Op.Tanh(), "n" + i, x);
        Graph g = b.output(x).meta("note", "seed " + seed).build();
        byte[] file = TfliteWriter.write(g);
        int[] offsets = someOffsets(g, seed);
        byte[] with = OfflinePlan.write(file, OfflinePlan.of(offsets), "g");
        assertArrayEquals(offsets, OfflinePlan.read(with, "g").orElseThrow().offsets());
        Graph back = TfliteReader.read(with, "g");
        GraphAssert.same(TfliteReader.read(file, "g"), back, "seed " + seed);
        assertEquals("seed " + seed, back.metadata().get("tflite.metadata.note"));
    }

    @Test
    void aPlanWithTheWrongCountIsRefused() {
        byte[] original = SharedModels.bytes(SharedModels.model("hello_world_int8.tflite"));
        int tensors = TfliteReader.read(original, "hw").tensors().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OfflinePlan.write(original, OfflinePlan.of(new int[tensors + 1]), "hw"));
        assertTrue(e.getMessage().contains("the model has " + tensors + " tensors"), e.getMessage());
    }

    @Test
    void aFileWhosePlanDoesNotCoverEveryTensorIsAFormatError() {
        byte[] original = SharedModels.bytes(SharedModels.model("hello_world_int8.tflite"));
        int tensors = TfliteReader.read(original, "hw").tensors().size();
        byte[] with = OfflinePlan.write(original, OfflinePlan.of(new int[tensors]), "hw");
        // Rewrite the count in place: the header's third int32.
        ByteBuffer.wrap(with).order(ByteOrder.LITTLE_ENDIAN).putInt(planDataStart(with) + 8, tensors - 1);
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> OfflinePlan.read(with, "hw.tflite"));
        assertEquals("hw.tflite: OfflineMemoryAllocation gives " + (tensors - 1) + " offsets, but the model has " + tensors
                + " tensors; TFLite Micro refuses to allocate it", e.getMessage());
    }

    @Test
    void badMetadataBuffersAreFormatErrors() {
        assertThrows(TfliteFormatException.class, () -> OfflinePlan.decode(new byte[8], "m"));
        assertThrows(TfliteFormatException.class, () -> OfflinePlan.decode(new byte[13], "m"));
        byte[] cut = Arrays.copyOf(OfflinePlan.of(new int[] {0, 16}).encode(), 16);
        assertEquals("m: OfflineMemoryAllocation announces 2 offsets but holds 1",
                assertThrows(TfliteFormatException.class, () -> OfflinePlan.decode(cut, "m")).getMessage());
        byte[] minusTwo = OfflinePlan.of(new int[] {0}).encode();
        ByteBuffer.wrap(minusTwo).order(ByteOrder.LITTLE_ENDIAN).putInt(12, -2);
        TfliteFormatException e = assertThrows(TfliteFormatException.class, () -> OfflinePlan.decode(minusTwo, "m"));
        assertTrue(e.getMessage().contains("offset -2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OfflinePlan.of(new int[] {-3}));
    }

    @Test
    void theEncodingIsTfliteMicrosLayout() {
        byte[] b = OfflinePlan.of(new int[] {0, -1, 48}).encode();
        ByteBuffer r = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new int[] {1, 0, 3, 0, -1, 48}, new int[] {r.getInt(), r.getInt(), r.getInt(), r.getInt(), r.getInt(), r.getInt()});
        assertFalse(OfflinePlan.of(new int[] {0, -1}).allOnline());
        assertTrue(OfflinePlan.of(new int[] {-1, -1}).allOnline());
    }

    @Test
    void constantsAreReadUnchangedFromTheShiftedBytes() {
        GraphBuilder b = new GraphBuilder("fc");
        int x = b.input("x", DType.F32, 1, 3);
        float[] w = {1, 2, 3, 4, 5, 6};
        ByteBuffer wb = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : w) wb.putFloat(v);
        int wt = b.constant("w", DType.F32, Shape.of(2, 3), wb.array());
        Graph g = b.output(b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, wt)).build();
        byte[] with = OfflinePlan.write(TfliteWriter.write(g), OfflinePlan.of(new int[] {0, -1, 16}), "fc");
        assertArrayEquals(wb.array(), TfliteReader.read(with, "fc").tensor(wt).data());
    }

    /** Where the plan's int32 values start in a file (through the same lookup the reader uses). */
    private static int planDataStart(byte[] file) {
        return OfflinePlan.Located.find(new FbFile(file, "f")).dataStart();
    }
}
