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

/**
 * RESIZE_NEAREST_NEIGHBOR (any element type: it copies) and RESIZE_BILINEAR (float32 and int8) on NHWC
 * tensors with a constant size, bit-exact with TFLite's reference kernels: nearest picks the source
 * pixel in float arithmetic (floor, or round half away from zero with align_corners); bilinear
 * interpolates in float for float32 and, for int8, in fixed point with 10 fractional bits (scale
 * rounded to nearest, the sum of the four products rounded half away from zero at 20 bits).
 * Input and output share their quantization (the op does not requantize).
 */
public final class ResizeKernel implements Kernel {

    @Override
    public PreparedKernel prepare(Node node, Graph g) {
        Op.Resize op = (Op.Resize) node.op();
        Tensor in = KernelSupport.input(g, node, 0, "input");
        Tensor sizeT = KernelSupport.input(g, node, 1, "size");
        KernelSupport.requireConstant(node, sizeT, "size");
        int[] size = KernelSupport.ints(node, sizeT, "size");
        Tensor out = KernelSupport.output(g, node, 0);
        KernelSupport.requireRank(node, in, "input 0", 4);
        if (size.length != 2) throw fail(node, "size has " + size.length + " values, expected 2");
        if (in.dtype() != out.dtype()) throw fail(node, "input 0 is " + in.dtype().lower() + ", the output " + out.dtype().lower());
        int batches = in.shape().dim(0), inH = in.shape().dim(1), inW = in.shape().dim(2), depth = in.shape().dim(3);
        int outH = size[0], outW = size[1];
        if (out.shape().rank() != 4 || out.shape().dim(0) != batches || out.shape().dim(1) != outH || out.shape().dim(2) != outW || out.shape().dim(3) != depth) {
            throw fail(node, "the output " + out.shape() + " is not [" + batches + ", " + outH + ", " + outW + ", " + depth + "]");
        }
        int ti = in.id(), to = out.id();
        if (op.mode() == Op.ResizeMode.NEAREST) {
            int[] ys = new int[outH], xs = new int[outW];
            for (int y = 0; y < outH; y++) ys[y] = nearest(y, inH, outH, op.alignCorners(), op.halfPixelCenters());
            for (int x = 0; x < outW; x++) xs[x] = nearest(x, inW, outW, op.alignCorners(), op.halfPixelCenters());
            int pixel = depth * in.dtype().bytes();
            return a -> {
                byte[] src = a.array(ti), dst = a.array(to);
                int base = a.offset(ti), pos = a.offset(to);
                for (int b = 0; b < batches; b++) {
                    int batchBase = base + b * inH * inW * pixel;
                    for (int y = 0; y < outH; y++) {
                        int row = batchBase + ys[y] * inW * pixel;
                        for (int x = 0; x < outW; x++) {
                            System.arraycopy(src, row + xs[x] * pixel, dst, pos, pixel);
                            pos += pixel;
                        }
                    }
                }
            };
        }
        if (op.alignCorners() && op.halfPixelCenters()) throw fail(node, "align_corners and half_pixel_centers cannot both be set");
        if (in.dtype() == DType.I8) return bilinearInt8(op, ti, to, batches, inH, inW, depth, outH, outW);
        KernelSupport.requireDType(node, in, "input 0", DType.F32, DType.I8);
        return bilinearFloat(op, ti, to, batches, inH, inW, depth, outH, outW);
    }

    /** TFLite's GetNearestNeighbor: the input index output index {@code value} copies. */
    public static int nearest(int value, int inSize, int outSize, boolean alignCorners, boolean halfPixelCenters) {
        float scale = alignCorners && outSize > 1 ? (inSize - 1) / (float) (outSize - 1) : inSize / (float) outSize;
        float offset = halfPixelCenters ? 0.5f : 0.0f;
        float v = (value + offset) * scale;
        int r = Math.min(alignCorners ? (int) roundHalfAway(v) : (int) (float) Math.floor(v), inSize - 1);
        return halfPixelCenters ? Math.max(0, r) : r;
    }

    /** C's roundf: half away from zero. */
    static float roundHalfAway(float v) {
        float f = (float) Math.floor(Math.abs(v));
        if (Math.abs(v) - f >= 0.5f) f += 1f;
        return Math.copySign(f, v);
    }

