package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.Gemmlowp;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * SOFTMAX over the last dimension. Float as TFLite's reference; int8 input with int8 (or int16)
 * output bit-exact with TFLite's fixed-point algorithm: the input difference to the row maximum is
 * scaled to Q5.26, exponentiated with gemmlowp's {@code exp_on_negative_values}, summed in Q12.19,
 * and divided through a fixed-point reciprocal.
 */
public final class SoftmaxKernel implements Kernel {
    private static final int SCALED_DIFF_INTEGER_BITS = 5;
    private static final int ACCUMULATION_INTEGER_BITS = 12;

    record Int8Params(int inputMultiplier, int inputLeftShift, int diffMin, int outputBits) {}

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.Softmax op = (Op.Softmax) node.op();
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor out = KernelSupport.output(g, node, 0);
        if (in.shape().rank() < 1) throw fail(node, "input 0 is a scalar; softmax needs at least one dimension");
        if (in.shape().elements() != out.shape().elements()) throw fail(node, "input 0 has shape " + in.shape() + ", the output " + out.shape());
        int depth = in.shape().dim(-1);
        int outer = depth == 0 ? 0 : in.shape().elements() / depth;
        int ti = in.id(), to = out.id();
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8);
        if (in.dtype() == DType.F32) {
            KernelSupport.requireDType(node, out, "the output", DType.F32);
            float beta = op.beta();
            return a -> floatSoftmax(a, outer, depth, beta, ti, to);
        }
        KernelSupport.requireDType(node, out, "the output", DType.I8, DType.I16);
        int outZp = QuantParams.zeroPoint(node, out, "output");
        float outScale = QuantParams.scale(node, out, "output");
        if (out.dtype() == DType.I8 && (outZp != -128 || outScale != 1f / 256)) {
            throw fail(node, "an int8 softmax output must have scale 1/256 and zero point -128, not " + outScale + " and " + outZp);
        }
        if (out.dtype() == DType.I16 && (outZp != -32768 || Math.abs(outScale - 1f / 65536) > 0.001f / 65536)) {
            throw fail(node, "an int16 softmax output of an int8 input must have scale 1/65536 and zero point -32768");
        }
        Int8Params p = int8Params(op.beta(), QuantParams.scale(node, in, "input"), out.dtype() == DType.I8 ? 8 : 16);
        return a -> int8Softmax(a, p, outer, depth, ti, to, out.dtype() == DType.I16);
    }

    /** TFLite's {@code PreprocessSoftmaxScaling} and {@code CalculateInputRadius} for Q5.26 differences. */
    static Int8Params int8Params(float beta, float inputScale, int outputBits) {
        double maxReal = (double) ((1L << 31) - 1);
        double real = Math.min((double) beta * (double) inputScale * (double) (1 << (31 - SCALED_DIFF_INTEGER_BITS)), maxReal);
        FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier(real);
        double radius = 1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1) * (double) (1L << (31 - SCALED_DIFF_INTEGER_BITS)) / (double) (1L << m.shift());
        int diffMin = (int) (-1.0 * (int) Math.floor(radius));
        return new Int8Params(m.multiplier(), m.shift(), diffMin, outputBits);
    }

    static void int8Softmax(Arena a, Int8Params p, int outer, int depth, int ti, int to, boolean int16Out) {
        int outMin = int16Out ? -32768 : -128, outMax = int16Out ? 32767 : 127;
        int[] bits = new int[1];
        for (int i = 0; i < outer; i++) {
            int max = -128;
            for (int c = 0; c < depth; c++) max = Math.max(max, a.i8(ti, i * depth + c));
            int sumOfExps = 0;
            for (int c = 0; c < depth; c++) {
                int diff = a.i8(ti, i * depth + c) - max;
                if (diff >= p.diffMin()) {
                    int rescaled = FixedPoint.multiplyByQuantizedMultiplierGreaterThanOne(diff, p.inputMultiplier(), p.inputLeftShift());
                    sumOfExps += Gemmlowp.rescale(Gemmlowp.expOnNegativeValues(rescaled, SCALED_DIFF_INTEGER_BITS), 0, ACCUMULATION_INTEGER_BITS);
                }
            }
            int shiftedScale = Gemmlowp.reciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS, bits);
            int exponent = bits[0] + 31 - p.outputBits();
            if (exponent < 0 || exponent > 31) throw new IllegalStateException("softmax exponent " + exponent + " is outside 0..31");
            for (int c = 0; c < depth; c++) {
                int diff = a.i8(ti, i * depth + c) - max;
                int v;
                if (diff >= p.diffMin()) {
                    int rescaled = FixedPoint.multiplyByQuantizedMultiplierGreaterThanOne(diff, p.inputMultiplier(), p.inputLeftShift());
                    int exp = Gemmlowp.expOnNegativeValues(rescaled, SCALED_DIFF_INTEGER_BITS);
                    int unsat = FixedPoint.roundingDivideByPOT(FixedPoint.saturatingRoundingDoublingHighMul(shiftedScale, exp), exponent);
                    v = FixedPoint.clamp(unsat + outMin, outMin, outMax);
                } else {
                    v = outMin;
                }
                if (int16Out) a.setI16(to, i * depth + c, v);
                else a.setI8(to, i * depth + c, v);
            }
        }
    }

    static void floatSoftmax(Arena a, int outer, int depth, float beta, int ti, int to) {
        for (int i = 0; i < outer; i++) {
            float max = -Float.MAX_VALUE;
            for (int c = 0; c < depth; c++) max = Math.max(max, a.f32(ti, i * depth + c));
            float sum = 0f;
            for (int c = 0; c < depth; c++) {
                float e = (float) Math.exp((a.f32(ti, i * depth + c) - max) * beta);
                a.setF32(to, i * depth + c, e);
                sum += e;
            }
            for (int c = 0; c < depth; c++) a.setF32(to, i * depth + c, a.f32(to, i * depth + c) / sum);
        }
    }
}
