package org.tinyfit.graph;

import java.util.Arrays;

/**
 * Computes each node's output shapes from its inputs, and checks a graph's declared shapes against
 * them. Errors name the node and the mismatch.
 */
public final class ShapeInference {
    private ShapeInference() {}

    /**
     * The output shapes {@code node} produces from the inputs' shapes and constants, or {@code null}
     * for an output whose shape depends on data tinyfit cannot see (an opaque op, a non-constant shape
     * input): such shapes are taken as declared.
     */
    public static Shape[] infer(Graph g, Node node) {
        return infer(node, i -> node.hasInput(i) ? g.tensor(node.input(i)) : null);
    }

    /** Access to a node's input tensors, so inference also works while a graph is being built. */
    @FunctionalInterface
    public interface Inputs { Tensor get(int index); }

    public static Shape[] infer(Node node, Inputs in) {
        String where = node.label();
        Op op = node.op();
        Shape x = in.get(0) == null ? null : in.get(0).shape();
        if (x == null && !(op instanceof Op.TransposeConv) && !(op instanceof Op.Opaque)) {
            throw new GraphException(where + ": input 0 is missing");
        }
        return switch (op) {
            case Op.Conv2D c -> {
                Shape f = need(in, 1, where, "filter").shape();
                needRank(x, 4, where, "input 0");
                needRank(f, 4, where, "filter");
                if (f.dim(3) <= 0 || x.dim(3) % f.dim(3) != 0) {
                    throw new GraphException(where + ": input 0 has shape " + x + ", filter " + f + " expects " + f.dim(3) + " channels (or a multiple)");
                }
                checkBias(in, 2, f.dim(0), where);
                yield one(Shape.of(x.dim(0), outSize(x.dim(1), f.dim(1), c.strideH(), c.dilationH(), c.padding(), where),
                        outSize(x.dim(2), f.dim(2), c.strideW(), c.dilationW(), c.padding(), where), f.dim(0)));
            }
            case Op.DepthwiseConv2D d -> {
                Shape f = need(in, 1, where, "filter").shape();
                needRank(x, 4, where, "input 0");
                needRank(f, 4, where, "filter");
                int m = d.depthMultiplier() > 0 ? d.depthMultiplier() : Math.max(1, f.dim(3) / Math.max(1, x.dim(3)));
                if (f.dim(3) != x.dim(3) * m) {
                    throw new GraphException(where + ": input 0 has " + x.dim(3) + " channels and depth multiplier " + m + ", but the filter " + f + " has " + f.dim(3) + " output channels");
                }
                checkBias(in, 2, f.dim(3), where);
                yield one(Shape.of(x.dim(0), outSize(x.dim(1), f.dim(1), d.strideH(), d.dilationH(), d.padding(), where),
                        outSize(x.dim(2), f.dim(2), d.strideW(), d.dilationW(), d.padding(), where), f.dim(3)));
            }
            case Op.TransposeConv t -> {
                Tensor shape = need(in, 0, where, "output shape");
                if (!shape.isConstant()) yield new Shape[] {null};
                yield one(new Shape(params(shape, MAX_PARAMETER_VALUES, where, "output shape")));
            }
            case Op.FullyConnected fc -> {
                Shape w = need(in, 1, where, "weights").shape();
                needRank(w, 2, where, "weights");
                int inDepth = w.dim(1);
                if (inDepth == 0 || x.elements() % inDepth != 0) {
                    throw new GraphException(where + ": input 0 has shape " + x + " (" + x.elements() + " elements), not a multiple of the weights' input size " + inDepth);
                }
                checkBias(in, 2, w.dim(0), where);
                if (fc.keepNumDims()) {
                    int[] dims = x.dims();
                    dims[dims.length - 1] = w.dim(0);
                    yield one(new Shape(dims));
                }
                yield one(Shape.of(x.elements() / inDepth, w.dim(0)));
            }
            case Op.Pool2D p -> {
                needRank(x, 4, where, "input 0");
                yield one(Shape.of(x.dim(0), outSize(x.dim(1), p.filterH(), p.strideH(), 1, p.padding(), where),
                        outSize(x.dim(2), p.filterW(), p.strideW(), 1, p.padding(), where), x.dim(3)));
            }
            case Op.Add a -> one(broadcast(x, need(in, 1, where, "input 1").shape(), where));
            case Op.Sub s -> one(broadcast(x, need(in, 1, where, "input 1").shape(), where));
            case Op.Mul m -> one(broadcast(x, need(in, 1, where, "input 1").shape(), where));
            case Op.Concat c -> {
                int rank = x.rank();
                int axis = c.axis() < 0 ? c.axis() + rank : c.axis();
                if (axis < 0 || axis >= rank) throw new GraphException(where + ": axis " + c.axis() + " is out of range for rank " + rank);
                int[] dims = x.dims();
                int total = 0;
                for (int i = 0; i < node.inputCount(); i++) {
                    Shape s = need(in, i, where, "input " + i).shape();
                    if (s.rank() != rank) throw new GraphException(where + ": input " + i + " has rank " + s.rank() + ", input 0 rank " + rank);
                    for (int d = 0; d < rank; d++) {
                        if (d != axis && s.dim(d) != dims[d]) {
                            throw new GraphException(where + ": input " + i + " has shape " + s + ", which differs from input 0 " + x + " outside axis " + axis);
                        }
                    }
                    total = Math.addExact(total, s.dim(axis));
                }
                dims[axis] = total;
                yield one(new Shape(dims));
            }
            case Op.Reshape r -> {
                int[] target = r.newShape();
                Tensor shapeIn = in.get(1);
                if (shapeIn != null && shapeIn.isConstant() && shapeIn.dtype() == DType.I32) target = params(shapeIn, MAX_PARAMETER_VALUES, where, "shape");
                else if (shapeIn != null || target.length == 0) yield new Shape[] {null};
                yield one(resolveReshape(x, target, where));
            }
            case Op.Softmax s -> one(x);
            case Op.Relu r -> one(x);
            case Op.Relu6 r -> one(x);
            case Op.Logistic l -> one(x);
            case Op.Tanh t -> one(x);
            case Op.LeakyRelu l -> one(x);
            case Op.Quantize q -> one(x);
            case Op.Dequantize d -> one(x);
            case Op.Dropout d -> one(x);
            case Op.BatchNorm b -> {
                int c = x.dim(-1);
                for (int i = 1; i <= 4; i++) {
                    Shape s = need(in, i, where, "parameter " + i).shape();
                    if (s.elements() != c) throw new GraphException(where + ": parameter " + i + " has shape " + s + ", expected " + c + " values (one per channel)");
                }
                yield one(x);
            }
            case Op.Pad p -> {
                Tensor pads = need(in, 1, where, "paddings");
                if (!pads.isConstant()) yield new Shape[] {null};
                int[] pv = params(pads, 2 * x.rank(), where, "paddings");
                if (pv.length != 2 * x.rank()) throw new GraphException(where + ": paddings have " + pv.length + " values, expected " + 2 * x.rank() + " for an input of rank " + x.rank());
                int[] dims = x.dims();
                for (int d = 0; d < dims.length; d++) {
                    if (pv[2 * d] < 0 || pv[2 * d + 1] < 0) throw new GraphException(where + ": negative padding on axis " + d);
                    dims[d] = Math.addExact(dims[d], Math.addExact(pv[2 * d], pv[2 * d + 1]));
                }
                yield one(new Shape(dims));
            }
            case Op.Mean m -> {
                Tensor axesT = need(in, 1, where, "axes");
                if (!axesT.isConstant()) yield new Shape[] {null};
                boolean[] reduce = new boolean[x.rank()];
                for (int a : params(axesT, MAX_PARAMETER_VALUES, where, "axes")) {
                    int ax = a < 0 ? a + x.rank() : a;
                    if (ax < 0 || ax >= x.rank()) throw new GraphException(where + ": axis " + a + " is out of range for rank " + x.rank());
                    reduce[ax] = true;
                }
                int[] dims = x.dims();
                int[] out = Arrays.stream(range(dims.length)).filter(d -> m.keepDims() || !reduce[d]).map(d -> reduce[d] ? 1 : dims[d]).toArray();
                yield one(new Shape(out));
            }
            case Op.StridedSlice s -> {
                Tensor b = in.get(1), e = in.get(2), st = in.get(3);
                if (b == null || e == null || st == null || !b.isConstant() || !e.isConstant() || !st.isConstant() || s.ellipsisMask() != 0 || s.newAxisMask() != 0) {
                    yield new Shape[] {null};
                }
                yield one(stridedSlice(x, params(b, x.rank(), where, "begin"), params(e, x.rank(), where, "end"), params(st, x.rank(), where, "strides"), s, where));
            }
            case Op.Transpose t -> {
                Tensor permT = need(in, 1, where, "perm");
                if (!permT.isConstant()) yield new Shape[] {null};
                int[] perm = params(permT, MAX_PARAMETER_VALUES, where, "perm");
                if (perm.length != x.rank()) throw new GraphException(where + ": perm has " + perm.length + " values, expected " + x.rank() + " for an input of rank " + x.rank());
                boolean[] seen = new boolean[perm.length];
                int[] dims = new int[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    if (perm[i] < 0 || perm[i] >= perm.length || seen[perm[i]]) {
                        throw new GraphException(where + ": perm " + Arrays.toString(perm) + " is not a permutation of the " + perm.length + " axes");
                    }
                    seen[perm[i]] = true;
                    dims[i] = x.dim(perm[i]);
                }
                yield one(new Shape(dims));
            }
            case Op.Resize r -> {
                needRank(x, 4, where, "input 0");
                Tensor sizeT = need(in, 1, where, "size");
                if (!sizeT.isConstant()) yield new Shape[] {null};
                int[] size = params(sizeT, 2, where, "size");
                if (size.length != 2 || size[0] <= 0 || size[1] <= 0) {
                    throw new GraphException(where + ": size " + Arrays.toString(size) + " must be two positive values (height, width)");
                }
                if (r.mode() == Op.ResizeMode.BILINEAR && r.alignCorners() && r.halfPixelCenters()) {
                    throw new GraphException(where + ": RESIZE_BILINEAR cannot take both align_corners and half_pixel_centers");
                }
                yield one(Shape.of(x.dim(0), size[0], size[1], x.dim(3)));
            }
            case Op.Svdf s -> {
                Shape wf = need(in, 1, where, "weights_feature").shape();
                needRank(x, 2, where, "input 0");
                needRank(wf, 2, where, "weights_feature");
                if (wf.dim(1) != x.dim(1)) throw new GraphException(where + ": input 0 has " + x.dim(1) + " features, weights_feature " + wf + " expects " + wf.dim(1));
                if (s.rank() <= 0 || wf.dim(0) % s.rank() != 0) throw new GraphException(where + ": " + wf.dim(0) + " filters do not divide by rank " + s.rank());
                yield one(Shape.of(x.dim(0), wf.dim(0) / s.rank()));
            }
            case Op.UnidirectionalSequenceLstm l -> {
                Lstm.Sizes z = lstmSizes(() -> Lstm.unidirectional(l, in::get), where);
                yield one(Shape.of(x.dim(0), x.dim(1), z.output()));
            }
            case Op.BidirectionalSequenceLstm l -> {
                Lstm.Sizes fw = lstmSizes(() -> Lstm.bidirectional(l, in::get, false), where);
                Lstm.Sizes bw = lstmSizes(() -> Lstm.bidirectional(l, in::get, true), where);
                yield l.mergeOutputs() ? one(Shape.of(x.dim(0), x.dim(1), fw.output() + bw.output()))
                        : new Shape[] {Shape.of(x.dim(0), x.dim(1), fw.output()), Shape.of(x.dim(0), x.dim(1), bw.output())};
            }
            case Op.Opaque o -> new Shape[node.outputCount()];
        };
    }

