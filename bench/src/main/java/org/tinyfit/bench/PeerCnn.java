package org.tinyfit.bench;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.tinyfit.onnx.OnnxTensors;
import org.tinyfit.onnx.proto.OnnxProto.AttributeProto;
import org.tinyfit.onnx.proto.OnnxProto.GraphProto;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.NodeProto;
import org.tinyfit.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorShapeProto;
import org.tinyfit.onnx.proto.OnnxProto.TypeProto;
import org.tinyfit.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * A small CNN as PyTorch exports it (opset 13), input x [1, 3, 32, 32]: Conv 3x3 16 + BatchNormalization
 * + Relu, MaxPool 2, depthwise Conv 3x3 stride 2 + Clip(0, 6), Conv 1x1 32 + Relu, GlobalAveragePool,
 * Flatten, Gemm 10, Softmax.
 */
final class PeerCnn {
    private PeerCnn() {}

    static ModelProto model(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("peer_cnn");
        g.addInput(value("x", 1, 3, 32, 32));
        g.addOutput(value("probs", 1, 10));
        g.addInitializer(floats("c1.w", random(r, 16 * 3 * 9, 0.4), 16, 3, 3, 3));
        g.addInitializer(floats("c1.b", random(r, 16, 0.1), 16));
        g.addInitializer(floats("bn.g", random(r, 16, 1), 16));
        g.addInitializer(floats("bn.b", random(r, 16, 0.2), 16));
        g.addInitializer(floats("bn.m", random(r, 16, 0.2), 16));
        float[] var = random(r, 16, 0.5);
        for (int i = 0; i < var.length; i++) var[i] = Math.abs(var[i]) + 0.5f;
        g.addInitializer(floats("bn.v", var, 16));
        g.addInitializer(floats("dw.w", random(r, 16 * 9, 0.4), 16, 1, 3, 3));
        g.addInitializer(floats("dw.b", random(r, 16, 0.1), 16));
        g.addInitializer(floats("pw.w", random(r, 32 * 16, 0.3), 32, 16, 1, 1));
        g.addInitializer(floats("pw.b", random(r, 32, 0.1), 32));
        g.addInitializer(floats("fc.w", random(r, 10 * 32, 0.3), 10, 32));
        g.addInitializer(floats("fc.b", random(r, 10, 0.1), 10));
        g.addInitializer(floats("zero", new float[] {0f}));
        g.addInitializer(floats("six", new float[] {6f}));
        g.addNode(node("Conv", in("x", "c1.w", "c1.b"), "a", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)));
        g.addNode(node("BatchNormalization", in("a", "bn.g", "bn.b", "bn.m", "bn.v"), "b"));
        g.addNode(node("Relu", in("b"), "c"));
        g.addNode(node("MaxPool", in("c"), "d", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        g.addNode(node("Conv", in("d", "dw.w", "dw.b"), "e", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 2, 2), integer("group", 16)));
        g.addNode(node("Clip", in("e", "zero", "six"), "f"));
        g.addNode(node("Conv", in("f", "pw.w", "pw.b"), "h", ints("kernel_shape", 1, 1)));
        g.addNode(node("Relu", in("h"), "i"));
        g.addNode(node("GlobalAveragePool", in("i"), "j"));
        g.addNode(node("Flatten", in("j"), "k", integer("axis", 1)));
        g.addNode(node("Gemm", in("k", "fc.w", "fc.b"), "l", integer("transB", 1)));
        g.addNode(node("Softmax", in("l"), "probs", integer("axis", 1)));
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("tinyfit-bench").setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
    }

    private static String[] in(String... names) { return names; }

    private static NodeProto node(String op, String[] in, String out, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(out + "_" + op.toLowerCase()).addOutput(out);
        for (String i : in) b.addInput(i);
        for (AttributeProto a : attrs) b.addAttribute(a);
        return b.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxTensors.FLOAT).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(OnnxTensors.FLOAT).setShape(s))).build();
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return f;
    }
}
