package org.tinyfit.tflite;

import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;

/**
 * The operator version TFLite assigns a node from the features it uses, for the ops tinyfit writes:
 * the rules of TFLite's op versioning ({@code GetBuiltinOperatorVersion} in
 * tensorflow/lite/tools/versioning), applied to the tensor types, shapes, quantization and options
 * the writer stores. An operator code carries the highest version among the nodes that use it, as
 * TFLite's {@code UpdateOpVersion} does.
 */
public final class OpVersions {
    private OpVersions() {}

    public static int of(Graph g, Node n) {
        return switch (n.op()) {
            case Op.Conv2D c -> {
                Tensor in = in(g, n, 0), w = in(g, n, 1);
                if (in != null && w != null && in.shape().rank() == 4 && w.shape().rank() == 4 && in.shape().dim(3) != w.shape().dim(3)) yield 6;
                if (types(g, n, DType.I8, DType.I8, DType.I8)) yield 3;
                if (types(g, n, DType.F32, DType.I8, DType.F32)) yield perChannel(w, 0) ? 5 : 2;
                yield 1;
            }
            case Op.DepthwiseConv2D d -> {
                if (types(g, n, DType.F32, DType.I8, DType.F32)) yield perChannel(in(g, n, 1), 3) ? 6 : 4;
                if (types(g, n, DType.I8, DType.I8, DType.I8)) yield 3;
                yield d.dilationH() != 1 || d.dilationW() != 1 ? 2 : 1;
            }
            case Op.FullyConnected f -> {
                if (types(g, n, DType.F32, DType.I8, DType.F32) && perChannel(in(g, n, 1), 0)) yield 12;
                if (types(g, n, DType.I16, DType.I16, DType.I16)) yield 7;
                if (n.inputCount() == 2) yield 6;
                if (f.keepNumDims()) yield 5;
                if (types(g, n, DType.I8, DType.I8, DType.I8)) yield 4;
                if (types(g, n, DType.F32, DType.I8, DType.F32)) yield 3;
                yield 1;
            }
            case Op.TransposeConv t -> {
                if (t.act() != Op.Act.NONE) yield 4;
                if (n.inputCount() == 4 && n.hasInput(3)) yield 3;
                yield type(g, n, 1) == DType.I8 ? 2 : 1;
            }
            case Op.Svdf s -> {
                if (type(g, n, 0) == DType.I8) yield 3;
                yield types(g, n, DType.F32, DType.I8, DType.F32) ? 2 : 1;
            }
            case Op.Mul m -> {
                DType t = type(g, n, 0);
                boolean quantized = quant(g, n, 0) != null || quant(g, n, 1) != null;
                if (t == DType.I16 && !quantized) yield 7;
                if (t == DType.I64) yield 5;
                if (t == DType.I16) yield 4;
                Quantization a = quant(g, n, 0), b = quant(g, n, 1), o = g.tensor(n.output(0)).quant();
                if (a != null && b != null && o != null && a.scale() != 0 && b.scale() != 0 && o.scale() != 0
                        && a.scale() * b.scale() / o.scale() >= 1.0f) yield 3;
                yield t == DType.I8 ? 2 : 1;
            }
            case Op.Add a -> {
                DType t = type(g, n, 0);
                if (t == DType.I16 && quant(g, n, 0) == null) yield 5;
                if (t == DType.I64) yield 4;
                // int16 ADD with general (not power-of-two) scales is version 3; the writer keeps pot_scale_int16 at its default, true.
                yield t == DType.I8 ? 2 : 1;
            }
            case Op.Sub s -> {
                DType t = type(g, n, 0);
                if (t == DType.I64) yield 4;
                if (broadcasts(g, n) && maxInputRank(g, n) > 4) yield 3;
                yield t == DType.I8 ? 2 : 1;
            }
            case Op.Pool2D p -> {
                if (type(g, n, 0) == DType.I16 && outType(g, n) == DType.I16) yield 3;
                yield type(g, n, 0) == DType.I8 ? 2 : 1;
            }
            case Op.Logistic l -> activation(g, n);
            case Op.Tanh t -> activation(g, n);
            case Op.Relu r -> type(g, n, 0) == DType.I16 ? 3 : type(g, n, 0) == DType.I8 || type(g, n, 0) == DType.U8 ? 2 : 1;
            case Op.LeakyRelu l -> type(g, n, 0) == DType.I16 ? 2 : 1;
            case Op.Softmax s -> int8Or16(g, n);
            case Op.Mean m -> int8Or16(g, n);
            case Op.Relu6 r -> int8Or16(g, n);
            case Op.Concat c -> int8Or16(g, n);
            case Op.Pad p -> {
                Tensor in = in(g, n, 0);
                if (in != null && in.shape().rank() > 4) yield 4;
                yield int8Or16(g, n);
            }
            case Op.StridedSlice s -> {
                if (s.offset()) yield 8;
                if (s.ellipsisMask() != 0 || s.newAxisMask() != 0) yield 6;
                Tensor in = in(g, n, 0);
                if (in != null && in.shape().rank() > 4) yield 4;
                DType t = type(g, n, 0);
                yield t == DType.BOOL ? 3 : t == DType.I8 ? 2 : 1;
            }
            case Op.Transpose t -> {
                Tensor in = in(g, n, 0);
                DType ty = type(g, n, 0);
                if (ty == DType.I16) yield 5;
                if (in != null && in.shape().rank() > 4) yield 4;
                yield ty == DType.BOOL ? 3 : ty == DType.I8 ? 2 : 1;
            }
            case Op.Resize r -> {
                DType ty = type(g, n, 0);
                if (ty == DType.I16) yield 4;
                if (r.halfPixelCenters() || (r.mode() == Op.ResizeMode.NEAREST && r.alignCorners())) yield 3;
                yield ty == DType.I8 ? 2 : 1;
            }
            case Op.Quantize q -> {
                Tensor out = g.tensor(n.output(0));
                if (perChannel(out, out.quant() == null ? 0 : out.quant().axis())) yield 3;
                yield out.dtype() == DType.I16 ? 2 : 1;
            }
            case Op.Dequantize d -> {
                DType t = type(g, n, 0);
                if (t == DType.I16 || t == DType.F16) yield 3;
                if (t == DType.I8) {
                    Tensor in = in(g, n, 0);
                    yield perChannel(in, in.quant() == null ? 0 : in.quant().axis()) ? 5 : 2;
                }
                yield 1;
            }
            case Op.UnidirectionalSequenceLstm l -> {
                if (type(g, n, 0) == DType.I16 && type(g, n, 2) == DType.I8 && outType(g, n) == DType.I16) yield 5;
                if (type(g, n, 0) == DType.F32 && type(g, n, 2) == DType.I8) yield l.asymmetricQuantizeInputs() ? 4 : 2;
                yield 1;
            }
            case Op.BidirectionalSequenceLstm l -> {
                if (type(g, n, 0) == DType.F32 && type(g, n, 2) == DType.I8) yield l.asymmetricQuantizeInputs() ? 3 : 2;
                yield 1;
            }
            case Op.Reshape r -> 1;
            case Op.BatchNorm b -> 1;
            case Op.Dropout d -> 1;
            case Op.Opaque o -> 1;
        };
    }