    /** Checks every node's declared output shapes against what its inputs give. */
    public static void check(Graph g) {
        for (Node n : g.nodes()) {
            Shape[] want;
            try {
                want = infer(g, n);
            } catch (ArithmeticException | IndexOutOfBoundsException e) {
                throw new GraphException(n.label() + ": its inputs' shapes are inconsistent (" + e.getMessage() + ")");
            }
            for (int k = 0; k < want.length && k < n.outputCount(); k++) {
                if (want[k] == null) continue;
                Shape have = g.tensor(n.output(k)).shape();
                if (!have.equals(want[k])) {
                    throw new GraphException(n.label() + ": output " + k + " (tensor " + n.output(k) + ") is declared " + have + ", but its inputs give " + want[k]);
                }
            }
        }
    }

    /** Output size of a windowed op along one axis, as TFLite computes it. */
    public static int outSize(int in, int kernel, int stride, int dilation, Op.Padding padding, String where) {
        if (stride <= 0 || dilation <= 0) throw new GraphException(where + ": stride " + stride + " and dilation " + dilation + " must be positive");
        if (kernel <= 0) throw new GraphException(where + ": kernel size " + kernel + " must be positive");
        long eff = (long) (kernel - 1) * dilation + 1;
        return switch (padding) {
            case SAME -> (int) ((in + (long) stride - 1) / stride);
            case VALID -> {
                if (in < eff) throw new GraphException(where + ": input size " + in + " is smaller than the kernel's extent " + eff + " with VALID padding");
                yield (int) ((in - eff + stride) / stride);
            }
        };
    }

