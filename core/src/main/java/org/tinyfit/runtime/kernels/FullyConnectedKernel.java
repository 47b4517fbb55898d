package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.runtime.Arena;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * FULLY_CONNECTED, float and int8 (per-tensor or per-channel weights), as TFLite Micro's reference
 * kernel. A per-tensor multiplier is {@code (double) (inputScale * filterScale) / outputScale} (the
 * product in float, as TFLite's {@code GetQuantizedConvolutionMultipler}); per-channel ones take the
 * product in double ({@link ConvQuant#fullyConnected}). {@link #plan} checks a node for any
 * FULLY_CONNECTED kernel, the fast one ({@code kernels.fast.FastFullyConnected}) included.
 */
public final class FullyConnectedKernel implements Kernel {
    public FullyConnectedKernel() {}

    /**
     * A checked FULLY_CONNECTED node: {@code batches} rows of {@code accumDepth} inputs give {@code
     * outDepth} outputs each; tensor ids ({@code bias} -1 when absent); the float activation range
     * ({@code quant} null) or the int8 requantization and the weights' offset ({@code -zeroPoint}).
     */
    public record Plan(int batches, int outDepth, int accumDepth, int input, int weights, int bias, int output,
                       float min, float max, ConvQuant quant, int filterOffset, boolean constantWeights) {
        public boolean int8() { return quant != null; }
    }

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Plan p = plan(node, g);
        int batches = p.batches(), outDepth = p.outDepth(), accumDepth = p.accumDepth();
        int ti = p.input(), tw = p.weights(), tb = p.bias(), to = p.output();
        if (!p.int8()) return a -> floatFc(a, batches, outDepth, accumDepth, ti, tw, tb, to, p.min(), p.max());
        return a -> int8Fc(a, p.quant(), p.filterOffset(), batches, outDepth, accumDepth, ti, tw, tb, to);
    }

    /** Checks a FULLY_CONNECTED node's tensors and computes its sizes and (for int8) requantization. */
    public static Plan plan(Node node, Graph g) {
        Op.FullyConnected op = (Op.FullyConnected) node.op();
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor w = KernelSupport.input(g, node, 1, "weights");
        Tensor bias = KernelSupport.optionalInput(g, node, 2);
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireRank(node, w, "the weights", 2);
        int outDepth = out.shape().dim(-1);
        int accumDepth = w.shape().dim(1);
        if (outDepth > w.shape().dim(0)) throw fail(node, "the output has " + outDepth + " features, the weights " + w.shape().dim(0));
        int batches = outDepth == 0 ? 0 : out.shape().elements() / outDepth;
        if ((long) batches * accumDepth != in.shape().elements()) {
            throw fail(node, "input 0 has shape " + in.shape() + " (" + in.shape().elements() + " values), expected " + batches + " x " + accumDepth);
        }
        if (bias != null && bias.shape().elements() < outDepth) throw fail(node, "the bias has " + bias.shape().elements() + " values for " + outDepth + " outputs");
        int ti = in.id(), tw = w.id(), tb = bias == null ? -1 : bias.id(), to = out.id();
        if (in.dtype() == DType.F32) {
            KernelSupport.requireDType(node, w, "the weights", DType.F32);
            KernelSupport.requireDType(node, out, "the output", DType.F32);
            float[] range = FixedPoint.activationRangeFloat(op.act());
            return new Plan(batches, outDepth, accumDepth, ti, tw, tb, to, range[0], range[1], null, 0, w.isConstant() && (bias == null || bias.isConstant()));
        }
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8);
        KernelSupport.requireDType(node, w, "the weights", DType.I8);
        KernelSupport.requireDType(node, out, "the output", DType.I8);
        if (bias != null) KernelSupport.requireDType(node, bias, "the bias", DType.I32);
        ConvQuant q = ConvQuant.fullyConnected(node, in, w, out, op.act(), outDepth);
        return new Plan(batches, outDepth, accumDepth, ti, tw, tb, to, 0f, 0f, q, -(int) w.quant().zeroPoint(), w.isConstant() && (bias == null || bias.isConstant()));
    }

    static void int8Fc(Arena a, ConvQuant q, int filterOffset, int batches, int outDepth, int accumDepth, int ti, int tw, int tb, int to) {
        for (int b = 0; b < batches; b++) {
            for (int oc = 0; oc < outDepth; oc++) {
                int acc = 0;
                for (int d = 0; d < accumDepth; d++) {
                    int iv = a.i8(ti, b * accumDepth + d);
                    int fv = a.i8(tw, oc * accumDepth + d);
                    acc += (fv + filterOffset) * (iv + q.inputOffset());
                }
                if (tb >= 0) acc += a.i32(tb, oc);
                a.setI8(to, oc + outDepth * b, q.requantize(acc, oc));
            }
        }
    }

    /** The reference float FULLY_CONNECTED. */
    public static void floatFc(Arena a, int batches, int outDepth, int accumDepth, int ti, int tw, int tb, int to, float min, float max) {
        for (int b = 0; b < batches; b++) {
            for (int oc = 0; oc < outDepth; oc++) {
                float total = 0f;
                for (int d = 0; d < accumDepth; d++) total += a.f32(ti, b * accumDepth + d) * a.f32(tw, oc * accumDepth + d);
                float biasValue = tb >= 0 ? a.f32(tb, oc) : 0f;
                a.setF32(to, oc + outDepth * b, Conv2DKernel.clamp(total + biasValue, min, max));
            }
        }
    }
}