    private static int activation(Graph g, Node n) {
        if (type(g, n, 0) == DType.I16 && outType(g, n) == DType.I16) return 3;
        return type(g, n, 0) == DType.I8 ? 2 : 1;
    }

    private static int int8Or16(Graph g, Node n) {
        DType t = type(g, n, 0);
        return t == DType.I16 ? 3 : t == DType.I8 ? 2 : 1;
    }

    private static Tensor in(Graph g, Node n, int i) { return n.hasInput(i) ? g.tensor(n.input(i)) : null; }

    private static DType type(Graph g, Node n, int i) { Tensor t = in(g, n, i); return t == null ? null : t.dtype(); }

    private static DType outType(Graph g, Node n) { return g.tensor(n.output(0)).dtype(); }

    private static Quantization quant(Graph g, Node n, int i) { Tensor t = in(g, n, i); return t == null ? null : t.quant(); }

    /** Input 0, input 1 and output 0 have these types. */
    private static boolean types(Graph g, Node n, DType in0, DType in1, DType out) {
        return type(g, n, 0) == in0 && type(g, n, 1) == in1 && outType(g, n) == out;
    }

    /** More than one scale, one per index of dimension {@code axis}. */
    private static boolean perChannel(Tensor t, int axis) {
        return t != null && t.quant() != null && t.quant().channels() > 1 && axis < t.shape().rank() && t.quant().channels() == t.shape().dim(axis);
    }

    private static boolean broadcasts(Graph g, Node n) {
        Tensor a = in(g, n, 0), b = in(g, n, 1);
        return a != null && b != null && !a.shape().equals(b.shape());
    }

    private static int maxInputRank(Graph g, Node n) {
        int r = 0;
        for (int t : n.inputs()) if (t >= 0) r = Math.max(r, g.tensor(t).shape().rank());
        return r;
    }
}
