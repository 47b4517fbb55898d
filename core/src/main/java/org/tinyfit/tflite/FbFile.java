package org.tinyfit.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An untrusted flatbuffer held in memory, with bounds-checked primitive reads and a budget on the
 * number of vector elements a reader may visit (so shared vectors cannot multiply the work).
 */
final class FbFile {
    private final ByteBuffer buf;
    private final String sourceName;
    private final long elementBudget;
    private long elementsRead;

    FbFile(byte[] bytes, String sourceName) {
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.sourceName = sourceName;
        this.elementBudget = 16L * bytes.length + 4096;
    }

    int length() { return buf.capacity(); }

    String sourceName() { return sourceName; }

    /** A format error at {@code place} (may be empty). */
    TfliteFormatException fail(String place, String what) {
        return new TfliteFormatException(sourceName + ": " + (place.isEmpty() ? "" : place + ": ") + what);
    }

    /** What a reference outside the file means to the user, and what to do about it. */
    static final String DAMAGED = "; the file is cut short or damaged: copy or download it again";

    /** Checks that {@code size} bytes starting at {@code pos} lie inside the file. */
    void need(long pos, long size, String place, String what) {
        if (pos < 0 || size < 0 || pos + size > buf.capacity()) {
            throw fail(place, what + " at byte " + pos + " (" + size + " bytes) runs past the end of the file (" + buf.capacity() + " bytes)" + DAMAGED);
        }
    }

    void charge(long elements, String place) {
        elementsRead += elements;
        if (elementsRead > elementBudget) {
            throw fail(place, "the file's vectors are shared so often that reading them would visit more than "
                    + elementBudget + " elements; the file is malformed");
        }
    }

    byte i8(int pos) { return buf.get(pos); }

    int u8(int pos) { return buf.get(pos) & 0xFF; }

    int u16(int pos) { return buf.getShort(pos) & 0xFFFF; }

    int i32(int pos) { return buf.getInt(pos); }

    long u32(int pos) { return Integer.toUnsignedLong(buf.getInt(pos)); }

    long i64(int pos) { return buf.getLong(pos); }

    float f32(int pos) { return buf.getFloat(pos); }

    byte[] copy(int pos, int len) {
        byte[] out = new byte[len];
        buf.get(pos, out, 0, len);
        return out;
    }

    /** The root table, after checking the size and the file identifier. */
    FbTable root(String identifier) {
        if (buf.capacity() < 8) {
            throw fail("", "the file has " + buf.capacity() + " bytes, too short for a TFLite model (a flatbuffer needs at least 8)");
        }
        byte[] id = copy(4, 4);
        String got = new String(id, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!got.equals(identifier)) {
            throw fail("", "the file identifier is \"" + printable(got) + "\", expected \"" + identifier + "\"; this is not a TFLite model");
        }
        long target = u32(0);
        return FbTable.at(this, target, "model");
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') b.append(c);
            else b.append(String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
