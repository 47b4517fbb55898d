package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * QUANTIZE (float to int8/int16, or an integer requantization between int8, uint8, int16 and int32)
 * and DEQUANTIZE (int8/uint8/int16 to float), as TFLite Micro's reference kernels.
 */
public final class QuantizeKernel implements Kernel {
    private final boolean dequantize;

    public QuantizeKernel(boolean dequantize) { this.dequantize = dequantize; }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor out = KernelSupport.output(g, node, 0);
        if (in.shape().elements() != out.shape().elements()) throw fail(node, "input 0 has shape " + in.shape() + ", the output " + out.shape());
        int n = in.shape().elements();
        int ti = in.id(), to = out.id();
        if (dequantize) {
            KernelSupport.requireDType(node, in, "input 0", DType.I8, DType.U8, DType.I16);
            KernelSupport.requireDType(node, out, "the output", DType.F32);
            double scale = QuantParams.scale(node, in, "input");
            int zp = QuantParams.zeroPoint(node, in, "input");
            DType dt = in.dtype();
            return a -> {
                for (int i = 0; i < n; i++) a.setF32(to, i, (float) (scale * (read(a, dt, ti, i) - zp)));
            };
        }
        KernelSupport.requireDType(node, out, "the output", DType.I8, DType.U8, DType.I16, DType.I32);
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8, DType.U8, DType.I16, DType.I32);
        if (QuantParams.quant(node, out, "output").perChannel()) throw fail(node, "per-channel output quantization is not supported");
        float outScale = QuantParams.scale(node, out, "output");
        int outZp = QuantParams.zeroPoint(node, out, "output");
        int lo = QuantParams.qmin(out.dtype()), hi = QuantParams.qmax(out.dtype());
        DType od = out.dtype(), id = in.dtype();
        if (id == DType.F32) {
            if (od != DType.I8 && od != DType.I16) throw fail(node, "float input quantizes to int8 or int16 only, not " + od.lower());
            float scaleF = (float) (double) outScale;
            return a -> {
                for (int i = 0; i < n; i++) {
                    float q = (float) FixedPoint.roundHalfAwayFromZero(a.f32(ti, i) / scaleF);
                    long v = (long) (int) q + outZp;
                    write(a, od, to, i, (int) FixedPoint.clamp(v, lo, hi));
                }
            };
        }
        float inScale = QuantParams.scale(node, in, "input");
        int inZp = QuantParams.zeroPoint(node, in, "input");
        FixedPoint.Multiplier m = requantizeMultiplier(inScale, outScale);
        boolean sameScale = m.multiplier() == 1 << 30 && m.shift() == 1;
        boolean flip = sameScale && ((id == DType.I8 && od == DType.U8 && inZp - outZp == -128) || (id == DType.U8 && od == DType.I8 && inZp - outZp == 128));
        return a -> {
            for (int i = 0; i < n; i++) {
                int x = read(a, id, ti, i);
                if (flip) { write(a, od, to, i, od == DType.U8 ? (x ^ 0x80) & 0xff : (byte) (x ^ 0x80)); continue; }
                int v = m.apply(x - inZp) + outZp;
                write(a, od, to, i, FixedPoint.clamp(v, lo, hi));
            }
        };
    }

    /** The multiplier of an integer-to-integer requantization. */
    static FixedPoint.Multiplier requantizeMultiplier(float inScale, float outScale) {
        return FixedPoint.quantizeMultiplier((double) inScale / (double) outScale);
    }

    static int read(Arena a, DType d, int t, int i) {
        return switch (d) {
            case I8 -> a.i8(t, i);
            case U8 -> a.u8(t, i);
            case I16 -> a.i16(t, i);
            case I32 -> a.i32(t, i);
            default -> throw new IllegalArgumentException(d + " is not an integer type");
        };
    }

    static void write(Arena a, DType d, int t, int i, int v) {
        switch (d) {
            case I8, U8 -> a.setI8(t, i, v);
            case I16 -> a.setI16(t, i, v);
            case I32 -> a.setI32(t, i, v);
            default -> throw new IllegalArgumentException(d + " is not an integer type");
        }
    }
}