    private static PreparedKernel bilinearFloat(Op.Resize op, int ti, int to, int batches, int inH, int inW, int depth, int outH, int outW) {
        float hScale = (float) inH / outH, wScale = (float) inW / outW;
        if (op.alignCorners() && outH > 1) hScale = (float) (inH - 1) / (outH - 1);
        if (op.alignCorners() && outW > 1) wScale = (float) (inW - 1) / (outW - 1);
        float[] fy = new float[outH], fx = new float[outW];
        int[] y0 = new int[outH], y1 = new int[outH], x0 = new int[outW], x1 = new int[outW];
        for (int y = 0; y < outH; y++) interpolation(y, hScale, op.halfPixelCenters(), inH, fy, y0, y1);
        for (int x = 0; x < outW; x++) interpolation(x, wScale, op.halfPixelCenters(), inW, fx, x0, x1);
        return a -> {
            int o = 0;
            for (int b = 0; b < batches; b++) {
                int bb = b * inH * inW * depth;
                for (int y = 0; y < outH; y++) {
                    float dy = fy[y] - y0[y];
                    for (int x = 0; x < outW; x++) {
                        float dx = fx[x] - x0[x];
                        int i00 = bb + (y0[y] * inW + x0[x]) * depth, i10 = bb + (y1[y] * inW + x0[x]) * depth;
                        int i01 = bb + (y0[y] * inW + x1[x]) * depth, i11 = bb + (y1[y] * inW + x1[x]) * depth;
                        for (int c = 0; c < depth; c++) {
                            float v = a.f32(ti, i00 + c) * (1 - dy) * (1 - dx)
                                    + a.f32(ti, i10 + c) * dy * (1 - dx)
                                    + a.f32(ti, i01 + c) * (1 - dy) * dx
                                    + a.f32(ti, i11 + c) * dy * dx
                                    + 0.0f;
                            a.setF32(to, o++, v);
                        }
                    }
                }
            }
        };
    }

    private static void interpolation(int value, float scale, boolean halfPixelCenters, int inSize, float[] scaled, int[] lower, int[] upper) {
        float s = halfPixelCenters ? (value + 0.5f) * scale - 0.5f : value * scale;
        scaled[value] = s;
        lower[value] = Math.max((int) (float) Math.floor(s), 0);
        upper[value] = Math.min((int) (float) Math.ceil(s), inSize - 1);
    }

    private static PreparedKernel bilinearInt8(Op.Resize op, int ti, int to, int batches, int inH, int inW, int depth, int outH, int outW) {
        int[][] ty = bilinearTables10(inH, outH, op.alignCorners(), op.halfPixelCenters());
        int[][] tx = bilinearTables10(inW, outW, op.alignCorners(), op.halfPixelCenters());
        int[] y0 = ty[0], y1 = ty[1], fy = ty[2], x0 = tx[0], x1 = tx[1], fx = tx[2];
        return a -> {
            byte[] src = a.array(ti), dst = a.array(to);
            int base = a.offset(ti), pos = a.offset(to);
            for (int b = 0; b < batches; b++) {
                int bb = base + b * inH * inW * depth;
                for (int y = 0; y < outH; y++) {
                    long dy = fy[y];
                    for (int x = 0; x < outW; x++) {
                        long dx = fx[x];
                        int i00 = bb + (y0[y] * inW + x0[x]) * depth, i10 = bb + (y1[y] * inW + x0[x]) * depth;
                        int i01 = bb + (y0[y] * inW + x1[x]) * depth, i11 = bb + (y1[y] * inW + x1[x]) * depth;
                        for (int c = 0; c < depth; c++) {
                            long sum = src[i00 + c] * ((1 << 10) - dy) * ((1 << 10) - dx)
                                    + src[i10 + c] * dy * ((1 << 10) - dx)
                                    + src[i01 + c] * ((1 << 10) - dy) * dx
                                    + src[i11 + c] * dy * dx;
                            long round = sum > 0 ? 1 << 19 : -(1 << 19);
                            dst[pos++] = (byte) ((sum + round) / (1 << 20));
                        }
                    }
                }
            }
        };
    }

    /**
     * The integer bilinear kernel's per-output-index tables along one axis: {lower source index, upper
     * source index, the position's fraction past the lower index in 1/1024ths}.
     */
    public static int[][] bilinearTables10(int inSize, int outSize, boolean alignCorners, boolean halfPixelCenters) {
        int scale = ((1 << 10) * inSize + outSize / 2) / outSize;
        if (alignCorners && outSize > 1) scale = ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1);
        int[] scaled = new int[outSize], lower = new int[outSize], upper = new int[outSize], frac = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            interpolation10(i, scale, halfPixelCenters, inSize, scaled, lower, upper);
            frac[i] = scaled[i] - (1 << 10) * lower[i];
        }
        return new int[][] {lower, upper, frac};
    }

    private static void interpolation10(int value, int scale10, boolean halfPixelCenters, int inSize, int[] scaled, int[] lower, int[] upper) {
        int s = halfPixelCenters ? value * scale10 + scale10 / 2 - (1 << 9) : value * scale10;
        scaled[value] = s;
        lower[value] = Math.max(s / (1 << 10), 0);
        upper[value] = Math.min((s + (1 << 10) - 1) / (1 << 10), inSize - 1);
    }
}
