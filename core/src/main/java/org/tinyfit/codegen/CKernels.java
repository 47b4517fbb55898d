package org.tinyfit.codegen;

import java.util.Arrays;
import java.util.Locale;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.InPlace;
import org.tinyfit.memory.ScratchRequirement;
import org.tinyfit.quant.ConvQuant;
import org.tinyfit.quant.FixedPoint;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.runtime.KernelSupport;
import org.tinyfit.runtime.kernels.ResizeKernel;
import org.tinyfit.runtime.kernels.TransposeKernel;
import org.tinyfit.runtime.kernels.BinaryKernel;
import org.tinyfit.runtime.kernels.KernelParams;

/**
 * The C code of one node: a function with the node's shapes, strides, offsets, multipliers and
 * shifts as constants. Every parameter is the value tinyfit's runtime computes for the same node
 * ({@link ConvQuant}, {@link BinaryKernel#addSubQuant}, {@link KernelParams}, {@link KernelSupport}, {@link FixedPoint}), so the generated code is
 * bit-exact with it. Nodes read and write the arena at the plan's offsets; a depthwise convolution
 * or pooling whose output the plan puts over its input runs one channel at a time through the
 * scratch plane the plan reserved.
 */
final class CKernels {
    private CKernels() {}

    /** What a node's code refers to outside itself: its tensors' bytes. */
    interface Symbols {
        /** A C expression of type {@code int8_t *} for activation tensor {@code t}. */
        String arena(int t);

        /** The name of constant tensor {@code t}'s array (the project then emits it). */
        String constant(int t);

        /** A C expression of type {@code int8_t *} for scratch buffer {@code index} of {@code node}. */
        String scratch(int node, int index);

        /**
         * The name of a constant int8 array holding {@code data}: a filter arranged in the order its
         * kernel reads it ({@code key} names the arrangement; the same key gives the same array). The
         * project then emits it with the weights.
         */
        String arranged(String key, byte[] data);

        /** The name of the shared {@code int16_t} im2col column, which must hold at least {@code values} values. */
        String column(int values);
    }

    /** {@code n} rounded up to a multiple of 4. */
    static int roundUp4(int n) { return (n + 3) & ~3; }

    /** Why the generator has no code for {@code n}, or null when it has. */
    static String unsupported(Graph g, Node n) {
        String types = int8Only(g, n);
        return switch (n.op()) {
            case Op.Conv2D c -> types != null ? types : constants(g, n, 1, 2);
            case Op.DepthwiseConv2D d -> types != null ? types : constants(g, n, 1, 2);
            case Op.FullyConnected f -> types != null ? types : constants(g, n, 1, 2);
            case Op.Pool2D p -> types;
            case Op.Add a -> types;
            case Op.Sub s -> types;
            case Op.Reshape r -> types;
            case Op.Dropout d -> types;
            case Op.Softmax s -> types;
            case Op.Quantize q -> types;
            case Op.Concat c -> types;
            case Op.Pad p -> types != null ? types : (n.hasInput(2) && !g.tensor(n.input(2)).isConstant() ? "the pad value is not a constant" : null);
            case Op.StridedSlice s -> types != null ? types
                    : g.tensor(n.input(0)).shape().rank() > 5 || KernelSupport.ints(n, g.tensor(n.input(1)), "begin").length != g.tensor(n.input(0)).shape().rank()
                    ? "begin/end do not give every axis" : null;
            case Op.TransposeConv t -> "no kernel";
            case Op.Transpose t -> types != null ? types : g.tensor(n.input(0)).shape().rank() > TransposeKernel.MAX_DIMS ? "more than 5 dimensions" : null;
            case Op.Resize r -> types;
            case Op.Mul m -> types;
            case Op.Relu r -> "no kernel";
            case Op.Relu6 r -> "no kernel";
            case Op.Logistic l -> "no kernel";
            case Op.Tanh t -> "no kernel";
            case Op.LeakyRelu l -> "no kernel";
            case Op.Mean m -> "no kernel";
            case Op.Dequantize d -> "no kernel (float output)";
            case Op.BatchNorm b -> "no kernel (fold batch norm first)";
            case Op.Svdf s -> "no kernel";
            case Op.UnidirectionalSequenceLstm s -> "no kernel";
            case Op.BidirectionalSequenceLstm s -> "no kernel";
            case Op.Opaque o -> "unknown operator";
        };
    }

    /** Null when every activation the node touches is int8 (shape tensors and biases aside), else why not. */
    private static String int8Only(Graph g, Node n) {
        for (int t : n.outputs()) if (g.tensor(t).dtype() != DType.I8) return "output " + g.tensor(t).dtype().lower() + ", only int8 is generated";
        for (int k = 0; k < n.inputCount(); k++) {
            if (!n.hasInput(k)) continue;
            Tensor t = g.tensor(n.input(k));
            if (t.isConstant()) continue;
            if (t.dtype() != DType.I8) return "input " + k + " " + t.dtype().lower() + ", only int8 is generated";
            if (t.variable()) return "input " + k + " is a variable (state)";
        }
        return null;
    }

    private static String constants(Graph g, Node n, int... inputs) {
        for (int k : inputs) if (n.hasInput(k) && !g.tensor(n.input(k)).isConstant()) return "input " + k + " is not a constant";
        return null;
    }

    /** Appends the function {@code fn} computing {@code n}. */
    static void emit(StringBuilder out, String fn, Graph g, Node n, ArenaPlan plan, Symbols sym) {
        out.append("/* ").append(n.label()).append(": ");
        for (int k = 0; k < n.inputCount(); k++) {
            if (n.hasInput(k) && !g.tensor(n.input(k)).isConstant()) out.append(k == 0 ? "" : ", ").append(g.tensor(n.input(k)).name()).append(g.tensor(n.input(k)).shape());
        }
        out.append(" -> ").append(g.tensor(n.output(0)).name()).append(g.tensor(n.output(0)).shape()).append(" */\n");
        // not inlined into model_invoke: each node's code stays its own, whatever the graph around it
        out.append("static __attribute__((noinline)) void ").append(fn).append("(void) {\n");
        switch (n.op()) {
            case Op.Conv2D c -> conv(out, g, n, c, plan, sym);
            case Op.DepthwiseConv2D d -> depthwise(out, g, n, d, plan, sym);
            case Op.FullyConnected f -> fullyConnected(out, g, n, f, sym);
            case Op.Pool2D p -> pool(out, g, n, p, plan, sym);
            case Op.Add a -> addSub(out, g, n, a.act(), false, sym);
            case Op.Sub s -> addSub(out, g, n, s.act(), true, sym);
            case Op.Reshape r -> copy(out, g, n, plan, sym);
            case Op.Dropout d -> copy(out, g, n, plan, sym);
            case Op.Softmax s -> softmax(out, g, n, s, sym);
            case Op.Quantize q -> quantize(out, g, n, sym);
            case Op.Concat c -> concat(out, g, n, c, sym);
            case Op.Pad p -> pad(out, g, n, sym);
            case Op.StridedSlice s -> slice(out, g, n, s, sym);
            case Op.TransposeConv t -> throw noKernel(n);
            case Op.Transpose t -> transpose(out, g, n, sym);
            case Op.Resize r -> resize(out, g, n, r, sym);
            case Op.Mul m -> mul(out, g, n, m.act(), sym);
            case Op.Relu r -> throw noKernel(n);
            case Op.Relu6 r -> throw noKernel(n);
            case Op.Logistic l -> throw noKernel(n);
            case Op.Tanh t -> throw noKernel(n);
            case Op.LeakyRelu l -> throw noKernel(n);
            case Op.Mean m -> throw noKernel(n);
            case Op.Dequantize d -> throw noKernel(n);
            case Op.BatchNorm b -> throw noKernel(n);
            case Op.Svdf s -> throw noKernel(n);
            case Op.UnidirectionalSequenceLstm s -> throw noKernel(n);
            case Op.BidirectionalSequenceLstm s -> throw noKernel(n);
            case Op.Opaque o -> throw noKernel(n);
        }
        out.append("}\n\n");
    }

