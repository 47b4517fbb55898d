package org.tinyfit.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;

/**
 * Converts between a tensor's bytes (little-endian, its dtype) and numbers: the stored values
 * (integers as they are), or real values (dequantized with the tensor's scale and zero point, or
 * float as stored). Quantizing real values rounds half away from zero and saturates, as TFLite does.
 */
public final class TensorValues {
    private TensorValues() {}

    /** The stored values (integers exactly; floats as doubles). */
    public static double[] stored(Tensor t, byte[] bytes) {
        checkLength(t, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = t.shape().elements();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (t.dtype()) {
                case F32 -> b.getFloat(4 * i);
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xff;
                case I16 -> b.getShort(2 * i);
                case I32 -> b.getInt(4 * i);
                case I64 -> b.getLong(8 * i);
                case F16 -> Float.float16ToFloat(b.getShort(2 * i));
                case UNKNOWN -> throw new GraphException("tensor " + t.name() + " has an unknown type");
            };
        }
        return out;
    }

    /** Real values: {@code scale * (q - zeroPoint)} for quantized tensors (per channel where so quantized), else the stored values. */
    public static double[] real(Tensor t, byte[] bytes) {
        double[] v = stored(t, bytes);
        if (t.quant() == null || t.dtype().isFloat()) return v;
        int axis = t.quant().axis(), rank = t.shape().rank();
        int[] dims = t.shape().dims();
        int inner = 1;
        for (int d = axis + 1; d < rank; d++) inner *= dims[d];
        int channels = t.quant().perChannel() && axis < rank ? dims[axis] : 1;
        for (int i = 0; i < v.length; i++) {
            int c = channels == 1 ? 0 : (i / inner) % channels;
            v[i] = t.quant().scale(c) * (v[i] - t.quant().zeroPoint(c));
        }
        return v;
    }

    /** Bytes holding {@code values} as stored values; an integer out of the dtype's range is an error. */
    public static byte[] fromStored(Tensor t, double[] values, String where) {
        checkCount(t, values.length, where);
        ByteBuffer b = ByteBuffer.allocate((int) t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            switch (t.dtype()) {
                case F32 -> b.putFloat((float) v);
                case F16 -> b.putShort(Float.floatToFloat16((float) v));
                case I8 -> b.put((byte) checkInt(t, v, -128, 127, i, where));
                case U8, BOOL -> b.put((byte) checkInt(t, v, 0, 255, i, where));
                case I16 -> b.putShort((short) checkInt(t, v, -32768, 32767, i, where));
                case I32 -> b.putInt((int) checkInt(t, v, Integer.MIN_VALUE, Integer.MAX_VALUE, i, where));
                case I64 -> b.putLong((long) v);
                case UNKNOWN -> throw new GraphException("tensor " + t.name() + " has an unknown type");
            }
        }
        return b.array();
    }

    /** Bytes holding real {@code values}: quantized (rounded, saturated) for an integer tensor with quantization, else as stored. */
    public static byte[] fromReal(Tensor t, double[] values, String where) {
        if (t.dtype().isFloat() || t.quant() == null) return fromStored(t, values, where);
        checkCount(t, values.length, where);
        if (t.quant().perChannel()) throw new GraphException(where + ": tensor " + t.name() + " is quantized per channel; give its stored integers instead");
        double scale = t.quant().scale();
        long zp = t.quant().zeroPoint();
        long lo = QuantParams.qmin(t.dtype()), hi = QuantParams.qmax(t.dtype());
        double[] q = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) throw new GraphException(where + ": value " + i + " is " + values[i]);
            q[i] = FixedPoint.clamp(FixedPoint.round((float) values[i] / (float) scale) + zp, lo, hi);
        }
        return fromStored(t, q, where);
    }

    private static long checkInt(Tensor t, double v, long lo, long hi, int i, String where) {
        if (v != Math.rint(v) || v < lo || v > hi) {
            throw new GraphException(where + ": value " + i + " is " + v + ", not an integer in " + lo + ".." + hi + " as " + t.dtype().lower() + " tensor " + t.name() + " needs");
        }
        return (long) v;
    }

    private static void checkCount(Tensor t, int n, String where) {
        if (n != t.shape().elements()) throw new GraphException(where + ": " + n + " values, but " + t.name() + " " + t.describe() + " needs " + t.shape().elements());
    }

    private static void checkLength(Tensor t, int n) {
        if (n != t.bytes()) throw new GraphException("tensor " + t.name() + " " + t.describe() + " holds " + t.bytes() + " bytes, got " + n);
    }
}
