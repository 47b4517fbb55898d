package org.tinyfit.runtime.kernels;

import static org.tinyfit.runtime.KernelSupport.fail;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Tensor;
import org.tinyfit.runtime.Kernel;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.PreparedKernel;

/**
 * STRIDED_SLICE with constant begin, end and strides, begin/end/shrink-axis masks and the offset
 * flag, by TFLite's rules (indices padded to 5 dimensions; negative indices count from the end;
 * clamped to the axis). Ellipsis and new-axis masks are not supported, as in TFLite Micro.
 */
public final class StridedSliceKernel implements Kernel {
    private static final int DIMS = 5;

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.StridedSlice op = (Op.StridedSlice) node.op();
        Tensor in = KernelSupport.input(g, node, 0, "input");
        int[] begin = KernelSupport.ints(node, KernelSupport.input(g, node, 1, "begin"), "begin");
        int[] end = KernelSupport.ints(node, KernelSupport.input(g, node, 2, "end"), "end");
        int[] strides = KernelSupport.ints(node, KernelSupport.input(g, node, 3, "strides"), "strides");
        Tensor out = KernelSupport.output(g, node, 0);
        if (op.ellipsisMask() != 0 || op.newAxisMask() != 0) throw fail(node, "ellipsis and new-axis masks are not supported (TFLite Micro does not support them either)");
        if (in.dtype() != out.dtype()) throw fail(node, "input 0 is " + in.dtype().lower() + ", the output " + out.dtype().lower());
        int rank = in.shape().rank();
        if (rank > DIMS) throw fail(node, "input 0 has rank " + rank + "; at most 5 is supported");
        if (begin.length != end.length || end.length != strides.length || begin.length > rank) {
            throw fail(node, "begin, end and strides have " + begin.length + ", " + end.length + " and " + strides.length + " values for an input of rank " + rank);
        }
        for (int s : strides) if (s == 0) throw fail(node, "a stride is 0");
        // pad to 5 dimensions at the front
        int indexPad = DIMS - begin.length;
        int[] b = new int[DIMS], e = new int[DIMS], s = new int[DIMS];
        for (int i = 0; i < DIMS; i++) {
            if (i < indexPad) { b[i] = 0; e[i] = 1; s[i] = 1; }
            else { b[i] = begin[i - indexPad]; e[i] = end[i - indexPad]; s[i] = strides[i - indexPad]; }
        }
        int beginMask = (op.beginMask() << indexPad) | ((1 << indexPad) - 1);
        int endMask = (op.endMask() << indexPad) | ((1 << indexPad) - 1);
        int shrinkMask = op.shrinkAxisMask() << indexPad;
        int[] shape = new int[DIMS];
        int shapePad = DIMS - rank;
        for (int i = 0; i < DIMS; i++) shape[i] = i < shapePad ? 1 : in.shape().dim(i - shapePad);
        int[] start = new int[DIMS], stop = new int[DIMS];
        int count = 1;
        for (int ax = 0; ax < DIMS; ax++) {
            start[ax] = startForAxis(b[ax], s[ax], (beginMask & (1 << ax)) != 0, shape[ax]);
            stop[ax] = endForAxis(e[ax], s[ax], (endMask & (1 << ax)) != 0, (shrinkMask & (1 << ax)) != 0, op.offset(), shape[ax], start[ax]);
            int len = 0;
            for (int i = start[ax]; s[ax] > 0 ? i < stop[ax] : i > stop[ax]; i += s[ax]) len++;
            count *= len;
        }
        if (count != out.shape().elements()) throw fail(node, "the slice has " + count + " elements, the output " + out.shape() + " has " + out.shape().elements());
        int[] st = KernelSupport.strides(shape);
        int elem = in.dtype().bytes();
        int ti = in.id(), to = out.id();
        return a -> {
            byte[] src = a.array(ti), dst = a.array(to);
            int srcBase = a.offset(ti);
            int pos = a.offset(to);
            for (int i0 = start[0]; s[0] > 0 ? i0 < stop[0] : i0 > stop[0]; i0 += s[0])
                for (int i1 = start[1]; s[1] > 0 ? i1 < stop[1] : i1 > stop[1]; i1 += s[1])
                    for (int i2 = start[2]; s[2] > 0 ? i2 < stop[2] : i2 > stop[2]; i2 += s[2])
                        for (int i3 = start[3]; s[3] > 0 ? i3 < stop[3] : i3 > stop[3]; i3 += s[3])
                            for (int i4 = start[4]; s[4] > 0 ? i4 < stop[4] : i4 > stop[4]; i4 += s[4]) {
                                int index = i0 * st[0] + i1 * st[1] + i2 * st[2] + i3 * st[3] + i4;
                                System.arraycopy(src, srcBase + index * elem, dst, pos, elem);
                                pos += elem;
                            }
        };
    }

    static int startForAxis(int start, int stride, boolean masked, int axisSize) {
        if (start < 0) start += axisSize;
        start = stride > 0 ? clamp(start, 0, axisSize) : clamp(start, -1, axisSize - 1);
        if (masked) start = stride > 0 ? 0 : axisSize - 1;
        return start;
    }

    static int endForAxis(int end, int stride, boolean masked, boolean shrink, boolean offset, int axisSize, int start) {
        if (shrink) return start >= axisSize ? start : start + 1;
        if (offset) end += start;
        if (end < 0) end += axisSize;
        end = stride > 0 ? clamp(end, 0, axisSize) : clamp(end, -1, axisSize - 1);
        if (masked) end = stride > 0 ? axisSize : -1;
        return end;
    }

    private static int clamp(int v, int lo, int hi) { return v > hi ? hi : v < lo ? lo : v; }
}
