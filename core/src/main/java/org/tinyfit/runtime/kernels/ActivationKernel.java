package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.Gemmlowp;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/** Element-wise activations RELU, RELU6, LOGISTIC, TANH and LEAKY_RELU, float and int8, as TFLite Micro's kernels. */
public final class ActivationKernel implements Kernel {
    public enum Kind { RELU, RELU6, LOGISTIC, TANH, LEAKY_RELU }

    private final Kind kind;
    private final float alpha;

    public ActivationKernel(Kind kind, float alpha) {
        this.kind = kind;
        this.alpha = alpha;
    }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8);
        KernelSupport.requireDType(node, out, "the output", in.dtype());
        if (in.shape().elements() != out.shape().elements()) throw fail(node, "input 0 has shape " + in.shape() + ", the output " + out.shape());
        int n = in.shape().elements();
        int ti = in.id(), to = out.id();
        if (in.dtype() == DType.F32) {
            float al = alpha;
            return switch (kind) {
                case RELU -> a -> { for (int i = 0; i < n; i++) { float v = a.f32(ti, i); a.setF32(to, i, v < 0f ? 0f : v); } };
                case RELU6 -> a -> { for (int i = 0; i < n; i++) { float v = a.f32(ti, i); a.setF32(to, i, v > 6f ? 6f : v < 0f ? 0f : v); } };
                case LOGISTIC -> a -> { for (int i = 0; i < n; i++) a.setF32(to, i, logistic(a.f32(ti, i))); };
                case TANH -> a -> { for (int i = 0; i < n; i++) a.setF32(to, i, (float) Math.tanh(a.f32(ti, i))); };
                case LEAKY_RELU -> a -> { for (int i = 0; i < n; i++) { float v = a.f32(ti, i); a.setF32(to, i, v > 0f ? v : v * al); } };
            };
        }
        float inScale = QuantParams.scale(node, in, "input"), outScale = QuantParams.scale(node, out, "output");
        int inZp = QuantParams.zeroPoint(node, in, "input"), outZp = QuantParams.zeroPoint(node, out, "output");
        return switch (kind) {
            case RELU -> {
                FixedPoint.Multiplier m = FixedPoint.quantizeMultiplier((double) (inScale / outScale));
                int lo = Math.max(-128, outZp + (int) FixedPoint.roundHalfAwayFromZero(0f / outScale));
                yield a -> {
                    for (int i = 0; i < n; i++) {
                        int v = outZp + m.apply(a.i8(ti, i) - inZp);
                        a.setI8(to, i, FixedPoint.clamp(v, lo, 127));
                    }
                };
            }
            case RELU6 -> {
                int zero = inZp;
                int six = FixedPoint.clamp((int) FixedPoint.roundHalfAwayFromZero(6f / inScale) + inZp, -128, 127);
                yield a -> { for (int i = 0; i < n; i++) { int v = a.i8(ti, i); a.setI8(to, i, v > six ? six : v < zero ? zero : v); } };
            }
            case LOGISTIC, TANH -> {
                if (kind == Kind.LOGISTIC && outZp != -128) throw fail(node, "an int8 logistic output must have zero point -128, not " + outZp);
                double real = (double) inScale * (double) (1 << (31 - 4));
                FixedPoint.Multiplier im = FixedPoint.frexpMultiplier(real);
                int leftShift = im.shift();
                if (leftShift < 0 || leftShift > 31) throw fail(node, "input scale " + inScale + " is outside the range TFLite's int8 " + kind + " handles");
                int multiplier = im.multiplier();
                int radius = (int) Math.floor(1.0 * ((1 << 4) - 1) * (double) (1L << (31 - 4)) / (double) (1L << leftShift));
                boolean logistic = kind == Kind.LOGISTIC;
                yield a -> {
                    for (int i = 0; i < n; i++) {
                        int x = a.i8(ti, i) - inZp;
                        int v;
                        if (x <= -radius) v = -128;
                        else if (x >= radius) v = 127;
                        else {
                            int q4 = FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, leftShift);
                            v = logistic
                                    ? FixedPoint.clamp(FixedPoint.roundingDivideByPOT(Gemmlowp.logistic(q4, 4), 31 - 8) - 128, -128, 127)
                                    : FixedPoint.clamp(FixedPoint.roundingDivideByPOT(Gemmlowp.tanh(q4, 4), 31 - 7), -128, 127);
                        }
                        a.setI8(to, i, v);
                    }
                };
            }
            case LEAKY_RELU -> {
                FixedPoint.Multiplier alphaM = FixedPoint.quantizeMultiplier((double) (inScale * alpha / outScale));
                FixedPoint.Multiplier identity = FixedPoint.quantizeMultiplier((double) (inScale / outScale));
                boolean negative = alphaM.multiplier() < 0;
                int safeAlpha = negative ? -alphaM.multiplier() : alphaM.multiplier();
                yield a -> {
                    for (int i = 0; i < n; i++) {
                        int x = a.i8(ti, i) - inZp;
                        int v = outZp;
                        if (x >= 0) v += identity.apply(x);
                        else {
                            int scaled = FixedPoint.multiplyByQuantizedMultiplier(x, safeAlpha, alphaM.shift());
                            v += negative ? -scaled : scaled;
                        }
                        a.setI8(to, i, FixedPoint.clamp(v, -128, 127));
                    }
                };
            }
        };
    }

    static float logistic(float x) {
        if (x > 16.619047164916992188f) return 1.0f;
        if (x < -9f) return (float) Math.exp(x);
        return 1f / (1f + (float) Math.exp(-x));
    }
}
