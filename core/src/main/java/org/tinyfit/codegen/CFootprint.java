package org.tinyfit.codegen;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.quant.QuantParams;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.quant.ConvQuant;

/**
 * The flash and RAM a generated project takes on a Cortex-M, predicted without a compiler: what
 * {@code arm-none-eabi-size} reports for the project's {@code -Os} image ({@code make arm}), flash =
 * text + data, RAM = data + bss.
 *
 * <p>Most of it is exact: the weights ({@code model_weights.c}), the per-channel requantization tables,
 * {@code tf_conv_args} constants and other constant arrays of {@code model.c} (read from the generated
 * source), the static arena, the im2col column, and the test driver's input and output buffers. The
 * machine code follows the generated code's structure: the shared kernels of {@code tinyfit_kernels.h}
 * ({@code TF_SHARED}: never inlined nor specialised, so the same bytes in every image) once per image
 * that uses them; one function per node (never inlined into {@code model_invoke}), by the variant the
 * generator emits for it, counted once per distinct body since gcc folds identical functions; a call
 * per node in {@code model_invoke}; and the image's fixed part (vector table, startup, semihosting
 * driver, newlib's {@code memcpy}/{@code memset}). The figures are {@code arm-none-eabi-nm -S} sizes
 * from {@code arm-none-eabi-gcc} 12.2 with the Makefile's flags ({@code -Os -mcpu=cortex-m4}; the convolution kernels marked {@code TF_SHARED_FAST} at -O2); a node
 * function that gcc specialises for its constants is its variant's mean over 73 images (random graphs
 * and the shared models), within tens of bytes. Other compilers, options or cores change them.
 */
public final class CFootprint {
    private CFootprint() {}

    /**
     * @param flashBytes predicted text + data of the image
     * @param ramBytes predicted data + bss of the image
     * @param codeBytes the estimated machine code within {@code flashBytes} (kernels, invoke, fixed part)
     * @param constantBytes the exact constant data within {@code flashBytes}: weights and {@code model.c}'s tables
     * @param bufferBytes the exact static buffers: arena, column, input and output buffers, counters
     */
    public record Footprint(long flashBytes, long ramBytes, long codeBytes, long constantBytes, long bufferBytes) {}

    /** Vector table, startup, semihosting driver and the newlib routines the image links (bytes of text). */
    static final int IMAGE_FIXED = 2060;
    /** The shared softmax kernels ({@code tf_softmax_s8}, {@code tf_exp_neg}, {@code tf_one_over_one_plus_x}), once per image that has a softmax. */
    static final int SOFTMAX_KERNELS = 380 + 388 + 216;
    /** The shared column convolution ({@code tf_conv_col}, {@code tf_col_pixel}, {@code tf_conv_2x2}, {@code tf_conv_2x2_r}), once per image that has one. */
    static final int CONV_KERNELS = 1334 + 974 + 1172 + 302;
    /** The shared planar 3x3 depthwise kernels ({@code tf_dw_rows}, {@code tf_dw3x3}), once per image that has one. */
    static final int DW3X3_KERNELS = 204 + 1448;
    /** A planar 3x3 depthwise node function: its loops over channels and bands of rows, calling both kernels. */
    static final int DW3X3_NODE = 162;
    /** The same with a depth multiplier: a loop over the multiplier's output channels around {@code tf_dw3x3}. */
    static final int DW3X3_MULTIPLIER_NODE = 200;
    /** A column convolution's node function: the address of its {@code tf_conv_args} and a jump to {@code tf_conv_col}. */
    static final int CONV_NODE = 12;
    /** {@code sizeof(tf_conv_args)}: eight pointers and 25 int16 fields (padded to 26), a constant in flash per column convolution. */
    static final int CONV_ARGS = 8 * 4 + 26 * 2;
    static final int INVOKE_BASE = 36, INVOKE_PER_NODE = 4;

    private static final Pattern ARRAY = Pattern.compile("static const (int8_t|uint8_t|int16_t|int32_t) \\w+\\[(\\d+)\\]");
    private static final Pattern CONV_ARGS_CONSTANT = Pattern.compile("static const tf_conv_args \\w+");

    /** A node's function in {@code model.c}: its id and its body. */
    private static final Pattern NODE_FUNCTION = Pattern.compile("static __attribute__\\(\\(noinline\\)\\) void tf_node_(\\d+)\\(void\\) \\{\\n(.*?)\\n\\}\\n", Pattern.DOTALL);

