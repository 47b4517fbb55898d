package org.tinyfit.codegen;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;

/**
 * The flash and RAM a generated project takes on a Cortex-M, predicted without a compiler: what
 * {@code arm-none-eabi-size} reports for the project's {@code -Os} image ({@code make arm}), flash =
 * text + data, RAM = data + bss.
 *
 * <p>Most of it is exact: the weights ({@code model_weights.c}), the per-channel requantization tables
 * and other constant arrays of {@code model.c} (read from the generated source), the static arena, the
 * im2col column, and the test driver's input and output buffers. The machine code is estimated: bytes
 * per generated kernel by op (a depthwise convolution adds bytes per unrolled filter tap), the softmax
 * helpers once, {@code model_invoke}'s calls, and the image's fixed part (vector table, startup,
 * semihosting driver, newlib's {@code memcpy}/{@code memset}). Those figures were measured with
 * {@code arm-none-eabi-gcc} 12.2 {@code -Os -mcpu=cortex-m4} ({@code arm-none-eabi-nm -S} of each
 * kernel function compiled without inlining); other compilers, options or cores change them.
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
    /** The softmax helpers ({@code tf_softmax_s8}, {@code tf_exp_neg}, {@code tf_one_over_one_plus_x}), once per image. */
    static final int SOFTMAX_HELPERS = 1116;
    /** {@code tf_conv_2x2}, once per image with a column convolution. */
    static final int CONV_HELPER = 536;
    static final int INVOKE_BASE = 40, INVOKE_PER_NODE = 6, INVOKE_PER_COPY = 12;

    private static final Pattern ARRAY = Pattern.compile("static const (int8_t|uint8_t|int16_t|int32_t) \\w+\\[(\\d+)\\]");

    public static Footprint predict(CProject.Project p) {
        Graph g = p.layout().graph();
        long code = IMAGE_FIXED + INVOKE_BASE + (long) INVOKE_PER_COPY * (g.inputs().length + g.outputs().length);
        boolean softmax = false;
        for (Node n : g.nodes()) {
            code += INVOKE_PER_NODE + kernelBytes(g, n);
            softmax |= n.op() instanceof Op.Softmax;
        }
        if (softmax) code += SOFTMAX_HELPERS;
        if (p.columnBytes() > 0) code += CONV_HELPER;
        long tables = 0;
        Matcher m = ARRAY.matcher(p.files().get("model.c"));
        while (m.find()) {
            int element = switch (m.group(1)) {
                case "int32_t" -> 4;
                case "int16_t" -> 2;
                default -> 1;
            };
            tables += roundUp4((long) element * Long.parseLong(m.group(2)));
        }
        long constants = p.weightBytes() + tables;
        long in = 0, out = 0;
        for (int t : g.inputs()) in += g.tensor(t).bytes();
        for (int t : g.outputs()) out += g.tensor(t).bytes();
        long buffers = bssBytes(p.arenaBytes(), p.columnBytes(), in, out);
        return new Footprint(code + constants, buffers, code, constants, buffers);
    }

    /** Machine code of one node's kernel function (gcc 12.2, -Os, Cortex-M4). */
    static int kernelBytes(Graph g, Node n) {
        return switch (n.op()) {
            case Op.Conv2D c -> {
                int[] f = g.tensor(n.input(1)).shape().dims(), x = g.tensor(n.input(0)).shape().dims(), o = g.tensor(n.output(0)).shape().dims();
                if (f[3] != x[3]) yield 560; // grouped: a plain loop nest
                // the gather and the pixel-pair loop around tf_conv_2x2; a border branch when windows can leave the input
                yield columnConv(c.padding(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), x, f[1], f[2], o);
            }
            case Op.DepthwiseConv2D d -> {
                int[] f = g.tensor(n.input(1)).shape().dims(), x = g.tensor(n.input(0)).shape().dims(), o = g.tensor(n.output(0)).shape().dims();
                if (x[3] == 1 && o[3] != 1) yield columnConv(d.padding(), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(), x, f[1], f[2], o);
                yield 400 + 15 * f[1] * f[2];
            }
            case Op.FullyConnected f -> {
                int[] w = g.tensor(n.input(1)).shape().dims();
                yield w[0] == 1 || w[1] < 4 ? 100 : 175; // one output or a short dot product: loops folded away
            }
            case Op.Pool2D p -> 120;
            case Op.Add a -> addSub(g, n);
            case Op.Sub s -> addSub(g, n);
            case Op.Reshape r -> 16;
            case Op.Dropout d -> 16;
            case Op.Softmax s -> 8;
            case Op.Quantize q -> 100;
            case Op.Concat c -> 40 + 24 * n.inputs().length; // one copy loop per input
            case Op.Pad p -> 68;
            case Op.StridedSlice s -> 72;
            // the generator refuses these (CProject.requireSupported), so a project never holds them
            case Op.TransposeConv t -> 0;
            case Op.Mul m -> 0;
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
            case Op.Transpose t -> 0;
            case Op.Resize r -> 0;
            case Op.Opaque o -> 0;
        };
    }

    /** The column convolution's node function: 176 B, 268 B with the gather's border branch. */
    private static int columnConv(Op.Padding padding, int sH, int sW, int dH, int dW, int[] x, int kH, int kW, int[] o) {
        int padH = org.tinyfit.graph.ShapeInference.padBefore(x[1], kH, sH, dH, padding), padW = org.tinyfit.graph.ShapeInference.padBefore(x[2], kW, sW, dW, padding);
        boolean inside = padH == 0 && padW == 0 && (o[1] - 1) * sH + (kH - 1) * dH < x[1] && (o[2] - 1) * sW + (kW - 1) * dW < x[2];
        return inside ? 176 : 268;
    }

    /** One flat loop when both operands have the output's shape, a loop nest with broadcast indexing otherwise. */
    private static int addSub(Graph g, Node n) {
        long total = g.tensor(n.output(0)).shape().elements();
        return g.tensor(n.input(0)).shape().elements() == total && g.tensor(n.input(1)).shape().elements() == total ? 136 : 330;
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
