package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;

/**
 * Fuzzing that keeps the flatbuffer intact and damages the model instead: tensor indices of operators,
 * graph inputs and outputs, shape dimensions, tensor types, buffer indices, opcode indices and option
 * fields get small random values, so the graph checks and shape inference see inconsistent models.
 */
class StructuredFuzzTest {
    static final long SEED = Long.getLong("tinyfit.structuredFuzzSeed", 77);
    static final int CASES = Integer.getInteger("tinyfit.structuredFuzzCases", 6_000);

    /** Positions of interesting little-endian int32 (size 4) or byte (size 1) fields, with a kind. */
    record Slot(int pos, int size, String kind) {}

    private static ByteBuffer le(byte[] b) { return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN); }

    /** Position of field {@code id} of the table at {@code table}, or -1. */
    private static int field(ByteBuffer b, int table, int id) {
        int vt = table - b.getInt(table);
        int vsize = b.getShort(vt) & 0xFFFF;
        if (4 + 2 * id + 2 > vsize) return -1;
        int off = b.getShort(vt + 4 + 2 * id) & 0xFFFF;
        return off == 0 ? -1 : table + off;
    }

    private static int deref(ByteBuffer b, int pos) { return pos + b.getInt(pos); }

    private static void vectorInts(ByteBuffer b, int table, int id, String kind, List<Slot> out) {
        int f = field(b, table, id);
        if (f < 0) return;
        int v = deref(b, f);
        int n = b.getInt(v);
        for (int i = 0; i < n; i++) out.add(new Slot(v + 4 + 4 * i, 4, kind));
    }

    static List<Slot> slots(byte[] model) {
        ByteBuffer b = le(model);
        List<Slot> out = new ArrayList<>();
        int root = b.getInt(0);
        int sgs = deref(b, field(b, root, Schema.MODEL_SUBGRAPHS));
        int sg = deref(b, sgs + 4);
        vectorInts(b, sg, Schema.SUBGRAPH_INPUTS, "index", out);
        vectorInts(b, sg, Schema.SUBGRAPH_OUTPUTS, "index", out);
        int tv = deref(b, field(b, sg, Schema.SUBGRAPH_TENSORS));
        for (int i = 0; i < b.getInt(tv); i++) {
            int t = deref(b, tv + 4 + 4 * i);
            vectorInts(b, t, Schema.TENSOR_SHAPE, "dim", out);
            int type = field(b, t, Schema.TENSOR_TYPE);
            if (type >= 0) out.add(new Slot(type, 1, "type"));
            int buf = field(b, t, Schema.TENSOR_BUFFER);
            if (buf >= 0) out.add(new Slot(buf, 4, "buffer"));
        }
        int ov = deref(b, field(b, sg, Schema.SUBGRAPH_OPERATORS));
        for (int i = 0; i < b.getInt(ov); i++) {
            int o = deref(b, ov + 4 + 4 * i);
            vectorInts(b, o, Schema.OP_INPUTS, "index", out);
            vectorInts(b, o, Schema.OP_OUTPUTS, "index", out);
            int opc = field(b, o, Schema.OP_OPCODE_INDEX);
            if (opc >= 0) out.add(new Slot(opc, 4, "opcode"));
            int opt = field(b, o, Schema.OP_OPTIONS);
            if (opt >= 0) {
                int t = deref(b, opt);
                int vt = t - b.getInt(t);
                int fields = ((b.getShort(vt) & 0xFFFF) - 4) / 2;
                for (int k = 0; k < fields; k++) {
                    int p = field(b, t, k);
                    if (p >= 0) out.add(new Slot(p, p + 4 <= t + (b.getShort(vt + 2) & 0xFFFF) && (p & 3) == 0 ? 4 : 1, "option"));
                }
            }
        }
        return out;
    }

    @Test
    void damagedModelsWithIntactFlatbuffersLoadOrFailWithAGraphException() {
        List<byte[]> corpus = ReaderFuzzTest.corpus();
        List<List<Slot>> slots = corpus.stream().map(StructuredFuzzTest::slots).toList();
        int loaded = 0, rejected = 0;
        for (int k = 0; k < CASES; k++) {
            SplittableRandom r = new SplittableRandom(SEED * 1_000_003L + k);
            int m = r.nextInt(corpus.size());
            byte[] bytes = corpus.get(m).clone();
            ByteBuffer b = le(bytes);
            List<Slot> s = slots.get(m);
            int edits = 1 + r.nextInt(3);
            StringBuilder what = new StringBuilder("model " + m);
            for (int e = 0; e < edits; e++) {
                Slot slot = s.get(r.nextInt(s.size()));
                int v = switch (slot.kind()) {
                    case "index" -> r.nextInt(-3, 60);
                    case "dim" -> r.nextInt(8) == 0 ? r.nextInt() : r.nextInt(-2, 130);
                    case "type" -> r.nextInt(-1, 20);
                    case "buffer" -> r.nextInt(0, 80);
                    case "opcode" -> r.nextInt(0, 8);
                    default -> r.nextInt(5) == 0 ? r.nextInt() : r.nextInt(-3, 10);
                };
                if (slot.size() == 4) b.putInt(slot.pos(), v); else b.put(slot.pos(), (byte) v);
                what.append(", ").append(slot.kind()).append("@").append(slot.pos()).append("=").append(v);
            }
            try {
                Graph g = TfliteReader.read(bytes, "fuzz.tflite");
                loaded++;
                assertNotNull(g);
            } catch (GraphException e) {
                rejected++;
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                throw new AssertionError("seed " + SEED + " case " + k + " (" + what + ") threw " + e, e);
            }
        }
        System.out.println("structured fuzz: " + CASES + " cases, " + loaded + " loaded, " + rejected + " rejected");
        assertTrue(loaded > 0 && rejected > 0, "loaded " + loaded + ", rejected " + rejected);
    }
}