    public static Footprint predict(CProject.Project p) {
        Graph g = p.layout().graph();
        ArenaPlan plan = p.layout().plan();
        // gcc keeps one copy of identical functions (and of identical constant tables): the nodes of
        // a split schedule that repeat the same band's code are counted once
        Map<Integer, String> bodies = new HashMap<>();
        Matcher fm = NODE_FUNCTION.matcher(p.files().get("model.c"));
        while (fm.find()) bodies.put(Integer.parseInt(fm.group(1)), fm.group(2));
        Set<String> distinct = new HashSet<>();
        long code = IMAGE_FIXED + INVOKE_BASE, tables = 0;
        boolean softmax = false, column = false, planar = false;
        for (Node n : g.nodes()) {
            int bytes = kernelBytes(g, plan, n);
            // a node without code (a reshape whose output is its input's bytes) is not called
            if (bytes > 0) code += INVOKE_PER_NODE;
            String body = bodies.get(n.id());
            if (body == null) throw new IllegalStateException("model.c has no function for " + n.label());
            if (distinct.add(body)) {
                code += bytes;
                tables += tableBytes(body);
            }
            softmax |= n.op() instanceof Op.Softmax;
            column |= bytes == CONV_NODE;
            planar |= bytes == DW3X3_NODE || bytes == DW3X3_MULTIPLIER_NODE;
        }
        if (softmax) code += SOFTMAX_KERNELS;
        if (column) code += CONV_KERNELS;
        if (planar) code += DW3X3_KERNELS;
        long constants = p.weightBytes() + tables;
        long in = 0, out = 0;
        for (int t : g.inputs()) in += g.tensor(t).bytes();
        for (int t : g.outputs()) out += g.tensor(t).bytes();
        long buffers = bssBytes(p.arenaBytes(), p.columnBytes(), in, out);
        return new Footprint(code + constants, buffers, code, constants, buffers);
    }

    /** The constant tables a node function declares: requantization tables, index tables, a {@code tf_conv_args}. */
    private static long tableBytes(String body) {
        long bytes = 0;
        Matcher m = ARRAY.matcher(body);
        while (m.find()) {
            int element = switch (m.group(1)) {
                case "int32_t" -> 4;
                case "int16_t" -> 2;
                default -> 1;
            };
            bytes += roundUp4((long) element * Long.parseLong(m.group(2)));
        }
        Matcher a = CONV_ARGS_CONSTANT.matcher(body);
        while (a.find()) bytes += CONV_ARGS;
        return bytes;
    }

