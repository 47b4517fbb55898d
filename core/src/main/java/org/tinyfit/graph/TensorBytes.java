package org.tinyfit.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one set of conversions between a tensor's bytes and Java values: little-endian, as TFLite
 * stores tensors, element {@code i} of a {@link DType} at byte {@code i * dtype.bytes()}. Reads and
 * writes on a {@link ByteBuffer} are absolute (its position is never moved), so a kernel can hand in
 * a view of exactly one tensor's bytes. Integers are read exactly (uint8 and bool as 0..255 and 0/1)
 * and written by narrowing (callers check ranges); float16 is widened to float.
 */
public final class TensorBytes {
    private TensorBytes() {}

    /** A little-endian buffer over {@code bytes}. */
    public static ByteBuffer le(byte[] bytes) { return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN); }

    /** Element {@code i} of type {@code type} as a double: floats as stored, integers exactly (int64 to the nearest double). */
    public static double get(ByteBuffer b, DType type, int i) {
        ByteBuffer d = b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (type) {
            case F32 -> d.getFloat(4 * i);
            case F16 -> Float.float16ToFloat(d.getShort(2 * i));
            case I8 -> d.get(i);
            case U8, BOOL -> d.get(i) & 0xff;
            case I16 -> d.getShort(2 * i);
            case I32 -> d.getInt(4 * i);
            case I64 -> d.getLong(8 * i);
            case UNKNOWN -> throw new IllegalArgumentException("a tensor of unknown type has no values");
        };
    }

    /** Stores {@code v} as element {@code i}: narrowed to float, float16 or the integer type (an integer value must already fit). */
    public static void put(ByteBuffer b, DType type, int i, double v) {
        ByteBuffer d = b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> d.putFloat(4 * i, (float) v);
            case F16 -> d.putShort(2 * i, Float.floatToFloat16((float) v));
            case I8, U8, BOOL -> d.put(i, (byte) (long) v);
            case I16 -> d.putShort(2 * i, (short) (long) v);
            case I32 -> d.putInt(4 * i, (int) (long) v);
            case I64 -> d.putLong(8 * i, (long) v);
            case UNKNOWN -> throw new IllegalArgumentException("cannot store values into a tensor of unknown type");
        }
    }

    /** The first {@code n} float32 values. */
    public static float[] floats(ByteBuffer b, int n) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = d.getFloat(4 * i);
        return out;
    }

    /** A float32 constant's values; throws a {@link GraphException} naming the tensor if it is not one. */
    public static float[] floats(Tensor t) {
        if (!t.isConstant() || t.dtype() != DType.F32) {
            throw new GraphException("tensor " + t.id() + " (" + t.name() + ") is " + (t.isConstant() ? t.dtype().lower() : "not a constant") + ", expected a float32 constant");
        }
        return floats(le(t.data()), t.shape().elements());
    }

    /** The little-endian float32 bytes of {@code v}. */
    public static byte[] ofFloats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** The little-endian int32 bytes of {@code v}. */
    public static byte[] ofInts(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    /** The first {@code n} int16 values. */
    public static short[] shorts(ByteBuffer b, int n) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) out[i] = d.getShort(2 * i);
        return out;
    }

    /** The first {@code n} bytes (int8 values). */
    public static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = b.get(i);
        return out;
    }

    /** Integer values of any integer type, widened to int (int64 values are truncated to their low 32 bits). */
    public static int[] ints(ByteBuffer b, DType type, int n) {
        int[] out = new int[n];
        intsInto(b, type, out);
        return out;
    }

    /** As {@link #ints}, into {@code out} (its length is the element count). */
    public static void intsInto(ByteBuffer b, DType type, int[] out) {
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

    /** Integer values of any integer type, widened to long. */
    public static long[] longs(ByteBuffer b, DType type, int n) {
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

    /** An int32 or int64 constant's values as ints; an int64 value outside the int range throws {@link ArithmeticException}. */
    public static int[] exactInts(Tensor t) {
        if (t.dtype() != DType.I32 && t.dtype() != DType.I64) throw new IllegalArgumentException("expected int32 or int64 data, got " + t.dtype().lower());
        long[] v = longs(le(t.data()), t.dtype(), t.shape().elements());
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Math.toIntExact(v[i]);
        return out;
    }

    /** Stores int16 values from element 0. */
    public static void putShorts(ByteBuffer b, short[] v) {
        ByteBuffer d = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) d.putShort(2 * i, v[i]);
    }

    /** Stores bytes (int8 values) from element 0. */
    public static void putBytes(ByteBuffer b, byte[] v) {
        for (int i = 0; i < v.length; i++) b.put(i, v[i]);
    }

    /** Stores int values into a tensor of integer type {@code type} (values already in range). */
    public static void putInts(ByteBuffer b, DType type, int[] v) {
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

    /** A constant integer tensor's values as ints (see {@link #ints}). */
    public static int[] constInts(Tensor t) { return ints(le(t.data()), t.dtype(), t.shape().elements()); }

    /** A constant integer tensor's values as longs. */
    public static long[] constLongs(Tensor t) { return longs(le(t.data()), t.dtype(), t.shape().elements()); }
}
