package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/** BATCH_NORM at inference, float only: {@code gamma * (x - mean) / sqrt(variance + epsilon) + beta} per channel (last axis). */
public final class BatchNormKernel implements Kernel {
    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.BatchNorm op = (Op.BatchNorm) node.op();
        Tensor x = KernelSupport.input(g, node, 0, "input");
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireDType(node, x, "input 0", DType.F32);
        KernelSupport.requireDType(node, out, "the output", DType.F32);
        int channels = x.shape().dim(-1);
        int[] params = new int[4];
        String[] names = {"gamma", "beta", "mean", "variance"};
        for (int i = 0; i < 4; i++) {
            Tensor p = KernelSupport.input(g, node, i + 1, names[i]);
            KernelSupport.requireDType(node, p, names[i], DType.F32);
            if (p.shape().elements() != channels) throw fail(node, names[i] + " has " + p.shape().elements() + " values for " + channels + " channels");
            params[i] = p.id();
        }
        int n = x.shape().elements();
        int tx = x.id(), to = out.id();
        float eps = op.epsilon();
        return a -> {
            float[] scale = new float[channels], shift = new float[channels];
            for (int c = 0; c < channels; c++) {
                scale[c] = a.f32(params[0], c) / (float) Math.sqrt(a.f32(params[3], c) + eps);
                shift[c] = a.f32(params[1], c) - a.f32(params[2], c) * scale[c];
            }
            for (int i = 0; i < n; i++) a.setF32(to, i, a.f32(tx, i) * scale[i % channels] + shift[i % channels]);
        };
    }
}
