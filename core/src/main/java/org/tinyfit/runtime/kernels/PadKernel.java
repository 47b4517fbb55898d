package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * PAD (and PADV2): constant padding. The pad value is the optional third input, else 0 for float
 * and the output's zero point for int8, as in TFLite Micro. Runs in place too (the output over its
 * input at the same offset): elements are written last to first.
 */
public final class PadKernel implements Kernel {
    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor paddings = KernelSupport.input(g, node, 1, "paddings");
        Tensor value = KernelSupport.optionalInput(g, node, 2);
        Tensor out = KernelSupport.output(g, node, 0);
        if (in.dtype() != out.dtype()) throw fail(node, "input 0 is " + in.dtype().lower() + ", the output " + out.dtype().lower());
        int rank = in.shape().rank();
        int[] p = KernelSupport.ints(node, paddings, "paddings");
        if (p.length != 2 * rank) throw fail(node, "paddings has " + p.length + " values, input 0 of rank " + rank + " needs " + 2 * rank);
        int[] inDims = in.shape().dims(), outDims = out.shape().dims();
        if (outDims.length != rank) throw fail(node, "the output has shape " + out.shape() + ", expected rank " + rank);
        for (int d = 0; d < rank; d++) {
            if (p[2 * d] < 0 || p[2 * d + 1] < 0 || inDims[d] + p[2 * d] + p[2 * d + 1] != outDims[d]) {
                throw fail(node, "paddings " + java.util.Arrays.toString(p) + " do not take input shape " + in.shape() + " to the output " + out.shape());
            }
        }
        int elem = in.dtype().bytes();
        byte[] padBytes = new byte[elem];
        if (value != null) {
            KernelSupport.requireConstant(node, value, "the pad value");
            System.arraycopy(value.data(), 0, padBytes, 0, elem);
        } else if (in.dtype() == DType.I8 || in.dtype() == DType.U8) {
            padBytes[0] = (byte) QuantParams.zeroPoint(node, out, "output");
        }
        int[] inStrides = KernelSupport.strides(inDims);
        int n = out.shape().elements();
        int ti = in.id(), to = out.id();
        int[] outStrides = KernelSupport.strides(outDims);
        // Last to first: element i of the output comes from an input element at an index no higher
        // than i, so an output written over its input (in place, same offset) never overwrites an
        // element still to be read.
        return a -> {
            byte[] src = a.array(ti), dst = a.array(to);
            int srcBase = a.offset(ti), dstBase = a.offset(to);
            for (int flat = n - 1; flat >= 0; flat--) {
                int srcIndex = 0, rest = flat;
                boolean inside = true;
                for (int d = 0; d < rank; d++) {
                    int i = rest / outStrides[d] - p[2 * d];
                    rest %= outStrides[d];
                    if (i < 0 || i >= inDims[d]) { inside = false; break; }
                    srcIndex += i * inStrides[d];
                }
                if (inside) System.arraycopy(src, srcBase + srcIndex * elem, dst, dstBase + flat * elem, elem);
                else System.arraycopy(padBytes, 0, dst, dstBase + flat * elem, elem);
            }
        };
    }
}
