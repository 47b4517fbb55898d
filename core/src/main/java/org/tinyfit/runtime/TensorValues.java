package org.tinyfit.runtime;

import java.nio.ByteBuffer;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
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
        ByteBuffer b = TensorBytes.le(bytes);
        int n = t.shape().elements();
        if (n > 0) requireKnownType(t);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = TensorBytes.get(b, t.dtype(), i);
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
        byte[] out = new byte[(int) t.bytes()];
        ByteBuffer b = TensorBytes.le(out);
        if (values.length > 0) requireKnownType(t);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            switch (t.dtype()) {
                case I8 -> checkInt(t, v, -128, 127, i, where);
                case U8, BOOL -> checkInt(t, v, 0, 255, i, where);
                case I16 -> checkInt(t, v, -32768, 32767, i, where);
                case I32 -> checkInt(t, v, Integer.MIN_VALUE, Integer.MAX_VALUE, i, where);
                case F32, F16, I64, UNKNOWN -> { }
            }
            TensorBytes.put(b, t.dtype(), i, v);
        }
        return out;
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

    private static void requireKnownType(Tensor t) {
        if (t.dtype() == DType.UNKNOWN) throw new GraphException("tensor " + t.name() + " has an unknown type");
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
