package org.tinyfit.runtime.kernels;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.KernelSupport;

/**
 * The tensors of a convolution-like node (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV): input,
 * filter, optional bias and output, the three 4-D (checked), with their dims ({@code x} input,
 * {@code f} filter, {@code y} output).
 */
record ConvTensors(Tensor in, Tensor filter, Tensor bias, Tensor out, int[] x, int[] f, int[] y) {
    /** Reads inputs in index order and checks ranks: input, filter, output. */
    static ConvTensors of(Node node, Graph g, int inputIndex, int filterIndex, int biasIndex) {
        Tensor in, filter;
        if (inputIndex < filterIndex) {
            in = KernelSupport.input(g, node, inputIndex, "input");
            filter = KernelSupport.input(g, node, filterIndex, "filter");
        } else {
            filter = KernelSupport.input(g, node, filterIndex, "filter");
            in = KernelSupport.input(g, node, inputIndex, "input");
        }
        Tensor bias = KernelSupport.optionalInput(g, node, biasIndex);
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireRank(node, in, "input " + inputIndex, 4);
        KernelSupport.requireRank(node, filter, "the filter", 4);
        KernelSupport.requireRank(node, out, "the output", 4);
        return new ConvTensors(in, filter, bias, out, in.shape().dims(), filter.shape().dims(), out.shape().dims());
    }

    int inputId() { return in.id(); }

    int filterId() { return filter.id(); }

    int biasId() { return bias == null ? -1 : bias.id(); }

    int outputId() { return out.id(); }
}
