package org.tinyfit.tflite;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One flatbuffer table of an untrusted file. Creating it checks the table's vtable against the file
 * bounds; every field access checks the field against the table's declared size, and every offset,
 * vector and string against the file, before anything is allocated.
 */
final class FbTable {
    private final FbFile file;
    private final int pos;
    private final int vtable;
    private final int vtableBytes;
    private final int objectBytes;
    final String place;

    private FbTable(FbFile file, int pos, int vtable, int vtableBytes, int objectBytes, String place) {
        this.file = file;
        this.pos = pos;
        this.vtable = vtable;
        this.vtableBytes = vtableBytes;
        this.objectBytes = objectBytes;
        this.place = place;
    }

    /** The table starting at byte {@code pos}, checked. */
    static FbTable at(FbFile f, long pos, String place) {
        f.need(pos, 4, place, "the table");
        int p = (int) pos;
        long vt = (long) p - f.i32(p);
        if (vt < 0 || vt + 4 > f.length()) {
            throw f.fail(place, "the table at byte " + p + " points to a vtable at byte " + vt + ", outside the file (" + f.length() + " bytes)" + FbFile.DAMAGED);
        }
        int v = (int) vt;
        int vBytes = f.u16(v);
        int oBytes = f.u16(v + 2);
        if (vBytes < 4 || (vBytes & 1) != 0 || (long) v + vBytes > f.length()) {
            throw f.fail(place, "the vtable at byte " + v + " declares " + vBytes + " bytes, which is invalid or runs past the end of the file (" + f.length() + " bytes)");
        }
        if (oBytes < 4 || (long) p + oBytes > f.length()) {
            throw f.fail(place, "the table at byte " + p + " declares " + oBytes + " bytes, which is invalid or runs past the end of the file (" + f.length() + " bytes)");
        }
        return new FbTable(f, p, v, vBytes, oBytes, place);
    }

    FbFile file() { return file; }

    TfliteFormatException fail(String what) { return file.fail(place, what); }

    /** Absolute position of field {@code id} of {@code size} bytes, or -1 when absent. */
    private int field(int id, int size, String name) {
        int slot = 4 + 2 * id;
        if (slot + 2 > vtableBytes) return -1;
        int off = file.u16(vtable + slot);
        if (off == 0) return -1;
        if (off < 4 || off + size > objectBytes) {
            throw fail("field " + name + " at offset " + off + " lies outside its table (" + objectBytes + " bytes)");
        }
        return pos + off;
    }

    boolean has(int id) {
        int slot = 4 + 2 * id;
        return slot + 2 <= vtableBytes && file.u16(vtable + slot) != 0;
    }

    int i8(int id, int def, String name) { int p = field(id, 1, name); return p < 0 ? def : file.i8(p); }

    int u8(int id, int def, String name) { int p = field(id, 1, name); return p < 0 ? def : file.u8(p); }

    boolean bool(int id, boolean def, String name) { int p = field(id, 1, name); return p < 0 ? def : file.u8(p) != 0; }

    int i32(int id, int def, String name) { int p = field(id, 4, name); return p < 0 ? def : file.i32(p); }

    long u32(int id, long def, String name) { int p = field(id, 4, name); return p < 0 ? def : file.u32(p); }

    long i64(int id, long def, String name) { int p = field(id, 8, name); return p < 0 ? def : file.i64(p); }

    float f32(int id, float def, String name) { int p = field(id, 4, name); return p < 0 ? def : file.f32(p); }

    /** The target of the offset field {@code id}, or -1 when absent. */
    private long target(int id, String name) {
        int p = field(id, 4, name);
        if (p < 0) return -1;
        long t = p + file.u32(p);
        if (t + 4 > file.length()) {
            throw fail("field " + name + " points to byte " + t + ", outside the file (" + file.length() + " bytes)" + FbFile.DAMAGED);
        }
        return t;
    }

    /** A sub-table, or null when absent. */
    FbTable table(int id, String name, String childPlace) {
        long t = target(id, name);
        return t < 0 ? null : at(file, t, childPlace);
    }

    /** Start (the length word) of a vector field with elements of {@code elemBytes}, checked; -1 when absent. */
    private long vector(int id, int elemBytes, String name) {
        long t = target(id, name);
        if (t < 0) return -1;
        long n = file.u32((int) t);
        if (n * elemBytes > file.length() - (t + 4)) {
            throw fail(name + " claims " + n + " elements of " + elemBytes + " bytes at byte " + t
                    + ", more than the " + (file.length() - (t + 4)) + " bytes left in the file");
        }
        file.charge(n, place);
        return t;
    }

    /** Number of elements of a vector field (0 when absent). */
    int vectorLength(int id, String name) {
        long t = vector(id, 1, name);
        return t < 0 ? 0 : (int) file.u32((int) t);
    }

    /** A vector of tables (empty when absent); its length is checked once here. */
    Tables tables(int id, String name) {
        long t = vector(id, 4, name);
        return t < 0 ? new Tables(file, 0, 0) : new Tables(file, (int) t + 4, (int) file.u32((int) t));
    }

    /** The elements of a checked vector of tables. */
    record Tables(FbFile file, int start, int size) {
        FbTable get(int i, String childPlace) {
            int e = start + 4 * i;
            return at(file, e + file.u32(e), childPlace);
        }
    }

    /** A vector of int32, or null when absent. */
    int[] ints(int id, String name) {
        long t = vector(id, 4, name);
        if (t < 0) return null;
        int n = (int) file.u32((int) t);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = file.i32((int) t + 4 + 4 * i);
        return out;
    }

    long[] longs(int id, String name) {
        long t = vector(id, 8, name);
        if (t < 0) return null;
        int n = (int) file.u32((int) t);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) out[i] = file.i64((int) t + 4 + 8 * i);
        return out;
    }

    float[] floats(int id, String name) {
        long t = vector(id, 4, name);
        if (t < 0) return null;
        int n = (int) file.u32((int) t);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = file.f32((int) t + 4 + 4 * i);
        return out;
    }

    /** A vector of bytes, copied, or null when absent. Not charged to the budget beyond its length word. */
    byte[] bytes(int id, String name) {
        long t = vector(id, 1, name);
        if (t < 0) return null;
        return file.copy((int) t + 4, (int) file.u32((int) t));
    }

    /** Position and length of a byte vector without copying it: {start, length}, or null. */
    int[] byteRange(int id, String name) {
        long t = vector(id, 1, name);
        if (t < 0) return null;
        return new int[] {(int) t + 4, (int) file.u32((int) t)};
    }

    /** A UTF-8 string (malformed bytes replaced), or null when absent. */
    String string(int id, String name) {
        long t = vector(id, 1, name);
        if (t < 0) return null;
        byte[] b = file.copy((int) t + 4, (int) file.u32((int) t));
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw fail(name + " is not valid UTF-8");
        }
    }
}