    private static CodegenException noKernel(Node n) { return new CodegenException(n.label() + ": the C generator has no kernel for it"); }

    private static String ints(int[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : i % 8 == 0 ? ",\n        " : ", ").append(v[i]);
        return b.toString();
    }

    /** Per-channel multipliers and shifts as static tables {@code mult} and {@code shift}. */
    private static void requantTables(StringBuilder out, ConvQuant q) {
        int[] m = q.multipliers(), s = q.shifts();
        for (int v : m) if (v == Integer.MIN_VALUE) throw new CodegenException("a requantization multiplier of -2^31, which tf_requant does not take");
        out.append("    static const int32_t mult[").append(m.length).append("] = {").append(ints(m)).append("};\n");
        out.append("    static const int8_t shift[").append(s.length).append("] = {").append(ints(s)).append("};\n");
    }

    /** The bytes of tensor {@code t}: a constant's array or its place in the arena. */
    private static String data(Graph g, int t, Symbols sym) { return g.tensor(t).isConstant() ? sym.constant(t) : sym.arena(t); }

    /** The requantization tables and the {@code in}, {@code w} and {@code out} pointers of a convolution or fully connected node. */
    private static void weightedPreamble(StringBuilder out, ConvQuant q, String in, String weights, String output) {
        requantTables(out, q);
        out.append("    const int8_t *in = ").append(in).append(";\n");
        out.append("    const int8_t *w = ").append(weights).append(";\n");
        out.append("    int8_t *out = ").append(output).append(";\n");
    }

    private static String bias(Graph g, Node n, int index, Symbols sym) {
        return n.hasInput(index) ? sym.constant(n.input(index)) + "[oc]" : "0";
    }

    private static int padding(Op.Padding p, int stride, int dilation, int in, int filter) {
        return ShapeInference.padBefore(in, filter, stride, dilation, p);
    }

