package org.tinyfit.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A model's offline arena plan: TFLite Micro's {@code OfflineMemoryAllocation} metadata
 * (tensorflow/lite/micro/docs/memory_management.md, micro_allocation_info.cc). The metadata entry
 * names a buffer of little-endian int32: a format version, a subgraph field, the number {@code n} of
 * offsets that follow, then one byte offset into the arena's head per tensor of the model (all
 * subgraphs' tensors concatenated), or {@value #ONLINE} for a tensor TFLite Micro plans itself.
 * TFLite Micro reads only {@code n} and the offsets; it places every tensor with an offset there and
 * fits the others (and the kernels' scratch buffers) around them with its greedy planner.
 *
 * @param version the format version (TFLite Micro writes 1)
 * @param subgraph the header's subgraph field (TFLite Micro's own tests write 0)
 * @param offsets one entry per tensor of the model: a byte offset or {@value #ONLINE}
 */
public record OfflinePlan(int version, int subgraph, int[] offsets) {
    /** The name of the metadata entry TFLite Micro looks for. */
    public static final String METADATA_NAME = "OfflineMemoryAllocation";
    /** The offset of a tensor left to TFLite Micro's own planner. */
    public static final int ONLINE = -1;
    /** The version this class writes. */
    public static final int VERSION = 1;
    private static final int HEADER_INTS = 3;

    public OfflinePlan {
        offsets = offsets.clone();
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] < ONLINE) throw new IllegalArgumentException("offset of tensor " + i + " is " + offsets[i] + "; an offset is >= 0 or -1 (online)");
        }
    }

    /** A plan of {@code offsets} (one per tensor, {@value #ONLINE} for online) with the header TFLite Micro writes. */
    public static OfflinePlan of(int[] offsets) { return new OfflinePlan(VERSION, 0, offsets); }

    @Override public int[] offsets() { return offsets.clone(); }

    public int offset(int tensor) { return offsets[tensor]; }

    public int size() { return offsets.length; }

    /** Whether TFLite Micro takes tensor {@code t}'s place from this plan. */
    public boolean isOffline(int tensor) { return offsets[tensor] != ONLINE; }

    /** Whether every tensor is left to TFLite Micro: the same arena as no plan at all. */
    public boolean allOnline() {
        for (int o : offsets) if (o != ONLINE) return false;
        return true;
    }

    /** The metadata buffer's bytes. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(4 * (HEADER_INTS + offsets.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(version).putInt(subgraph).putInt(offsets.length);
        for (int o : offsets) b.putInt(o);
        return b.array();
    }

    /** Parses a metadata buffer; {@code where} names it in errors. */
    public static OfflinePlan decode(byte[] data, String where) {
        if (data.length < 4 * HEADER_INTS || data.length % 4 != 0) {
            throw new TfliteFormatException(where + ": " + METADATA_NAME + " holds " + data.length
                    + " bytes; it must be int32 values: version, subgraph, count, then the offsets");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt();
        int subgraph = b.getInt();
        int n = b.getInt();
        int present = data.length / 4 - HEADER_INTS;
        if (n < 0 || n > present) {
            throw new TfliteFormatException(where + ": " + METADATA_NAME + " announces " + n + " offsets but holds " + present);
        }
        int[] offsets = new int[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = b.getInt();
            if (offsets[i] < ONLINE) {
                throw new TfliteFormatException(where + ": " + METADATA_NAME + " gives tensor " + i + " the offset " + offsets[i]
                        + "; an offset is >= 0, or -1 for online planning");
            }
        }
        return new OfflinePlan(version, subgraph, offsets);
    }

    /**
     * The plan in a model file, if it has one (the first entry of that name, as TFLite Micro reads
     * it). A plan whose count differs from the model's number of tensors (all subgraphs) is a
     * {@link TfliteFormatException}: TFLite Micro refuses to allocate such a model.
     */
    public static Optional<OfflinePlan> read(byte[] file, String sourceName) {
        Located at = Located.find(new FbFile(file, sourceName == null ? "model.tflite" : sourceName));
        if (at.metadataIndex < 0) return Optional.empty();
        OfflinePlan plan = decode(at.data(file), at.file.sourceName());
        if (plan.size() != at.tensorCount) {
            throw new TfliteFormatException(at.file.sourceName() + ": " + METADATA_NAME + " gives " + plan.size() + " offsets, but the model has "
                    + at.tensorCount + " tensors; TFLite Micro refuses to allocate it");
        }
        return Optional.of(plan);
    }

    /**
     * The model file with {@code plan} as its {@code OfflineMemoryAllocation} metadata, replacing any
     * plan it has. The plan must give one entry per tensor of the model (all subgraphs). An existing
     * plan of the same size is overwritten where it lies, so the file keeps its size; otherwise a new
     * model table with the added metadata entry and buffer is put in front of the original bytes,
     * which stay as they are (shifted by a multiple of 16 bytes, so every alignment holds).
     */
    public static byte[] write(byte[] file, OfflinePlan plan, String sourceName) {
        FbFile f = new FbFile(file, sourceName == null ? "model.tflite" : sourceName);
        Located at = Located.find(f);
        if (plan.size() != at.tensorCount) {
            throw new IllegalArgumentException(f.sourceName() + ": the plan has " + plan.size() + " offsets, the model has " + at.tensorCount + " tensors");
        }
        byte[] encoded = plan.encode();
        if (at.metadataIndex >= 0 && at.dataLength == encoded.length && at.dataStart % 4 == 0) {
            byte[] out = file.clone();
            System.arraycopy(encoded, 0, out, at.dataStart, encoded.length);
            return out;
        }
        return Prepend.withPlan(f, file, at, encoded);
    }

    /** Where the plan is (or would go) in a file: the model table, its metadata and buffers. */
    record Located(FbFile file, FbTable model, FbTable.Tables metadata, FbTable.Tables buffers, int tensorCount,
                           int metadataIndex, int dataStart, int dataLength) {
        static Located find(FbFile f) {
            FbTable model = f.root(Schema.IDENTIFIER);
            FbTable.Tables subgraphs = model.tables(Schema.MODEL_SUBGRAPHS, "subgraphs");
            int tensors = 0;
            for (int s = 0; s < subgraphs.size(); s++) {
                tensors += subgraphs.get(s, "subgraph " + s).tables(Schema.SUBGRAPH_TENSORS, "tensors").size();
            }
            FbTable.Tables meta = model.tables(Schema.MODEL_METADATA, "metadata");
            FbTable.Tables buffers = model.tables(Schema.MODEL_BUFFERS, "buffers");
            for (int i = 0; i < meta.size(); i++) {
                FbTable m = meta.get(i, "metadata " + i);
                if (!METADATA_NAME.equals(m.string(Schema.METADATA_NAME, "name"))) continue;
                long buffer = m.u32(Schema.METADATA_BUFFER, 0, "buffer");
                if (buffer >= buffers.size()) {
                    throw f.fail("metadata " + i, METADATA_NAME + " names buffer " + buffer + ", but the model has " + buffers.size());
                }
                int[] range = buffers.get((int) buffer, "buffer " + buffer).byteRange(Schema.BUFFER_DATA, "data");
                if (range == null) throw f.fail("metadata " + i, METADATA_NAME + " names buffer " + buffer + ", which holds no data");
                return new Located(f, model, meta, buffers, tensors, i, range[0], range[1]);
            }
            return new Located(f, model, meta, buffers, tensors, -1, -1, 0);
        }

        byte[] data(byte[] bytes) { return Arrays.copyOfRange(bytes, dataStart, dataStart + dataLength); }
    }

    /**
     * Builds the new front of the file: a Model table that keeps every field of the original one but
     * points to a buffers vector with one more buffer (the plan) and a metadata vector with the plan's
     * entry (and without an earlier one). Flatbuffer offsets only point forward, and the front
     * precedes the original bytes, so everything it refers to lies after it.
     */
    private static final class Prepend {
        private static final int MODEL_FIELDS = 8;
        private static final int ALIGN = 16;
        private final ByteBuffer out;
        private int pos;

        private Prepend(int capacity) {
            out = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            pos = 8;
        }

        static byte[] withPlan(FbFile f, byte[] file, Located at, byte[] plan) {
            FbTable model = at.model();
            for (int id = MODEL_FIELDS; id < 64; id++) {
                if (model.has(id)) throw f.fail("model", "has field " + id + ", which tinyfit does not know; it cannot add an offline plan to this file");
            }
            for (int i = 0; i < at.buffers().size(); i++) {
                FbTable buf = at.buffers().get(i, "buffer " + i);
                if (buf.u32(Schema.BUFFER_OFFSET, 0, "offset") > 1) {
                    throw f.fail("buffer " + i, "keeps its data outside the flatbuffer (at an absolute file offset), so tinyfit cannot add an offline plan in front of it");
                }
            }
            List<Integer> keptMeta = new ArrayList<>();
            for (int i = 0; i < at.metadata().size(); i++) if (i != at.metadataIndex()) keptMeta.add(i);
            byte[] name = METADATA_NAME.getBytes(StandardCharsets.UTF_8);
            int buffers = at.buffers().size();
            int bound = 8 + (4 + 2 * MODEL_FIELDS) + 4 + 4 * MODEL_FIELDS + 4 + 4 * (buffers + 1) + 4 + 4 * (keptMeta.size() + 1)
                    + 8 + 12 + 4 + name.length + 1 + 8 + 8 + ALIGN + 4 + plan.length + 3 * ALIGN;
            ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            int oldModel = (int) Integer.toUnsignedLong(in.getInt(0));
            int[] oldField = new int[MODEL_FIELDS];
            for (int id = 0; id < MODEL_FIELDS; id++) oldField[id] = fieldPosition(in, oldModel, id);
            Prepend p = new Prepend(bound);
            int[] modelFieldAt = new int[MODEL_FIELDS];
            // The Model table: vtable, then the table with every field 4 bytes wide (a field absent
            // in the original stays absent).
            int[] modelVtable = new int[2 + MODEL_FIELDS];
            modelVtable[0] = 4 + 2 * MODEL_FIELDS;
            modelVtable[1] = 4 + 4 * MODEL_FIELDS;
            for (int id = 0; id < MODEL_FIELDS; id++) {
                boolean present = oldField[id] >= 0 || id == Schema.MODEL_BUFFERS || id == Schema.MODEL_METADATA;
                modelVtable[2 + id] = present ? 4 + 4 * id : 0;
            }
            int table = p.table(p.vtable(modelVtable));
            for (int id = 0; id < MODEL_FIELDS; id++) { modelFieldAt[id] = p.pos; p.putInt(0); }
            // Buffers vector: the originals, then the plan's buffer.
            int buffersVec = p.pos;
            p.putInt(buffers + 1);
            int[] bufferSlots = new int[buffers + 1];
            for (int i = 0; i <= buffers; i++) { bufferSlots[i] = p.pos; p.putInt(0); }
            // Metadata vector: the kept entries, then the plan's.
            int metaVec = p.pos;
            p.putInt(keptMeta.size() + 1);
            int[] metaSlots = new int[keptMeta.size() + 1];
            for (int i = 0; i < metaSlots.length; i++) { metaSlots[i] = p.pos; p.putInt(0); }
            // The plan's Metadata table (name, buffer) and its name.
            int metaTable = p.table(p.vtable(8, 12, 4, 8));
            int metaNameSlot = p.pos;
            p.putInt(0);
            p.putInt(buffers);
            int nameAt = p.pos;
            p.putInt(name.length);
            p.put(name);
            p.out.put(p.pos++, (byte) 0);
            // The plan's Buffer table and its data, the data 16-byte aligned.
            int bufTable = p.table(p.vtable(6, 8, 4));
            int bufDataSlot = p.pos;
            p.putInt(0);
            while ((p.pos + 4) % ALIGN != 0) p.out.put(p.pos++, (byte) 0);
            int dataVec = p.pos;
            p.putInt(plan.length);
            p.put(plan);
            p.alignTo(ALIGN);
            int shift = p.pos;

            // Every reference to the original bytes points to the same object, moved by `shift`.
            p.ref(0, table);
            p.out.put(4, (byte) 'T').put(5, (byte) 'F').put(6, (byte) 'L').put(7, (byte) '3');
            for (int id = 0; id < MODEL_FIELDS; id++) {
                int fieldPos = oldField[id];
                if (id == Schema.MODEL_BUFFERS) { p.ref(modelFieldAt[id], buffersVec); continue; }
                if (id == Schema.MODEL_METADATA) { p.ref(modelFieldAt[id], metaVec); continue; }
                if (fieldPos < 0) continue;
                if (id == Schema.MODEL_VERSION) {
                    p.out.putInt(modelFieldAt[id], in.getInt(fieldPos));
                } else {
                    p.ref(modelFieldAt[id], shift + fieldPos + Integer.toUnsignedLong(in.getInt(fieldPos)));
                }
            }
            for (int i = 0; i < buffers; i++) {
                int e = at.buffers().start() + 4 * i;
                p.ref(bufferSlots[i], shift + e + Integer.toUnsignedLong(in.getInt(e)));
            }
            p.ref(bufferSlots[buffers], bufTable);
            for (int k = 0; k < keptMeta.size(); k++) {
                int e = at.metadata().start() + 4 * keptMeta.get(k);
                p.ref(metaSlots[k], shift + e + Integer.toUnsignedLong(in.getInt(e)));
            }
            p.ref(metaSlots[keptMeta.size()], metaTable);
            p.ref(metaNameSlot, nameAt);
            p.ref(bufDataSlot, dataVec);

            byte[] result = new byte[shift + file.length];
            p.out.get(0, result, 0, shift);
            System.arraycopy(file, 0, result, shift, file.length);
            return result;
        }

        /** Absolute position of field {@code id} of the table at {@code table} in {@code in}, or -1 (the table was checked by the reader). */
        private static int fieldPosition(ByteBuffer in, int table, int id) {
            int vt = table - in.getInt(table);
            int vtBytes = in.getShort(vt) & 0xFFFF;
            int slot = 4 + 2 * id;
            if (slot + 2 > vtBytes) return -1;
            int off = in.getShort(vt + slot) & 0xFFFF;
            return off == 0 ? -1 : table + off;
        }

        private void putShort(int v) { out.putShort(pos, (short) v); pos += 2; }

        /** Writes a vtable (its size, its table's size, then each field's offset in the table); returns where it starts. */
        private int vtable(int... entries) {
            alignTo(2);
            int at = pos;
            for (int e : entries) putShort(e);
            return at;
        }

        /** Starts a table whose vtable is at {@code vtable} (writes its offset to it); returns where the table starts. */
        private int table(int vtable) {
            alignTo(4);
            int at = pos;
            putInt(at - vtable);
            return at;
        }

        private void putInt(int v) { out.putInt(pos, v); pos += 4; }

        private void put(byte[] b) { out.put(pos, b); pos += b.length; }

        private void alignTo(int a) { while (pos % a != 0) out.put(pos++, (byte) 0); }

        /** Writes at {@code slot} the forward offset to {@code target}. */
        private void ref(int slot, long target) {
            long rel = target - slot;
            if (rel <= 0 || rel > 0xFFFFFFFFL) throw new IllegalStateException("offset from " + slot + " to " + target + " does not point forward");
            out.putInt(slot, (int) rel);
        }
    }
}
