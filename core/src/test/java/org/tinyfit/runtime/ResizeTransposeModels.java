package org.tinyfit.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Small TRANSPOSE, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR models (int8 and float, two int16, several shapes
 * and options) that TFLite Micro ran to record {@code resize-transpose-tflm.tsv}. {@code main(dir)}
 * writes them as .tflite files.
 */
public final class ResizeTransposeModels {
    private ResizeTransposeModels() {}

    private static final Quantization Q = Quantization.perTensor(0.05f, -3);
    private static final Quantization Q16 = Quantization.perTensor(0.001f, 0);

    private static Quantization q(DType t) { return t == DType.I8 ? Q : t == DType.I16 ? Q16 : null; }

    public static Map<String, Graph> all() {
        Map<String, Graph> m = new LinkedHashMap<>();
        put(m, transpose("transpose_int8_nhwc_to_nchw", DType.I8, new int[] {1, 5, 6, 3}, 0, 3, 1, 2));
        put(m, transpose("transpose_int8_nchw_to_nhwc", DType.I8, new int[] {1, 3, 5, 6}, 0, 2, 3, 1));
        put(m, transpose("transpose_f32_swap_hw", DType.F32, new int[] {1, 4, 7, 5}, 0, 2, 1, 3));
        put(m, transpose("transpose_int8_rank5", DType.I8, new int[] {2, 3, 1, 4, 5}, 4, 2, 0, 3, 1));
        put(m, transpose("transpose_int8_2d", DType.I8, new int[] {6, 9}, 1, 0));
        put(m, transpose("transpose_f32_rank3", DType.F32, new int[] {3, 4, 5}, 2, 0, 1));
        put(m, transpose("transpose_f32_identity", DType.F32, new int[] {2, 3, 4}, 0, 1, 2));
        for (DType t : new DType[] {DType.I8, DType.F32}) {
            String d = t == DType.I8 ? "int8" : "f32";
            put(m, resize("nearest_" + d + "_up2", t, Op.ResizeMode.NEAREST, false, false, new int[] {1, 4, 5, 3}, 8, 10));
            put(m, resize("nearest_" + d + "_align", t, Op.ResizeMode.NEAREST, true, false, new int[] {1, 5, 7, 2}, 9, 4));
            put(m, resize("nearest_" + d + "_half", t, Op.ResizeMode.NEAREST, false, true, new int[] {1, 6, 4, 3}, 4, 11));
            put(m, resize("nearest_" + d + "_align_half", t, Op.ResizeMode.NEAREST, true, true, new int[] {2, 3, 5, 2}, 7, 3));
            put(m, resize("bilinear_" + d + "_up", t, Op.ResizeMode.BILINEAR, false, false, new int[] {1, 4, 5, 3}, 7, 9));
            put(m, resize("bilinear_" + d + "_align", t, Op.ResizeMode.BILINEAR, true, false, new int[] {2, 5, 6, 2}, 8, 3));
            put(m, resize("bilinear_" + d + "_half", t, Op.ResizeMode.BILINEAR, false, true, new int[] {1, 3, 4, 4}, 6, 9));
            put(m, resize("bilinear_" + d + "_half_down", t, Op.ResizeMode.BILINEAR, false, true, new int[] {1, 9, 7, 2}, 4, 3));
            put(m, resize("bilinear_" + d + "_align_1px", t, Op.ResizeMode.BILINEAR, true, false, new int[] {1, 1, 3, 2}, 1, 5));
        }
        put(m, chain());
        put(m, transpose("transpose_int16_nhwc_to_nchw", DType.I16, new int[] {1, 4, 3, 5}, 0, 3, 1, 2));
        put(m, resize("nearest_int16_half", DType.I16, Op.ResizeMode.NEAREST, false, true, new int[] {1, 3, 5, 2}, 7, 4));
        return m;
    }

    private static void put(Map<String, Graph> m, Graph g) { m.put(g.name(), g); }

    static Graph transpose(String name, DType t, int[] dims, int... perm) {
        GraphBuilder b = new GraphBuilder(name);
        int x = q(t) != null ? b.input("x", t, q(t), dims) : b.input("x", t, dims);
        int p = b.constant("perm", DType.I32, Shape.of(perm.length), TensorBytes.ofInts(perm));
        int y = b.node(new Op.Transpose(), "y", t, q(t), x, p);
        return b.output(y).build();
    }

    static Graph resize(String name, DType t, Op.ResizeMode mode, boolean align, boolean half, int[] dims, int h, int w) {
        GraphBuilder b = new GraphBuilder(name);
        int x = q(t) != null ? b.input("x", t, q(t), dims) : b.input("x", t, dims);
        int s = b.constant("size", DType.I32, Shape.of(2), TensorBytes.ofInts(new int[] {h, w}));
        int y = b.node(new Op.Resize(mode, align, half), "y", t, q(t), x, s);
        return b.output(y).build();
    }

    /** NCHW in, transposed to NHWC, upsampled bilinearly, nearest-upsampled, transposed back: int8. */
    static Graph chain() {
        GraphBuilder b = new GraphBuilder("chain_int8");
        int x = b.input("x", DType.I8, Q, 1, 3, 6, 5);
        int p1 = b.constant("to_nhwc", DType.I32, Shape.of(4), TensorBytes.ofInts(new int[] {0, 2, 3, 1}));
        int a = b.node(new Op.Transpose(), "nhwc", DType.I8, Q, x, p1);
        int s1 = b.constant("size1", DType.I32, Shape.of(2), TensorBytes.ofInts(new int[] {11, 9}));
        int r1 = b.node(new Op.Resize(Op.ResizeMode.BILINEAR, false, true), "bilinear", DType.I8, Q, a, s1);
        int s2 = b.constant("size2", DType.I32, Shape.of(2), TensorBytes.ofInts(new int[] {22, 18}));
        int r2 = b.node(new Op.Resize(Op.ResizeMode.NEAREST, false, false), "nearest", DType.I8, Q, r1, s2);
        int p2 = b.constant("to_nchw", DType.I32, Shape.of(4), TensorBytes.ofInts(new int[] {0, 3, 1, 2}));
        int y = b.node(new Op.Transpose(), "y", DType.I8, Q, r2, p2);
        return b.output(y).build();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(dir);
        for (var e : all().entrySet()) Files.write(dir.resolve(e.getKey() + ".tflite"), TfliteWriter.write(e.getValue()));
    }
}
