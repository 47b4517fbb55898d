package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/** RESHAPE (and DROPOUT at inference): the output holds the input's bytes unchanged. */
public final class CopyKernel implements Kernel {
    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor out = KernelSupport.output(g, node, 0);
        if (in.dtype() != out.dtype()) throw fail(node, "input 0 is " + in.dtype().lower() + ", the output " + out.dtype().lower());
        if (in.bytes() != out.bytes()) throw fail(node, "input 0 has shape " + in.shape() + ", the output " + out.shape() + ": element counts differ");
        int ti = in.id(), to = out.id();
        return a -> System.arraycopy(a.array(ti), a.offset(ti), a.array(to), a.offset(to), a.byteCount(to));
    }
}
