package org.tinyfit.runtime.int16;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Tensor;

/** Little-endian conversions between tensor bytes and the arrays the kernels take. */
final class TensorData {
    private TensorData() {}

    static ByteBuffer le(byte[] bytes) { return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN); }

    static short[] shorts(ByteBuffer b, int n) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) out[i] = d.getShort(2 * i);
        return out;
    }

    static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = b.get(i);
        return out;
    }

    static float[] floats(ByteBuffer b, int n) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = d.getFloat(4 * i);
        return out;
    }

    /** Integer values of any integer type, widened to int (int64 values must fit). */
    static int[] ints(ByteBuffer b, DType type, int n) {
        int[] out = new int[n];
        intsInto(b, type, out);
        return out;
    }

    /** As {@link #ints}, into {@code out} (its length is the element count). */
    static void intsInto(ByteBuffer b, DType type, int[] out) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case I8 -> d.get(i);
                case U8 -> d.get(i) & 0xff;
                case I16 -> d.getShort(2 * i);
                case I32 -> d.getInt(4 * i);
                case I64 -> (int) d.getLong(8 * i);
                case BOOL -> d.get(i) != 0 ? 1 : 0;
                case F32, F16, UNKNOWN -> throw new IllegalArgumentException("expected integer data, got " + type.lower());
            };
        }
    }

    static long[] longs(ByteBuffer b, DType type, int n) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case I8 -> d.get(i);
                case U8 -> d.get(i) & 0xff;
                case I16 -> d.getShort(2 * i);
                case I32 -> d.getInt(4 * i);
                case I64 -> d.getLong(8 * i);
                case BOOL -> d.get(i) != 0 ? 1 : 0;
                case F32, F16, UNKNOWN -> throw new IllegalArgumentException("expected integer data, got " + type.lower());
            };
        }
        return out;
    }

    static void putShorts(ByteBuffer b, short[] v) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) d.putShort(2 * i, v[i]);
    }

    static void putBytes(ByteBuffer b, byte[] v) {
        for (int i = 0; i < v.length; i++) b.put(i, v[i]);
    }

    /** Stores int values into a tensor of integer type {@code type} (values already in range). */
    static void putInts(ByteBuffer b, DType type, int[] v) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            switch (type) {
                case I8, U8 -> d.put(i, (byte) v[i]);
                case I16 -> d.putShort(2 * i, (short) v[i]);
                case I32 -> d.putInt(4 * i, v[i]);
                case I64 -> d.putLong(8 * i, v[i]);
                case F32, F16, BOOL, UNKNOWN -> throw new IllegalArgumentException("cannot store integers into " + type.lower());
            }
        }
    }

    static int[] constInts(Tensor t) { return ints(le(t.data()), t.dtype(), t.shape().elements()); }

    static long[] constLongs(Tensor t) { return longs(le(t.data()), t.dtype(), t.shape().elements()); }
}