    /**
     * Machine code of one node's function (gcc 12.2, -Os, Cortex-M4): {@link #CONV_NODE} for a
     * column convolution (its loops are the shared {@link #CONV_KERNELS}), otherwise the code the
     * generator specialises for the node, by the variant it emits.
     */
    static int kernelBytes(Graph g, ArenaPlan plan, Node n) {
        return switch (n.op()) {
            case Op.Conv2D c -> {
                int[] f = g.tensor(n.input(1)).shape().dims(), x = g.tensor(n.input(0)).shape().dims();
                yield f[3] != x[3] ? 272 : CONV_NODE; // grouped: a loop nest of its own
            }
            case Op.DepthwiseConv2D d -> {
                int[] f = g.tensor(n.input(1)).shape().dims(), x = g.tensor(n.input(0)).shape().dims(), o = g.tensor(n.output(0)).shape().dims();
                boolean inPlace = plan.inArena(n.input(0)) && plan.offset(n.input(0)) == plan.offset(n.output(0));
                Tensor filter = g.tensor(n.input(1));
                if (CKernels.planar3x3(g, n, d, ConvQuant.conv(n, g.tensor(n.input(0)), filter, g.tensor(n.output(0)), d.act(), f[3]), plan)) {
                    yield f[3] == x[3] ? DW3X3_NODE : DW3X3_MULTIPLIER_NODE;
                }
                if (x[3] == 1 && !inPlace) yield CONV_NODE;
                Windows w = windows(d.padding(), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), x, f[1], f[2], o);
                // the window loops; the unrolled taps when some window is whole; the clipped loop when some is
                // not (gcc shares more of it with the taps when both are there); the scratch plane's copy back
                yield 150 + (w.whole() ? 24 * f[1] * f[2] : 0) + (w.clipped() ? (w.whole() ? 200 : 120) : 0) + (inPlace ? (w.clipped() ? 30 : 80) : 0);
            }
            case Op.FullyConnected f -> fullyConnectedBytes(g, n);
            case Op.Pool2D p -> p.pool() == Op.PoolKind.AVG ? 166 : 182;
            case Op.Add a -> addSub(g, n);
            case Op.Sub s -> addSub(g, n);
            // the same loops around a shorter requantization: a searched model's input scaling by a scalar
            // (arm-none-eabi-gcc -Os, Cortex-M4) compiled to 108 B for its MUL's function and 112 B for its ADD's
            case Op.Mul m -> addSub(g, n) - 4;
            case Op.Reshape r -> copyBytes(plan, n);
            case Op.Dropout d -> copyBytes(plan, n);
            case Op.Softmax s -> 46;
            case Op.Quantize q -> 67;
            case Op.Concat c -> 30 + 18 * n.inputs().length; // one copy loop per input
            case Op.Pad p -> 72;
            case Op.StridedSlice s -> 59;
            // measured on the int8 models of ResizeTransposeModels (arm-none-eabi-gcc -Os, Cortex-M4): the
            // index-table loops of a transpose or a nearest resize, the 10-bit interpolation of a bilinear one
            case Op.Transpose t -> 88;
            // (132 B when one direction keeps a single row or column: that direction's interpolation folds away)
            case Op.Resize r -> {
                if (r.mode() == Op.ResizeMode.NEAREST) yield 88;
                int[] x = g.tensor(n.input(0)).shape().dims(), o = g.tensor(n.output(0)).shape().dims();
                yield (x[1] == 1 && o[1] == 1) || (x[2] == 1 && o[2] == 1) ? 132 : 472;
            }
            // the generator refuses these (CProject.requireSupported), so a project never holds them
            case Op.TransposeConv t -> 0;
            case Op.Relu r -> 0;
            case Op.Relu6 r -> 0;
            case Op.Logistic l -> 0;
            case Op.Tanh t -> 0;
            case Op.LeakyRelu l -> 0;
            case Op.Mean m -> 0;
            case Op.Dequantize d -> 0;
            case Op.BatchNorm b -> 0;
            case Op.Svdf s -> 0;
            case Op.UnidirectionalSequenceLstm s -> 0;
            case Op.BidirectionalSequenceLstm s -> 0;
            case Op.Opaque o -> 0;
        };
    }

    /**
     * A fully connected node: outputs two at a time ({@code tf_dot_x2}, its SMLAD loop written out) with
     * an odd last output alone, measured with {@code arm-none-eabi-nm -S} (Cortex-M4, {@code -Os}) over
     * shapes from 2x1 to 100x16: a whole pass 336 B, +50 B for an input count not a multiple of 4 (the
     * scalar rest), -20 B for fewer than 4 inputs (no word loop); one or two pairs of outputs unroll the
     * pass away (240 B); an odd output count adds the single dot product (+96 to +124 B); one output is
     * the single dot product alone (104-132 B); weights with a zero point keep the one-at-a-time loop.
     */
    static int fullyConnectedBytes(Graph g, Node n) {
        int[] w = g.tensor(n.input(1)).shape().dims();
        int outputs = w[0], inputs = w[1];
        // the generator's own test (CKernels.fullyConnected): weights with a zero point take tf_dot2
        if (QuantParams.zeroPoint(n, g.tensor(n.input(1)), "weights") != 0) return outputs == 1 || inputs < 4 ? 153 : 219; // the loop of tf_dot2's offset path
        if (outputs == 1) return inputs < 4 ? 104 : 132;
        int bytes = outputs < 4 ? 240 : 336 + (inputs < 4 ? -20 : inputs % 4 != 0 ? 50 : 0);
        if (outputs % 2 == 1) bytes += inputs < 4 ? 96 : 124;
        return bytes;
    }

    /** A copy's function calls memcpy, unless the plan already put the output over the input (then no code). */
    private static int copyBytes(ArenaPlan plan, Node n) { return plan.offset(n.input(0)) == plan.offset(n.output(0)) ? 0 : 16; }

    /** Whether some output pixel's window lies wholly inside the input, and whether some pixel's window does not. */
    record Windows(boolean whole, boolean clipped) {}

    static Windows windows(Op.Padding padding, int sH, int sW, int dH, int dW, int[] x, int kH, int kW, int[] o) {
        int padH = ShapeInference.padBefore(x[1], kH, sH, dH, padding), padW = ShapeInference.padBefore(x[2], kW, sW, dW, padding);
        boolean whole = false, clipped = false;
        for (int oy = 0; oy < o[1]; oy++) {
            int iy = oy * sH - padH;
            boolean rowInside = iy >= 0 && iy + (kH - 1) * dH < x[1];
            for (int ox = 0; ox < o[2]; ox++) {
                int ix = ox * sW - padW;
                if (rowInside && ix >= 0 && ix + (kW - 1) * dW < x[2]) whole = true;
                else clipped = true;
            }
        }
        return new Windows(whole, clipped);
    }

    /** One flat loop when both operands have the output's shape, a loop nest with broadcast indexing otherwise. */
    private static int addSub(Graph g, Node n) {
        long total = g.tensor(n.output(0)).shape().elements();
        return g.tensor(n.input(0)).shape().elements() == total && g.tensor(n.input(1)).shape().elements() == total ? 187 : 210;
    }

    /**
     * The image's .bss as the linker lays it out: the column, the arena (16-byte aligned), the SysTick
     * counter, then the driver's output and input buffers (word-aligned from 4 bytes on), ending on a word.
     */
    static long bssBytes(long arena, long column, long in, long out) {
        long at = column;
        at = (at + 15) & ~15L;
        at += Math.max(arena, 1);
        at = roundUp4(at) + 4;
        for (long buffer : new long[] {Math.max(out, 1), Math.max(in, 1)}) {
            if (buffer >= 4) at = roundUp4(at);
            at += buffer;
        }
        return roundUp4(at);
    }

    private static long roundUp4(long v) { return (v + 3) & ~3L; }
}
