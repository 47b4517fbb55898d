package org.tinyfit.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.tinyfit.onnx.proto.OnnxProto.AttributeProto;
import org.tinyfit.onnx.proto.OnnxProto.GraphProto;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.NodeProto;
import org.tinyfit.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorShapeProto;
import org.tinyfit.onnx.proto.OnnxProto.TypeProto;
import org.tinyfit.onnx.proto.OnnxProto.ValueInfoProto;

/** ONNX models built in code, as an exporter writes them. */
final class OnnxModels {
    private OnnxModels() {}

    static NodeProto node(String op, String name, String[] in, String[] out, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : in) b.addInput(i);
        for (String o : out) b.addOutput(o);
        for (AttributeProto a : attrs) b.addAttribute(a);
        return b.build();
    }

    static String[] in(String... names) { return names; }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    /** A float tensor with its data in raw_data. */
    static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxTensors.FLOAT).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    /** A float tensor with its data in the typed float_data field. */
    static TensorProto floatsTyped(String name, float[] v, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxTensors.FLOAT);
        for (float f : v) t.addFloatData(f);
        for (long d : dims) t.addDims(d);
        return t.build();
    }

    static TensorProto int64s(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxTensors.INT64).addDims(v.length);
        for (long x : v) t.addInt64Data(x);
        return t.build();
    }

    static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    static ModelProto model(GraphProto g, int opset) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("tinyfit-test").setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).build();
    }

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        return f;
    }

    /**
     * A small CNN as PyTorch exports it (opset 13): Conv, BatchNormalization, Relu, MaxPool, a
     * depthwise Conv with Clip(0, 6), a grouped Conv, GlobalAveragePool, the Shape, Gather, Unsqueeze,
     * Concat, Reshape chain of {@code x.view(x.size(0), -1)}, Gemm and Softmax. Input x [1, 3, 12, 10].
     */
    static ModelProto smallCnn(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("small_cnn");
        g.addInput(value("x", OnnxTensors.FLOAT, 1, 3, 12, 10));
        g.addOutput(value("probs", OnnxTensors.FLOAT, 1, 5));
        g.addInitializer(floats("conv1.weight", random(r, 8 * 3 * 3 * 3, 0.5), 8, 3, 3, 3));
        g.addInitializer(floats("conv1.bias", random(r, 8, 0.1), 8));
        g.addInitializer(floatsTyped("bn1.weight", random(r, 8, 1), 8));
        g.addInitializer(floats("bn1.bias", random(r, 8, 0.2), 8));
        g.addInitializer(floats("bn1.running_mean", random(r, 8, 0.2), 8));
        float[] var = random(r, 8, 0.5);
        for (int i = 0; i < var.length; i++) var[i] = Math.abs(var[i]) + 0.5f;
        g.addInitializer(floats("bn1.running_var", var, 8));
        g.addInitializer(floats("dw.weight", random(r, 16 * 3 * 3, 0.5), 16, 1, 3, 3));
        g.addInitializer(floats("dw.bias", random(r, 16, 0.1), 16));
        g.addInitializer(floats("gc.weight", random(r, 12 * 4 * 1 * 1, 0.5), 12, 4, 1, 1));
        g.addInitializer(floats("fc.weight", random(r, 5 * 12, 0.5), 5, 12));
        g.addInitializer(floats("fc.bias", random(r, 5, 0.1), 5));
        g.addInitializer(floats("six", new float[] {6f}));
        g.addInitializer(floats("zero", new float[] {0f}));
        g.addInitializer(TensorProto.newBuilder().setName("gather_index").setDataType(OnnxTensors.INT64).addInt64Data(0).build()); // a scalar
        g.addInitializer(int64s("unsqueeze_axes", 0));
        g.addInitializer(int64s("minus_one", -1));
        g.addNode(node("Conv", "conv1", in("x", "conv1.weight", "conv1.bias"), in("c1"), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1)));
        g.addNode(node("BatchNormalization", "bn1", in("c1", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var"), in("b1"), real("epsilon", 1e-5f)));
        g.addNode(node("Relu", "relu1", in("b1"), in("r1")));
        g.addNode(node("MaxPool", "pool1", in("r1"), in("p1"), ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        g.addNode(node("Conv", "dw", in("p1", "dw.weight", "dw.bias"), in("d1"), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 2, 2), integer("group", 8)));
        g.addNode(node("Clip", "relu6", in("d1", "zero", "six"), in("d2")));
        g.addNode(node("Conv", "grouped", in("d2", "gc.weight"), in("g1"), ints("kernel_shape", 1, 1), integer("group", 4)));
        g.addNode(node("GlobalAveragePool", "gap", in("g1"), in("gap")));
        g.addNode(node("Shape", "shape", in("gap"), in("s")));
        g.addNode(node("Gather", "batch", in("s", "gather_index"), in("n"), integer("axis", 0)));
        g.addNode(node("Unsqueeze", "batch_1d", in("n", "unsqueeze_axes"), in("n1")));
        g.addNode(node("Concat", "target", in("n1", "minus_one"), in("shape2"), integer("axis", 0)));
        g.addNode(node("Reshape", "flatten", in("gap", "shape2"), in("flat")));
        g.addNode(node("Gemm", "fc", in("flat", "fc.weight", "fc.bias"), in("logits"), integer("transB", 1)));
        g.addNode(node("Softmax", "softmax", in("logits"), in("probs"), integer("axis", 1)));
        return model(g.build(), 13);
    }

    /**
     * A LeNet-like tail as PyTorch exports it: Conv 3x3 (4 filters) and Relu on x [1, 2, 6, 6], then
     * Flatten of the [1, 4, 4, 4] feature map (NCHW order) into a Gemm with 5 outputs, or, with
     * {@code matmul}, a MatMul by [64, 5] and an Add of the bias.
     */
    static ModelProto convFlattenLinear(long seed, boolean matmul) {
        SplittableRandom r = new SplittableRandom(seed);
        GraphProto.Builder g = GraphProto.newBuilder().setName("conv_flatten_linear");
        g.addInput(value("x", OnnxTensors.FLOAT, 1, 2, 6, 6));
        g.addOutput(value("y", OnnxTensors.FLOAT, 1, 5));
        g.addInitializer(floats("conv.weight", random(r, 4 * 2 * 9, 0.5), 4, 2, 3, 3));
        g.addInitializer(floats("conv.bias", random(r, 4, 0.1), 4));
        g.addInitializer(floats("fc.bias", random(r, 5, 0.1), 5));
        g.addNode(node("Conv", "conv", in("x", "conv.weight", "conv.bias"), in("c"), ints("kernel_shape", 3, 3)));
        g.addNode(node("Relu", "relu", in("c"), in("r")));
        g.addNode(node("Flatten", "flatten", in("r"), in("f"), integer("axis", 1)));
        if (matmul) {
            g.addInitializer(floats("fc.weight_t", random(r, 64 * 5, 0.3), 64, 5));
            g.addNode(node("MatMul", "fc", in("f", "fc.weight_t"), in("m")));
            g.addNode(node("Add", "fc_bias", in("m", "fc.bias"), in("y")));
        } else {
            g.addInitializer(floats("fc.weight", random(r, 5 * 64, 0.3), 5, 64));
            g.addNode(node("Gemm", "fc", in("f", "fc.weight", "fc.bias"), in("y"), integer("transB", 1)));
        }
        return model(g.build(), 13);
    }
}
