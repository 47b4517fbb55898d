package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * MEAN over constant axes, float and int8, as TFLite Micro's reference: float sums in input order
 * and divides; int8 sums raw values in int32, subtracts the zero point times the count, and folds
 * the division by the count into the requantization multiplier. The int32 sums live in the arena
 * when the plan places TFLite Micro's scratch buffer for them, else on the heap.
 */
public final class MeanKernel implements Kernel {
    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor in = KernelSupport.input(g, node, 0, "input");
        int[] axes = KernelSupport.ints(node, KernelSupport.input(g, node, 1, "axes"), "axes");
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8);
        KernelSupport.requireDType(node, out, "the output", in.dtype());
        int rank = in.shape().rank();
        boolean[] reduced = new boolean[rank];
        for (int ax : axes) {
            int a = ax < 0 ? ax + rank : ax;
            if (a < 0 || a >= rank) throw fail(node, "axis " + ax + " is outside input 0's rank " + rank);
            reduced[a] = true;
        }
        int[] dims = in.shape().dims();
        int n = in.shape().elements();
        // output index of each input element: the row-major index over the kept dimensions
        int[] keptStride = new int[rank];
        int acc = 1;
        long count = 1;
        for (int d = rank - 1; d >= 0; d--) {
            if (reduced[d]) { keptStride[d] = 0; count *= dims[d]; }
            else { keptStride[d] = acc; acc *= dims[d]; }
        }
        int outCount = acc;
        if (outCount != out.shape().elements()) throw fail(node, "the mean of " + in.shape() + " over axes " + java.util.Arrays.toString(axes) + " has " + outCount + " values, the output " + out.shape() + " has " + out.shape().elements());
        int[] map = new int[n];
        int[] idx = new int[rank];
        for (int flat = 0; flat < n; flat++) {
            int o = 0;
            for (int d = 0; d < rank; d++) o += idx[d] * keptStride[d];
            map[flat] = o;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < dims[d]) break;
                idx[d] = 0;
            }
        }
        int ti = in.id(), to = out.id();
        long num = count;
        if (in.dtype() == DType.F32) {
            return a -> {
                float[] sum = new float[outCount];
                for (int i = 0; i < n; i++) sum[map[i]] += a.f32(ti, i);
                for (int o = 0; o < outCount; o++) a.setF32(to, o, num > 0 ? sum[o] / (float) num : 0f);
            };
        }
        int inZp = QuantParams.zeroPoint(node, in, "input"), outZp = QuantParams.zeroPoint(node, out, "output");
        FixedPoint.Multiplier base = FixedPoint.quantizeMultiplier((double) QuantParams.scale(node, in, "input") / (double) QuantParams.scale(node, out, "output"));
        int multiplier = base.multiplier(), shift = base.shift();
        if (num > 0) {
            int s = 63 - Long.numberOfLeadingZeros(num);
            s = Math.min(s, 32);
            s = Math.min(s, 31 + shift);
            multiplier = (int) (((long) multiplier << s) / num);
            shift = shift - s;
        }
        int m = multiplier, sh = shift;
        int[] heap = new int[outCount];
        int nodeId = node.id();
        return a -> {
            int off = a.scratchOffset(nodeId, 0, 4L * outCount);
            Int32Scratch sum = off < 0 ? Int32Scratch.of(heap) : Int32Scratch.inArena(a, off, outCount);
            sum.clear();
            for (int i = 0; i < n; i++) sum.set(map[i], sum.get(map[i]) + a.i8(ti, i));
            for (int o = 0; o < outCount; o++) {
                if (num == 0) { a.setI8(to, o, 0); continue; }
                int shifted = sum.get(o) - inZp * (int) num;
                a.setI8(to, o, FixedPoint.clamp(FixedPoint.multiplyByQuantizedMultiplier(shifted, m, sh) + outZp, -128, 127));
            }
        };
    }
}
