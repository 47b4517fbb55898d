package org.tinyfit.data;

import java.nio.ByteBuffer;

/** Turns stored label values into class indices, rejecting what cannot be a class. */
final class Labels {
    /** Labels above this are taken as a wrong column or file rather than a real class count. */
    static final int MAX_CLASS = 1 << 20;

    private Labels() {}

    /** Reads {@code count} labels of {@code type} from {@code b} (absolute, from {@code base}). */
    static int[] read(String where, ByteBuffer b, int base, int count, ElementType type) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            double v = switch (type) {
                case U8 -> b.get(base + i) & 0xFF;
                case I8 -> b.get(base + i);
                case I16 -> b.getShort(base + 2 * i);
                case I32 -> b.getInt(base + 4 * i);
                case I64 -> b.getLong(base + 8 * i);
                case F32 -> b.getFloat(base + 4 * i);
                case F64 -> b.getDouble(base + 8 * i);
            };
            labels[i] = toClass(where + " label " + i, v);
        }
        return labels;
    }

    static int toClass(String where, double v) {
        if (v != Math.rint(v) || v < 0 || v > MAX_CLASS) {
            throw new DataException(where + ": " + format(v) + " is not a class index (an integer from 0 to " + MAX_CLASS
                    + "); map class names to 0, 1, 2, ... first");
        }
        return (int) v;
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
