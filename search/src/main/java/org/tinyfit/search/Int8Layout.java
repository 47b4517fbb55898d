package org.tinyfit.search;

import java.util.ArrayList;
import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;

/**
 * The memory layout an inference graph will have once quantized to int8, before it is trained or
 * calibrated: the same ops and shapes, 1-byte activations and weights, 4-byte biases. Only sizes
 * matter here (the scales are placeholders), so the search can judge a candidate's SRAM, flash and
 * latency before spending any training on it.
 */
public final class Int8Layout {
    private Int8Layout() {}

    public static Graph of(Graph inference) {
        boolean[] bias = new boolean[inference.tensors().size()];
        for (Node n : inference.nodes()) {
            int[] in = n.inputs();
            if (in.length >= 3 && in[2] >= 0 && inference.tensor(in[2]).isConstant() && inference.tensor(in[2]).shape().rank() == 1) bias[in[2]] = true;
        }
        Quantization q = Quantization.perTensor(1f, 0);
        List<Tensor> tensors = new ArrayList<>();
        for (Tensor t : inference.tensors()) {
            if (t.dtype() != DType.F32) {
                tensors.add(t);
            } else if (t.isConstant()) {
                DType d = bias[t.id()] ? DType.I32 : DType.I8;
                tensors.add(Tensor.constant(t.id(), t.name(), d, t.shape(), q, new byte[Math.toIntExact(t.shape().elements() * d.bytes())]));
            } else {
                tensors.add(Tensor.activation(t.id(), t.name(), DType.I8, t.shape(), q));
            }
        }
        return new Graph(inference.name(), tensors, inference.nodes(), inference.inputs(), inference.outputs(), inference.metadata());
    }
}
