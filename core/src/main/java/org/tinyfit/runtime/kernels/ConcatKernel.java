package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/** CONCATENATION along an axis; quantized inputs must share the output's scale and zero point (as TFLite Micro requires). */
public final class ConcatKernel implements Kernel {
    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.Concat op = (Op.Concat) node.op();
        Tensor out = KernelSupport.output(g, node, 0);
        int rank = out.shape().rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis >= rank) throw fail(node, "axis " + op.axis() + " is outside the output's rank " + rank);
        int k = node.inputCount();
        int[] ids = new int[k];
        int[] chunk = new int[k];
        int outer = 1;
        for (int d = 0; d < axis; d++) outer *= out.shape().dim(d);
        int inner = out.dtype().bytes();
        for (int d = axis + 1; d < rank; d++) inner *= out.shape().dim(d);
        int total = 0;
        for (int i = 0; i < k; i++) {
            Tensor t = KernelSupport.input(g, node, i, "input " + i);
            if (t.dtype() != out.dtype()) throw fail(node, "input " + i + " is " + t.dtype().lower() + ", the output " + out.dtype().lower());
            if (t.shape().rank() != rank) throw fail(node, "input " + i + " has shape " + t.shape() + ", the output " + out.shape());
            for (int d = 0; d < rank; d++) {
                if (d != axis && t.shape().dim(d) != out.shape().dim(d)) throw fail(node, "input " + i + " has shape " + t.shape() + ", which does not fit the output " + out.shape() + " outside axis " + axis);
            }
            if (out.dtype().isQuantizedInt()) {
                Quantization q = QuantParams.quant(node, t, "input " + i), qo = QuantParams.quant(node, out, "output");
                if (q.scale() != qo.scale() || q.zeroPoint() != qo.zeroPoint()) {
                    throw fail(node, "input " + i + " has scale " + q.scale() + " and zero point " + q.zeroPoint() + ", the output " + qo.scale() + " and " + qo.zeroPoint() + "; TFLite Micro needs them equal");
                }
            }
            ids[i] = t.id();
            chunk[i] = t.shape().dim(axis) * inner;
            total += t.shape().dim(axis);
        }
        if (total != out.shape().dim(axis)) throw fail(node, "the inputs add up to " + total + " along axis " + axis + ", the output has " + out.shape().dim(axis));
        int to = out.id();
        int outer0 = outer;
        return a -> {
            byte[] dst = a.array(to);
            int pos = a.offset(to);
            for (int o = 0; o < outer0; o++) {
                for (int i = 0; i < ids.length; i++) {
                    System.arraycopy(a.array(ids[i]), a.offset(ids[i]) + o * chunk[i], dst, pos, chunk[i]);
                    pos += chunk[i];
                }
            }
        };
    }
}