    /**
     * The padding before the first element along one axis of a window op (convolution, depthwise,
     * pooling; for TRANSPOSE_CONV pass the output size as {@code in}), as TFLite's {@code
     * ComputePaddingHeightWidth} and {@code ComputePaddingWithOffset} compute it: the output size
     * from the padding kind (SAME: ceil(in / stride); VALID: (in - effective window) / stride + 1,
     * never below 0), then half the total padding that output needs; an odd unit goes after. VALID
     * needs no padding. The one padding rule of tinyfit: shape inference, training and every runtime
     * kernel (float, int8, int16) use it.
     */
    public static int padBefore(int in, int kernel, int stride, int dilation, Op.Padding padding) {
        long eff = (long) (kernel - 1) * dilation + 1;
        long out = Math.max(0, switch (padding) {
            case SAME -> ((long) in + stride - 1) / stride;
            case VALID -> ((long) in + stride - eff) / stride;
        });
        long total = (out - 1) * stride + eff - in;
        return (int) (Math.max(0, total) / 2);
    }

    public static Shape broadcast(Shape a, Shape b, String where) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
            int db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
            if (da != db && da != 1 && db != 1) throw new GraphException(where + ": shapes " + a + " and " + b + " do not broadcast");
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    static Shape resolveReshape(Shape x, int[] target, String where) {
        int unknown = -1;
        long known = 1;
        int[] dims = target.clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (unknown >= 0) throw new GraphException(where + ": new shape " + Arrays.toString(target) + " has more than one -1");
                unknown = i;
            } else if (dims[i] < 0) {
                throw new GraphException(where + ": new shape " + Arrays.toString(target) + " has a negative dimension");
            } else {
                known = Math.multiplyExact(known, dims[i]);
            }
        }
        if (unknown >= 0) {
            if (known == 0 || x.elements() % known != 0) throw new GraphException(where + ": cannot reshape " + x + " to " + Arrays.toString(target));
            dims[unknown] = (int) (x.elements() / known);
        } else if (known != x.elements()) {
            throw new GraphException(where + ": cannot reshape " + x + " (" + x.elements() + " elements) to " + Arrays.toString(target) + " (" + known + ")");
        }
        return new Shape(dims);
    }

    private static Shape stridedSlice(Shape x, int[] begin, int[] end, int[] strides, Op.StridedSlice s, String where) {
        int rank = x.rank();
        if (begin.length != rank || end.length != rank || strides.length != rank) {
            throw new GraphException(where + ": begin, end and strides must each have " + rank + " values");
        }
        int[] out = new int[rank];
        int kept = 0;
        for (int d = 0; d < rank; d++) {
            int dim = x.dim(d);
            int st = strides[d];
            if (st == 0) throw new GraphException(where + ": stride 0 on axis " + d);
            boolean shrink = (s.shrinkAxisMask() >> d & 1) != 0;
            int b = clampIndex(begin[d], dim, st, (s.beginMask() >> d & 1) != 0, true);
            int e;
            if (shrink) {
                e = b + 1;
            } else if (s.offset()) {
                e = clampIndex(b + end[d], dim, st, (s.endMask() >> d & 1) != 0, false);
            } else {
                e = clampIndex(end[d], dim, st, (s.endMask() >> d & 1) != 0, false);
            }
            int n = st > 0 ? Math.max(0, (e - b + st - 1) / st) : Math.max(0, (b - e - st - 1) / -st);
            if (!shrink) out[kept++] = n;
        }
        return new Shape(Arrays.copyOf(out, kept));
    }

    private static int clampIndex(int idx, int dim, int stride, boolean masked, boolean isBegin) {
        if (masked) return stride > 0 ? (isBegin ? 0 : dim) : (isBegin ? dim - 1 : -1);
        if (idx < 0) idx += dim;
        return stride > 0 ? Math.max(0, Math.min(idx, dim)) : Math.max(-1, Math.min(idx, dim - 1));
    }

    private static int[] range(int n) { int[] r = new int[n]; for (int i = 0; i < n; i++) r[i] = i; return r; }

    private static Lstm.Sizes lstmSizes(java.util.function.Supplier<Lstm.Sizes> sizes, String where) {
        try {
            return sizes.get();
        } catch (IllegalArgumentException e) {
            throw new GraphException(where + ": " + e.getMessage());
        }
    }

    private static Shape[] one(Shape s) { return new Shape[] {s}; }

    private static Tensor need(Inputs in, int i, String where, String what) {
        Tensor t = in.get(i);
        if (t == null) throw new GraphException(where + ": " + what + " (input " + i + ") is missing");
        return t;
    }

    private static void needRank(Shape s, int rank, String where, String what) {
        if (s == null) throw new GraphException(where + ": " + what + " is missing");
        if (s.rank() != rank) throw new GraphException(where + ": " + what + " has shape " + s + ", expected rank " + rank);
    }

    private static void checkBias(Inputs in, int i, int channels, String where) {
        Tensor b = in.get(i);
        if (b != null && b.shape().elements() != channels) {
            throw new GraphException(where + ": bias has shape " + b.shape() + ", expected " + channels + " values");
        }
    }

    /** The most values a parameter tensor (a shape, axes) may hold; larger ones are malformed. */
    static final int MAX_PARAMETER_VALUES = 64;

    /**
     * The values of a small constant parameter tensor, after checking it holds at most {@code max}
     * values, so a malformed model cannot make inference read huge tensors again and again.
     */
    static int[] params(Tensor t, int max, String where, String what) {
        int n = t.shape().elements();
        if (n > max) throw new GraphException(where + ": " + what + " (tensor " + t.id() + ") has " + n + " values, more than the " + max + " expected");
        return ints(t);
    }

    /** The values of a constant i32 (or i64) tensor. */
    public static int[] ints(Tensor t) {
        if (!t.isConstant()) throw new GraphException("tensor " + t.id() + " (" + t.name() + ") is not a constant");
        if (t.shape().elements() > 0 && t.dtype() != DType.I32 && t.dtype() != DType.I64) {
            throw new GraphException("tensor " + t.id() + " (" + t.name() + ") holds " + t.dtype().lower() + ", expected int32");
        }
        return t.shape().elements() == 0 ? new int[0] : TensorBytes.exactInts(t);
    }
}