    private static void conv(StringBuilder out, Graph g, Node n, Op.Conv2D op, ArenaPlan plan, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), filter = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        int[] x = in.shape().dims(), f = filter.shape().dims(), o = y.shape().dims();
        ConvQuant q = ConvQuant.conv(n, in, filter, y, op.act(), f[0]);
        int padH = padding(op.padding(), op.strideH(), op.dilationH(), x[1], f[1]);
        int padW = padding(op.padding(), op.strideW(), op.dilationW(), x[2], f[2]);
        if (f[3] == x[3]) {
            boolean inPlace = plan.inArena(in.id()) && plan.offset(in.id()) == plan.offset(y.id());
            String rowBuffer = null;
            int lag = 0;
            boolean reversed = false;
            if (inPlace && InPlace.pointwise(g, n, op)) {
                reversed = InPlace.lastPixelFirst(g, n); /* wider output: pixels last to first, each gathered before its output overwrites it */
            } else if (inPlace) {
                if (!InPlace.rowByRow(g, n, op)) throw new CodegenException(n.label() + ": the plan runs it in place, which it cannot do row by row");
                rowBuffer = sym.scratch(n.id(), planeIndex(g, n, plan));
                lag = InPlace.rowLag(g, n, op);
            }
            byte[] data = filter.data();
            int kH = f[1], kW = f[2], c = f[3];
            im2colConv(out, g, n, op.strideH(), op.strideW(), op.dilationH(), op.dilationW(), q, padH, padW, sym, rowBuffer, lag, reversed, kH, kW, f[0],
                    (oc, fy, fx, ic) -> data[((oc * kH + fy) * kW + fx) * c + ic], "conv" + filter.id());
            return;
        }
        int fpg = f[0] / (x[3] / f[3]);
        weightedPreamble(out, q, sym.arena(in.id()), sym.constant(filter.id()), sym.arena(y.id()));
        out.append(String.format(Locale.ROOT, """
                    for (int32_t b = 0; b < %d; ++b) {
                        for (int32_t oy = 0; oy < %d; ++oy) {
                            const int32_t iy0 = oy * %d - %d;
                            for (int32_t ox = 0; ox < %d; ++ox) {
                                const int32_t ix0 = ox * %d - %d;
                                int8_t *y = out + ((b * %d + oy) * %d + ox) * %d;
                                for (int32_t oc = 0; oc < %d; ++oc) {
                                    const int32_t group = oc / %d;
                                    int32_t acc = %s;
                                    for (int32_t fy = 0; fy < %d; ++fy) {
                                        const int32_t iy = iy0 + %d * fy;
                                        if (iy < 0 || iy >= %d) continue;
                                        for (int32_t fx = 0; fx < %d; ++fx) {
                                            const int32_t ix = ix0 + %d * fx;
                                            if (ix < 0 || ix >= %d) continue;
                                            acc = tf_dot(in + ((b * %d + iy) * %d + ix) * %d + group * %d, w + ((oc * %d + fy) * %d + fx) * %d, %d, %d, acc);
                                        }
                                    }
                                    y[oc] = tf_requant(acc, mult[oc], shift[oc], %d, %d, %d);
                                }
                            }
                        }
                    }
                """, x[0], o[1], op.strideH(), padH, o[2], op.strideW(), padW, o[1], o[2], o[3], o[3], fpg, bias(g, n, 2, sym),
                f[1], op.dilationH(), x[1], f[2], op.dilationW(), x[2], x[1], x[2], x[3], f[3], f[1], f[2], f[3], f[3], q.inputOffset(),
                q.outputOffset(), q.actMin(), q.actMax()));
    }

    /** Filter value of output channel {@code oc} at tap ({@code fy}, {@code fx}), input channel {@code ic}. */
    interface Filter { int at(int oc, int fy, int fx, int ic); }

    /**
     * A convolution without groups (or a depthwise one on a single input channel), two output pixels
     * at a time: each pixel's receptive field is gathered into its slot of the interleaved int16
     * column ({@code TF_COL_SLOT}: input offset added, padding taps 0), cut into segments that are
     * contiguous in the input (a filter row, or one tap when dilated), each padded to a multiple of 4;
     * then {@code tf_conv_2x2} computes every output channel of both pixels, two channels per pass, over
     * filter rows this generator arranged in the order it reads them. The loops are the header's one
     * {@code tf_conv_col}; the node holds its shapes and tables as a {@code tf_conv_args} constant.
     */
    private static void im2colConv(StringBuilder out, Graph g, Node n, int strideH, int strideW, int dilH, int dilW, ConvQuant q,
            int padH, int padW, Symbols sym, String rowBuffer, int lag, boolean reversed, int kH, int kW, int channelsOut, Filter filter, String filterKey) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        int[] x = in.shape().dims(), o = y.shape().dims();
        int c = x[3];
        int segLen = dilW == 1 ? kW * c : c, segs = dilW == 1 ? kH : kH * kW, seg = roundUp4(segLen), length = segs * seg, groups = length / 4;
        byte[] arranged = new byte[(channelsOut + 1) / 2 * 2 * length];
        int k = 0;
        for (int pair = 0; pair < (channelsOut + 1) / 2; pair++) {
            for (int gr = 0; gr < groups; gr++) {
                for (int ch = 2 * pair; ch < 2 * pair + 2; ch++) {
                    for (int j = 0; j < 4; j++, k++) {
                        int i = gr * 4 + j, s = i / seg, pos = i % seg;
                        if (ch >= channelsOut || pos >= segLen) continue;
                        int fy = dilW == 1 ? s : s / kW, fx = dilW == 1 ? pos / c : s % kW, ic = pos % c;
                        arranged[k] = (byte) filter.at(ch, fy, fx, ic);
                    }
                }
            }
        }
        String column = sym.column(2 * length);
        requantTables(out, q);
        String weights = sym.arranged(filterKey + "_" + kH + "x" + kW + "x" + c + "d" + dilW, arranged);
        String bias = n.hasInput(2) ? sym.constant(n.input(2)) : "0";
        int[] shorts = {x[0], x[1], x[2], c, o[1], o[2], channelsOut, groups, strideH, strideW, padH, padW, dilH, dilW, kH, kW, segLen, seg,
            q.inputOffset(), q.outputOffset(), q.actMin(), q.actMax(), lag, reversed ? 1 : 0, splitRequant(g, n, q, length) ? 1 : 0};
        for (int v : shorts) if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) throw new CodegenException(n.label() + ": a dimension of " + v + " does not fit the convolution's int16 fields");
        out.append("    static const tf_conv_args args = {\n");
        out.append("        ").append(sym.arena(in.id())).append(", ").append(sym.arena(y.id())).append(", ").append(weights).append(", ").append(bias)
                .append(", mult, shift, ").append(column).append(", ").append(rowBuffer == null ? "0" : "(int8_t *)(" + rowBuffer + ")").append(",\n");
        out.append("        ").append(ints(shorts)).append("};\n");
        out.append("    tf_conv_col(&args);\n");
    }

    /**
     * Whether {@code tf_requant_split} equals {@code tf_requant} for every accumulator of the node: its
     * bias plus {@code taps} products of an int8 weight (|w| <= 128) and an offset input (|x + offset| <= 255),
     * shifted left by the largest left shift, stays below 2^30 in magnitude.
     */
    static boolean splitRequant(Graph g, Node n, ConvQuant q, int taps) {
        long bias = 0;
        if (n.hasInput(2)) for (int b : KernelSupport.ints(n, g.tensor(n.input(2)), "bias")) bias = Math.max(bias, Math.abs((long) b));
        int left = 0;
        for (int s : q.shifts()) left = Math.max(left, s);
        long bound = bias + (long) taps * 128 * 255;
        return left < 31 && bound < (1L << 30) >> left;
    }

    /** The index of the scratch plane an in-place per-channel node uses, or -1 when {@code n} does not run in place. */
    private static int planeIndex(Graph g, Node n, ArenaPlan plan) {
        int in = n.input(0), o = n.output(0);
        if (!plan.inArena(in) || plan.offset(in) != plan.offset(o)) return -1;
        int index = ScratchRequirement.of(g, n).size();
        long[][] scratch = plan.scratchOffsets();
        if (n.id() >= scratch.length || scratch[n.id()].length <= index || scratch[n.id()][index] < 0) {
            throw new CodegenException(n.label() + ": the plan (" + plan.planner() + ") runs it in place but reserves no scratch plane for it");
        }
        return index;
    }

    private static void depthwise(StringBuilder out, Graph g, Node n, Op.DepthwiseConv2D op, ArenaPlan plan, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), filter = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        int[] x = in.shape().dims(), f = filter.shape().dims(), o = y.shape().dims();
        ConvQuant q = ConvQuant.conv(n, in, filter, y, op.act(), f[3]);
        int m = f[3] / x[3];
        int padH = padding(op.padding(), op.strideH(), op.dilationH(), x[1], f[1]);
        int padW = padding(op.padding(), op.strideW(), op.dilationW(), x[2], f[2]);
        if (planar3x3(g, n, op, q, plan)) {
            depthwise3x3(out, g, n, op, q, padH, padW, planeIndex(g, n, plan) >= 0, sym);
            return;
        }
        if (x[3] == 1 && planeIndex(g, n, plan) < 0) {
            /* one input channel: a convolution whose output channels are the depth multiplier's */
            byte[] data = filter.data();
            int kH = f[1], kW = f[2], channels = f[3];
            im2colConv(out, g, n, op.strideH(), op.strideW(), op.dilationH(), op.dilationW(), q, padH, padW, sym, null, 0, false, kH, kW, channels,
                    (oc, fy, fx, ic) -> data[(fy * kW + fx) * channels + oc], "dw" + filter.id());
            return;
        }
        requantTables(out, q);
        String bias = n.hasInput(2) ? sym.constant(n.input(2)) + "[oc]" : "0";
        out.append("    const int8_t *w = ").append(sym.constant(filter.id())).append(";\n");
        window(out, op.strideH(), op.strideW(), padH, padW, op.dilationH(), op.dilationW(), f[1], f[2], x[1], x[2]);
        StringBuilder interior = new StringBuilder();
        for (int fy = 0; fy < f[1]; fy++) {
            for (int fx = 0; fx < f[2]; fx++) {
                interior.append(String.format(Locale.ROOT, " \\\n                acc += (int32_t)w[%d + (oc)] * ((int32_t)(in)[row + %d] + %d);",
                        (fy * f[2] + fx) * o[3], (fy * op.dilationH() * x[2] + fx * op.dilationW()) * x[3], q.inputOffset()));
            }
        }
        out.append(String.format(Locale.ROOT, """
                #define TF_VALUE(in, b, oc, result) do { \\
                        int32_t acc = %s; \\
                        if (fy0 == 0 && fy1 == %d && fx0 == 0 && fx1 == %d) { \\
                            const int32_t row = (((b) * %d + iy0) * %d + ix0) * %d + (oc) / %d;%s \\
                        } else { \\
                            for (int32_t fy = fy0; fy < fy1; ++fy) { \\
                                const int8_t *wr = w + fy * %d + (oc); \\
                                const int32_t row = (((b) * %d + iy0 + %d * fy) * %d + ix0) * %d + (oc) / %d; \\
                                for (int32_t fx = fx0; fx < fx1; ++fx) acc += (int32_t)wr[fx * %d] * ((int32_t)(in)[row + fx * %d] + %d); \\
                            } \\
                        } \\
                        (result) = tf_requant(acc, mult[oc], shift[oc], %d, %d, %d); \\
                    } while (0)
                """, bias, f[1], f[2], x[1], x[2], x[3], m, interior, f[2] * o[3], x[1], op.dilationH(), x[2], x[3], m, o[3], op.dilationW() * x[3],
                q.inputOffset(), q.outputOffset(), q.actMin(), q.actMax()));
        perChannelLoops(out, g, n, plan, sym, o);
    }

    /** The bytes one channel's copied rows may take before {@link #depthwise3x3} cuts the output into bands of rows (unless in place). */
    static final int PLANE_BYTES = 1024;

    /**
     * Whether {@link #depthwise3x3} computes {@code n}: a 3x3 depthwise convolution without dilation
     * whose accumulators allow the split requantization; in place only without depth multiplier and on
     * one batch (a later batch's outputs, or a multiplier's extra channels, would land on inputs still
     * to be read).
     */
    static boolean planar3x3(Graph g, Node n, Op.DepthwiseConv2D op, ConvQuant q, ArenaPlan plan) {
        int[] x = g.tensor(n.input(0)).shape().dims(), f = g.tensor(n.input(1)).shape().dims();
        boolean inPlace = plan.inArena(n.input(0)) && plan.offset(n.input(0)) == plan.offset(n.output(0));
        return f[1] == 3 && f[2] == 3 && f[3] % x[3] == 0 && op.dilationH() == 1 && op.dilationW() == 1
                && (!inPlace || (x[0] == 1 && f[3] == x[3])) && splitRequant(g, n, q, 9);
    }

    /** Output rows per band of {@link #depthwise3x3}: all of them in place or when they fit {@link #PLANE_BYTES}. */
    static int planarBand(int outH, int outW, int strideH, int strideW, boolean inPlace) {
        int pw = (outW - 1) * strideW + 3;
        if (inPlace || ((outH - 1) * strideH + 3) * pw + 1 <= PLANE_BYTES) return outH;
        return Math.max(1, ((PLANE_BYTES - 1) / pw - 3) / strideH + 1);
    }

    /**
     * A 3x3 depthwise convolution one channel at a time: the channel's input rows are copied into the
     * im2col column's memory, padded with the input zero point ({@code tf_dw_rows}), so that every
     * output, border or not, is the bias with the input offset's share folded in at generation time
     * plus nine taps times raw inputs ({@code tf_dw3x3}). A whole plane at a time in place: the copy
     * is taken before the channel's outputs overwrite its inputs, so no scratch plane is needed.
     */
    private static void depthwise3x3(StringBuilder out, Graph g, Node n, Op.DepthwiseConv2D op, ConvQuant q, int padH, int padW, boolean inPlace, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), filter = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        int[] x = in.shape().dims(), o = y.shape().dims();
        int c = o[3];
        byte[] wd = filter.data();
        int[] biasData = n.hasInput(2) ? KernelSupport.ints(n, g.tensor(n.input(2)), "bias") : new int[c];
        int[] folded = new int[c];
        for (int ch = 0; ch < c; ch++) {
            int sum = 0;
            for (int t = 0; t < 9; t++) sum += wd[t * c + ch];
            folded[ch] = biasData[ch] + q.inputOffset() * sum;
        }
        int sH = op.strideH(), sW = op.strideW();
        int band = planarBand(o[1], o[2], sH, sW, inPlace);
        int pw = (o[2] - 1) * sW + 3, bufferBytes = ((band - 1) * sH + 3) * pw + 1;
        String buffer = sym.column((bufferBytes + 1) / 2);
        requantTables(out, q);
        out.append("    static const int32_t folded[").append(c).append("] = {").append(ints(folded)).append("};\n");
        if (inPlace) out.append("    /* in place: each channel's input is copied out before its outputs overwrite it */\n");
        out.append(planarLoops(sym.arena(in.id()), sym.arena(y.id()), sym.constant(filter.id()), buffer, x, o, band, sH, sW, pw, padH, padW, q));
    }

    /**
     * {@link #depthwise3x3}'s loops: each band of an input channel's rows copied into the buffer once,
     * then the 3x3 filter of each of its output channels run over it (one, or its depth multiplier's).
     */
    private static String planarLoops(String in, String out, String w, String buffer, int[] x, int[] o, int band, int sH, int sW, int pw,
            int padH, int padW, ConvQuant q) {
        int c = o[3], m = c / x[3];
        String filter = m == 1
                ? "                tf_dw3x3(buf, %10$d, rows, %17$d, %9$d, %18$d, w + ch, %24$d, folded[ch], mult[ch], shift[ch], out + (b * %7$d + oy) * %19$d + ch, %24$d, %20$d, %21$d, %22$d);\n"
                : "                for (int32_t oc = ch * %23$d; oc < (ch + 1) * %23$d; ++oc)\n"
                + "                    tf_dw3x3(buf, %10$d, rows, %17$d, %9$d, %18$d, w + oc, %24$d, folded[oc], mult[oc], shift[oc], out + (b * %7$d + oy) * %19$d + oc, %24$d, %20$d, %21$d, %22$d);\n";
        return String.format(Locale.ROOT, """
                    const int8_t *in = %1$s;
                    int8_t *out = %2$s;
                    const int8_t *w = %3$s;
                    int8_t *buf = (int8_t *)%4$s;
                    for (int32_t b = 0; b < %5$d; ++b)
                        for (int32_t ch = 0; ch < %6$d; ++ch)
                            for (int32_t oy = 0; oy < %7$d; oy += %8$d) {
                                const int32_t rows = %7$d - oy < %8$d ? %7$d - oy : %8$d;
                                tf_dw_rows(buf, (rows - 1) * %9$d + 3, %10$d, in + b * %11$d + ch, %6$d, %12$d, %13$d, oy * %9$d - %14$d, %15$d, %16$d);
                """ + filter + """
                            }
                """, in, out, w, buffer, x[0], x[3], o[1], band,
                sH, pw, x[1] * x[2] * x[3], x[1], x[2], padH, -padW, -q.inputOffset(), o[2], sW, o[2] * c,
                q.outputOffset(), q.actMin(), q.actMax(), m, c);
    }

    /**
     * {@code TF_WINDOW(oy, ox)}: the window of output pixel (oy, ox) as block-local constants: its
     * top-left input position {@code iy0, ix0}, and the taps that fall inside the input,
     * {@code fy0 <= fy < fy1}, {@code fx0 <= fx < fx1}.
     */
    private static void window(StringBuilder out, int strideH, int strideW, int padH, int padW, int dilH, int dilW, int kH, int kW, int inH, int inW) {
        out.append(String.format(Locale.ROOT, """
                #define TF_WINDOW(oy, ox) \\
                        const int32_t iy0 = (oy) * %d - %d, ix0 = (ox) * %d - %d; \\
                        const int32_t fy0 = %s, fy1 = %s; \\
                        const int32_t fx0 = %s, fx1 = %s
                """, strideH, padH, strideW, padW, first("iy0", dilH), last("iy0", dilH, kH, inH), first("ix0", dilW), last("ix0", dilW, kW, inW)));
    }

    /** The first tap {@code f} with {@code at + dilation * f >= 0}. */
    private static String first(String at, int dilation) {
        return dilation == 1 ? "(" + at + " < 0 ? -" + at + " : 0)" : "(" + at + " < 0 ? (" + (dilation - 1) + " - " + at + ") / " + dilation + " : 0)";
    }

    /** One past the last tap {@code f < kernel} with {@code at + dilation * f < size}. */
    private static String last(String at, int dilation, int kernel, int size) {
        String inside = dilation == 1 ? "(" + size + " - " + at + ")" : "((" + size + " - " + at + " + " + (dilation - 1) + ") / " + dilation + ")";
        return "(" + inside + " < " + kernel + " ? " + inside + " : " + kernel + ")";
    }

    /**
     * The loops around {@code TF_WINDOW(oy, ox)} and {@code TF_VALUE(in, b, oc, result)}: over the
     * whole output, or, in place, one channel at a time into the scratch plane, then back over the
     * channel's bytes.
     */
    private static void perChannelLoops(StringBuilder out, Graph g, Node n, ArenaPlan plan, Symbols sym, int[] o) {
        int plane = planeIndex(g, n, plan);
        if (plane < 0) {
            out.append(String.format(Locale.ROOT, """
                        const int8_t *in = %s;
                        int8_t *out = %s;
                        for (int32_t b = 0; b < %d; ++b)
                            for (int32_t oy = 0; oy < %d; ++oy)
                                for (int32_t ox = 0; ox < %d; ++ox) {
                                    TF_WINDOW(oy, ox);
                                    int8_t *y = out + ((b * %d + oy) * %d + ox) * %d;
                                    for (int32_t oc = 0; oc < %d; ++oc) TF_VALUE(in, b, oc, y[oc]);
                                }
                    """, sym.arena(n.input(0)), sym.arena(n.output(0)), o[0], o[1], o[2], o[1], o[2], o[3], o[3]));
        } else {
            out.append(String.format(Locale.ROOT, """
                        /* in place: the output overwrites the input, one channel at a time through a plane of scratch */
                        int8_t *data = %s;
                        int8_t *plane = %s;
                        for (int32_t oc = 0; oc < %d; ++oc) {
                            for (int32_t oy = 0; oy < %d; ++oy)
                                for (int32_t ox = 0; ox < %d; ++ox) {
                                    TF_WINDOW(oy, ox);
                                    TF_VALUE(data, 0, oc, plane[oy * %d + ox]);
                                }
                            for (int32_t p = 0; p < %d; ++p) data[p * %d + oc] = plane[p];
                        }
                    """, sym.arena(n.input(0)), sym.scratch(n.id(), plane), o[3], o[1], o[2], o[2], o[1] * o[2], o[3]));
        }
        out.append("#undef TF_VALUE\n#undef TF_WINDOW\n");
    }

    private static void pool(StringBuilder out, Graph g, Node n, Op.Pool2D op, ArenaPlan plan, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        int[] x = in.shape().dims(), o = y.shape().dims();
        int padH = padding(op.padding(), op.strideH(), 1, x[1], op.filterH());
        int padW = padding(op.padding(), op.strideW(), 1, x[2], op.filterW());
        for (int oy = 0; oy < o[1]; oy++) {
            for (int ox = 0; ox < o[2]; ox++) {
                int iy0 = oy * op.strideH() - padH, ix0 = ox * op.strideW() - padW;
                if (Math.min(op.filterH(), x[1] - iy0) <= Math.max(0, -iy0) || Math.min(op.filterW(), x[2] - ix0) <= Math.max(0, -ix0)) {
                    throw new CodegenException(n.label() + ": output (" + oy + ", " + ox + ") has an empty pooling window");
                }
            }
        }
        int[] r = FixedPoint.activationRange(op.act(), QuantParams.scale(n, y, "output"), QuantParams.zeroPoint(n, y, "output"), -128, 127);
        boolean avg = op.pool() == Op.PoolKind.AVG;
        String body = avg ? """
                        int32_t acc = 0, count = 0; \\
                        for (int32_t fy = fy0; fy < fy1; ++fy) \\
                            for (int32_t fx = fx0; fx < fx1; ++fx) { acc += (in)[(((b) * %d + iy0 + fy) * %d + ix0 + fx) * %d + (oc)]; ++count; } \\
                        int32_t v = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count; \\
                """ : """
                        int32_t v = -128; \\
                        for (int32_t fy = fy0; fy < fy1; ++fy) \\
                            for (int32_t fx = fx0; fx < fx1; ++fx) { int32_t e = (in)[(((b) * %d + iy0 + fy) * %d + ix0 + fx) * %d + (oc)]; if (e > v) v = e; } \\
                """;
        window(out, op.strideH(), op.strideW(), padH, padW, 1, 1, op.filterH(), op.filterW(), x[1], x[2]);
        out.append("#define TF_VALUE(in, b, oc, result) do { \\\n");
        out.append(String.format(Locale.ROOT, body, x[1], x[2], x[3]));
        out.append(String.format(Locale.ROOT, """
                        (result) = (int8_t)tf_clamp(v, %d, %d); \\
                    } while (0)
                """, r[0], r[1]));
        perChannelLoops(out, g, n, plan, sym, o);
    }

    private static void fullyConnected(StringBuilder out, Graph g, Node n, Op.FullyConnected op, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), w = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        int outDepth = y.shape().dim(-1);
        int accumDepth = w.shape().dim(1);
        int batches = outDepth == 0 ? 0 : y.shape().elements() / outDepth;
        ConvQuant q = ConvQuant.fullyConnected(n, in, w, y, op.act(), outDepth);
        int filterOffset = -(int) QuantParams.zeroPoint(n, w, "weights");
        weightedPreamble(out, q, sym.arena(in.id()), sym.constant(w.id()), sym.arena(y.id()));
        String bias = bias(g, n, 2, sym);
        if (filterOffset == 0 && outDepth >= 2) {
            // two outputs per pass over the input (tf_dot_x2), the last one alone when their number is odd
            out.append(String.format(Locale.ROOT, """
                        for (int32_t b = 0; b < %d; ++b) {
                            const int8_t *x = in + b * %d;
                            int32_t oc = 0;
                            for (; oc + 2 <= %d; oc += 2) {
                                int32_t acc0 = %s, acc1 = %s;
                                tf_dot_x2(x, w + oc * %d, w + (oc + 1) * %d, %d, %d, &acc0, &acc1);
                                out[oc + %d * b] = tf_requant(acc0, mult[oc], shift[oc], %d, %d, %d);
                                out[oc + 1 + %d * b] = tf_requant(acc1, mult[oc + 1], shift[oc + 1], %d, %d, %d);
                            }
                            if (oc < %d) out[oc + %d * b] = tf_requant(tf_dot(x, w + oc * %d, %d, %d, %s), mult[oc], shift[oc], %d, %d, %d);
                        }
                    """, batches, accumDepth, outDepth, bias, bias.replace("[oc]", "[oc + 1]"), accumDepth, accumDepth, accumDepth, q.inputOffset(),
                    outDepth, q.outputOffset(), q.actMin(), q.actMax(), outDepth, q.outputOffset(), q.actMin(), q.actMax(),
                    outDepth, outDepth, accumDepth, accumDepth, q.inputOffset(), bias, q.outputOffset(), q.actMin(), q.actMax()));
            return;
        }
        out.append(String.format(Locale.ROOT, """
                    for (int32_t b = 0; b < %d; ++b) {
                        for (int32_t oc = 0; oc < %d; ++oc) {
                            int32_t acc = tf_dot2(in + b * %d, w + oc * %d, %d, %d, %d, %s);
                            out[oc + %d * b] = tf_requant(acc, mult[oc], shift[oc], %d, %d, %d);
                        }
                    }
                """, batches, outDepth, accumDepth, accumDepth, accumDepth,
                q.inputOffset(), filterOffset, bias, outDepth, q.outputOffset(), q.actMin(), q.actMax()));
    }

    private static void addSub(StringBuilder out, Graph g, Node n, Op.Act act, boolean sub, Symbols sym) {
        Tensor x = g.tensor(n.input(0)), yIn = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        BinaryKernel.AddSubQuant q = BinaryKernel.addSubQuant(n, x, yIn, y, act, sub);
        String call = String.format(Locale.ROOT, "tf_addsub_s8(x[%%s], z[%%s], %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d)",
                sub ? 1 : 0, q.in1Offset(), q.in2Offset(), q.leftShift(), q.m1(), q.s1(), q.m2(), q.s2(), q.mOut(), q.sOut(), q.outOffset(), q.actMin(), q.actMax());
        elementwise(out, g, n, call, sym);
    }

    private static void mul(StringBuilder out, Graph g, Node n, Op.Act act, Symbols sym) {
        BinaryKernel.MulQuant q = BinaryKernel.mulQuant(n, g.tensor(n.input(0)), g.tensor(n.input(1)), g.tensor(n.output(0)), act);
        String call = String.format(Locale.ROOT, "tf_mul_s8(x[%%s], z[%%s], %d, %d, %d, %d, %d, %d, %d)",
                q.in1Offset(), q.in2Offset(), q.m(), q.s(), q.outOffset(), q.actMin(), q.actMax());
        elementwise(out, g, n, call, sym);
    }

    /** A binary int8 op's loop: {@code call} formats with the two inputs' indices; broadcast by a loop nest when the shapes differ. */
    private static void elementwise(StringBuilder out, Graph g, Node n, String call, Symbols sym) {
        Tensor x = g.tensor(n.input(0)), yIn = g.tensor(n.input(1)), y = g.tensor(n.output(0));
        out.append("    const int8_t *x = ").append(data(g, x.id(), sym)).append(";\n");
        out.append("    const int8_t *z = ").append(data(g, yIn.id(), sym)).append(";\n");
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        int total = y.shape().elements();
        if (x.shape().elements() == total && yIn.shape().elements() == total) {
            out.append("    for (int32_t i = 0; i < ").append(total).append("; ++i) out[i] = ").append(String.format(call, "i", "i")).append(";\n");
            return;
        }
        int[] dims = y.shape().dims();
        int[] s1 = broadcastStrides(x.shape().dims(), dims), s2 = broadcastStrides(yIn.shape().dims(), dims);
        StringBuilder i1 = new StringBuilder("0"), i2 = new StringBuilder("0");
        out.append("    int32_t i = 0;\n");
        for (int d = 0; d < dims.length; d++) {
            out.append("    ".repeat(d + 1)).append("for (int32_t d").append(d).append(" = 0; d").append(d).append(" < ").append(dims[d]).append("; ++d").append(d).append(")\n");
            if (s1[d] != 0) i1.append(" + d").append(d).append(" * ").append(s1[d]);
            if (s2[d] != 0) i2.append(" + d").append(d).append(" * ").append(s2[d]);
        }
        out.append("    ".repeat(dims.length + 1)).append("out[i++] = ").append(String.format(call, i1, i2)).append(";\n");
    }

    /** Strides of {@code in} aligned to {@code out} at the right, 0 along a broadcast dimension. */
    private static int[] broadcastStrides(int[] in, int[] out) {
        int[] aligned = new int[out.length];
        Arrays.fill(aligned, 1);
        System.arraycopy(in, 0, aligned, out.length - in.length, in.length);
        int[] strides = KernelSupport.strides(aligned);
        for (int d = 0; d < out.length; d++) if (aligned[d] == 1) strides[d] = 0;
        return strides;
    }

    private static void copy(StringBuilder out, Graph g, Node n, ArenaPlan plan, Symbols sym) {
        int in = n.input(0), o = n.output(0);
        if (plan.offset(in) == plan.offset(o)) {
            out.append("    /* the output already holds the input's bytes */\n");
            return;
        }
        out.append("    memcpy(").append(sym.arena(o)).append(", ").append(sym.arena(in)).append(", ").append(g.tensor(o).bytes()).append(");\n");
    }

    private static void softmax(StringBuilder out, Graph g, Node n, Op.Softmax op, Symbols sym) {
        Tensor in = g.tensor(n.input(0));
        int depth = in.shape().dim(-1);
        int rows = depth == 0 ? 0 : in.shape().elements() / depth;
        KernelParams.Softmax p = KernelParams.softmax(op.beta(), QuantParams.scale(n, in, "input"), 8);
        out.append(String.format(Locale.ROOT, "    tf_softmax_s8(%s, %s, %d, %d, %d, %d, %d);\n",
                sym.arena(in.id()), sym.arena(n.output(0)), rows, depth, p.inputMultiplier(), p.inputLeftShift(), p.diffMin()));
    }

    private static void quantize(StringBuilder out, Graph g, Node n, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        FixedPoint.Multiplier m = KernelParams.requantize(QuantParams.scale(n, in, "input"), QuantParams.scale(n, y, "output"));
        out.append(String.format(Locale.ROOT, """
                    const int8_t *x = %s;
                    int8_t *out = %s;
                    for (int32_t i = 0; i < %d; ++i) out[i] = (int8_t)tf_clamp(tf_mbqm((int32_t)x[i] - %d, %d, %d) + %d, -128, 127);
                """, sym.arena(in.id()), sym.arena(y.id()), y.shape().elements(), QuantParams.zeroPoint(n, in, "input"), m.multiplier(), m.shift(),
                QuantParams.zeroPoint(n, y, "output")));
    }

    private static void concat(StringBuilder out, Graph g, Node n, Op.Concat op, Symbols sym) {
        Tensor y = g.tensor(n.output(0));
        int rank = y.shape().rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        int outer = 1;
        for (int d = 0; d < axis; d++) outer *= y.shape().dim(d);
        int inner = 1;
        for (int d = axis + 1; d < rank; d++) inner *= y.shape().dim(d);
        int row = y.shape().dim(axis) * inner;
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        int pos = 0;
        for (int k = 0; k < n.inputCount(); k++) {
            Tensor t = g.tensor(n.input(k));
            int chunk = t.shape().dim(axis) * inner;
            out.append(String.format(Locale.ROOT, "    for (int32_t o = 0; o < %d; ++o) memcpy(out + o * %d + %d, %s + o * %d, %d);\n",
                    outer, row, pos, data(g, t.id(), sym), chunk, chunk));
            pos += chunk;
        }
    }

    private static void pad(StringBuilder out, Graph g, Node n, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        int[] p = KernelSupport.ints(n, g.tensor(n.input(1)), "paddings");
        int value = n.hasInput(2) ? g.tensor(n.input(2)).data()[0] : QuantParams.zeroPoint(n, y, "output");
        int[] xd = in.shape().dims(), yd = y.shape().dims();
        int rank = xd.length;
        int[] xs = KernelSupport.strides(xd), ys = KernelSupport.strides(yd);
        if (in.bytes() > 0 && sym.arena(in.id()).equals(sym.arena(y.id()))) {
            padInPlace(out, in, y, p, value, sym);
            return;
        }
        out.append("    const int8_t *x = ").append(sym.arena(in.id())).append(";\n");
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        out.append("    memset(out, ").append(value).append(", ").append(y.bytes()).append(");\n");
        if (in.bytes() == 0) return;
        StringBuilder src = new StringBuilder("0"), dst = new StringBuilder(String.valueOf(rank == 0 ? 0 : p[2 * (rank - 1)]));
        for (int d = 0; d < rank - 1; d++) {
            out.append("    ".repeat(d + 1)).append("for (int32_t d").append(d).append(" = 0; d").append(d).append(" < ").append(xd[d]).append("; ++d").append(d).append(")\n");
            src.append(" + d").append(d).append(" * ").append(xs[d]);
            dst.append(" + (d").append(d).append(" + ").append(p[2 * d]).append(") * ").append(ys[d]);
        }
        out.append("    ".repeat(Math.max(rank, 1))).append("memcpy(out + ").append(dst).append(", x + ").append(src).append(", ")
                .append(rank == 0 ? 1 : xd[rank - 1]).append(");\n");
    }

    /**
     * PAD written over its input (same offset): the output's innermost rows last to first, each row's
     * input copied into place last byte first (its output offset is never below its input offset, and every input row
     * still to be moved lies below it), then its border filled; rows of only border are filled whole.
     */
    private static void padInPlace(StringBuilder out, Tensor in, Tensor y, int[] p, int value, Symbols sym) {
        int[] xd = in.shape().dims(), yd = y.shape().dims();
        int rank = xd.length, last = rank - 1;
        int[] xs = KernelSupport.strides(xd), ys = KernelSupport.strides(yd);
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        StringBuilder inside = new StringBuilder("1"), src = new StringBuilder("0"), dst = new StringBuilder("0");
        for (int d = 0; d < last; d++) {
            String v = "d" + d;
            out.append("    ".repeat(d + 1)).append("for (int32_t ").append(v).append(" = ").append(yd[d] - 1).append("; ").append(v).append(" >= 0; --").append(v).append(")\n");
            inside.append(" && ").append(v).append(" >= ").append(p[2 * d]).append(" && ").append(v).append(" < ").append(p[2 * d] + xd[d]);
            src.append(" + (").append(v).append(" - ").append(p[2 * d]).append(") * ").append(xs[d]);
            dst.append(" + ").append(v).append(" * ").append(ys[d]);
        }
        String ind = "    ".repeat(rank);
        out.append("    ".repeat(Math.max(rank - 1, 0) + 1)).append("{\n");
        out.append(ind).append("int8_t *row = out + ").append(dst).append(";\n");
        out.append(ind).append("if (").append(inside).append(") {\n");
        // last byte first: the row's destination is never below its source
        out.append(ind).append("    const int8_t *x = out + ").append(src).append(";\n");
        out.append(ind).append("    for (int32_t i = ").append(xd[last] - 1).append("; i >= 0; --i) row[").append(p[2 * last]).append(" + i] = x[i];\n");
        if (p[2 * last] > 0) out.append(ind).append("    memset(row, ").append(value).append(", ").append(p[2 * last]).append(");\n");
        if (p[2 * last + 1] > 0) out.append(ind).append("    memset(row + ").append(p[2 * last] + xd[last]).append(", ").append(value).append(", ").append(p[2 * last + 1]).append(");\n");
        out.append(ind).append("} else {\n");
        out.append(ind).append("    memset(row, ").append(value).append(", ").append(yd[last]).append(");\n");
        out.append(ind).append("}\n");
        out.append("    ".repeat(Math.max(rank - 1, 0) + 1)).append("}\n");
    }

    private static void slice(StringBuilder out, Graph g, Node n, Op.StridedSlice op, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        int[] begin = KernelSupport.ints(n, g.tensor(n.input(1)), "begin");
        int[] end = KernelSupport.ints(n, g.tensor(n.input(2)), "end");
        int[] strides = KernelSupport.ints(n, g.tensor(n.input(3)), "strides");
        int[] dims = in.shape().dims();
        int[] st = KernelSupport.strides(dims);
        out.append("    const int8_t *x = ").append(sym.arena(in.id())).append(";\n");
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        out.append("    int32_t i = 0;\n");
        StringBuilder index = new StringBuilder("0");
        for (int d = 0; d < dims.length; d++) {
            int start = KernelParams.sliceStart(begin[d], strides[d], (op.beginMask() & (1 << d)) != 0, dims[d]);
            int stop = KernelParams.sliceStop(end[d], strides[d], (op.endMask() & (1 << d)) != 0, (op.shrinkAxisMask() & (1 << d)) != 0,
                    op.offset(), dims[d], start);
            String v = "d" + d;
            out.append("    ".repeat(d + 1)).append(String.format(Locale.ROOT, "for (int32_t %s = %d; %s %s %d; %s += %d)\n",
                    v, start, v, strides[d] > 0 ? "<" : ">", stop, v, strides[d]));
            index.append(" + ").append(v).append(" * ").append(st[d]);
        }
        out.append("    ".repeat(dims.length + 1)).append("out[i++] = x[").append(index).append("];\n");
    }

    private static void transpose(StringBuilder out, Graph g, Node n, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        int[] perm = KernelSupport.ints(n, g.tensor(n.input(1)), "perm");
        int[] st = KernelSupport.strides(in.shape().dims());
        out.append("    const int8_t *x = ").append(sym.arena(in.id())).append(";\n");
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        out.append("    int32_t i = 0;\n");
        StringBuilder index = new StringBuilder("0");
        for (int d = 0; d < perm.length; d++) {
            String v = "d" + d;
            out.append("    ".repeat(d + 1)).append(String.format(Locale.ROOT, "for (int32_t %s = 0; %s < %d; %s++)\n", v, v, y.shape().dim(d), v));
            index.append(" + ").append(v).append(" * ").append(st[perm[d]]);
        }
        out.append("    ".repeat(perm.length + 1)).append("out[i++] = x[").append(index).append("];\n");
    }

    /** RESIZE_NEAREST_NEIGHBOR copies pixels by index tables; RESIZE_BILINEAR in TFLite's 10-bit fixed point (ResizeKernel's tables). */
    private static void resize(StringBuilder out, Graph g, Node n, Op.Resize op, Symbols sym) {
        Tensor in = g.tensor(n.input(0)), y = g.tensor(n.output(0));
        int batches = in.shape().dim(0), inH = in.shape().dim(1), inW = in.shape().dim(2), c = in.shape().dim(3);
        int outH = y.shape().dim(1), outW = y.shape().dim(2);
        out.append("    const int8_t *x = ").append(sym.arena(in.id())).append(";\n");
        out.append("    int8_t *out = ").append(sym.arena(y.id())).append(";\n");
        if (op.mode() == Op.ResizeMode.NEAREST) {
            int[] ys = new int[outH], xs = new int[outW];
            for (int i = 0; i < outH; i++) ys[i] = ResizeKernel.nearest(i, inH, outH, op.alignCorners(), op.halfPixelCenters());
            for (int i = 0; i < outW; i++) xs[i] = ResizeKernel.nearest(i, inW, outW, op.alignCorners(), op.halfPixelCenters());
            out.append("    static const int32_t ys[").append(outH).append("] = {").append(ints(ys)).append("};\n");
            out.append("    static const int32_t xs[").append(outW).append("] = {").append(ints(xs)).append("};\n");
            out.append(String.format(Locale.ROOT, "    for (int32_t b = 0; b < %d; b++)\n", batches));
            out.append(String.format(Locale.ROOT, "        for (int32_t y = 0; y < %d; y++)\n", outH));
            out.append(String.format(Locale.ROOT, "            for (int32_t c = 0; c < %d; c++) {\n", outW));
            out.append(String.format(Locale.ROOT, "                memcpy(out, x + b * %d + (ys[y] * %d + xs[c]) * %d, %d);\n", inH * inW * c, inW, c, c));
            out.append(String.format(Locale.ROOT, "                out += %d;\n", c));
            out.append("            }\n");
            return;
        }
        int[][] ty = ResizeKernel.bilinearTables10(inH, outH, op.alignCorners(), op.halfPixelCenters());
        int[][] tx = ResizeKernel.bilinearTables10(inW, outW, op.alignCorners(), op.halfPixelCenters());
        String[] names = {"y0", "y1", "fy", "x0", "x1", "fx"};
        for (int k = 0; k < 6; k++) {
            int[] v = k < 3 ? ty[k] : tx[k - 3];
            out.append("    static const int32_t ").append(names[k]).append("[").append(v.length).append("] = {").append(ints(v)).append("};\n");
        }
        out.append(String.format(Locale.ROOT, "    for (int32_t b = 0; b < %d; b++) {\n", batches));
        out.append(String.format(Locale.ROOT, "        const int8_t *p = x + b * %d;\n", inH * inW * c));
        out.append(String.format(Locale.ROOT, "        for (int32_t y = 0; y < %d; y++)\n", outH));
        out.append(String.format(Locale.ROOT, "            for (int32_t q = 0; q < %d; q++) {\n", outW));
        out.append("                const int64_t dy = fy[y], dx = fx[q];\n");
        out.append(String.format(Locale.ROOT, "                const int8_t *p00 = p + (y0[y] * %d + x0[q]) * %d, *p10 = p + (y1[y] * %d + x0[q]) * %d;\n", inW, c, inW, c));
        out.append(String.format(Locale.ROOT, "                const int8_t *p01 = p + (y0[y] * %d + x1[q]) * %d, *p11 = p + (y1[y] * %d + x1[q]) * %d;\n", inW, c, inW, c));
        out.append(String.format(Locale.ROOT, "                for (int32_t c = 0; c < %d; c++) {\n", c));
        out.append("                    const int64_t s = (int64_t)p00[c] * (1024 - dy) * (1024 - dx) + (int64_t)p10[c] * dy * (1024 - dx)\n");
        out.append("                            + (int64_t)p01[c] * (1024 - dy) * dx + (int64_t)p11[c] * dy * dx;\n");
        out.append("                    *out++ = (int8_t)((s + (s > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20));\n");
        out.append("                }\n");
        out.append("            }\n");
        out.append("    }\n");
    }
}
