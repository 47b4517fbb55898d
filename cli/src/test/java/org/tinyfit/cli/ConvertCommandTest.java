package org.tinyfit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.onnx.OnnxTensors;
import org.tinyfit.onnx.proto.OnnxProto;
import org.tinyfit.tflite.TfliteReader;

class ConvertCommandTest {
    @TempDir Path tmp;

    /** x [1,2,5,5] -> Conv 3x3 (4 filters, SAME) -> Relu. */
    static byte[] convRelu() {
        ByteBuffer w = ByteBuffer.allocate(4 * 2 * 9 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4 * 2 * 9; i++) w.putFloat((i % 7 - 3) * 0.1f);
        OnnxProto.TensorShapeProto.Builder shape = OnnxProto.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 2, 5, 5}) shape.addDim(OnnxProto.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        OnnxProto.GraphProto g = OnnxProto.GraphProto.newBuilder().setName("conv_relu")
                .addInput(OnnxProto.ValueInfoProto.newBuilder().setName("x").setType(OnnxProto.TypeProto.newBuilder()
                        .setTensorType(OnnxProto.TypeProto.Tensor.newBuilder().setElemType(OnnxTensors.FLOAT).setShape(shape))))
                .addOutput(OnnxProto.ValueInfoProto.newBuilder().setName("y"))
                .addInitializer(OnnxProto.TensorProto.newBuilder().setName("w").setDataType(OnnxTensors.FLOAT).addDims(4).addDims(2).addDims(3).addDims(3)
                        .setRawData(ByteString.copyFrom(w.array())))
                .addNode(OnnxProto.NodeProto.newBuilder().setOpType("Conv").addInput("x").addInput("w").addOutput("c")
                        .addAttribute(OnnxProto.AttributeProto.newBuilder().setName("pads").setType(OnnxProto.AttributeProto.AttributeType.INTS).addInts(1).addInts(1).addInts(1).addInts(1)))
                .addNode(OnnxProto.NodeProto.newBuilder().setOpType("Relu").addInput("c").addOutput("y"))
                .build();
        return OnnxProto.ModelProto.newBuilder().setIrVersion(7).setGraph(g).addOpsetImport(OnnxProto.OperatorSetIdProto.newBuilder().setVersion(13)).build().toByteArray();
    }

    @Test
    void convertWritesTheOnnxModelAsANhwcTflite() throws Exception {
        Path in = tmp.resolve("net.onnx"), out = tmp.resolve("net.tflite");
        Files.write(in, convRelu());
        CliTest.Run r = CliTest.run("convert", in.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("net.onnx (ONNX): 1 nodes -> "), r.out());
        assertTrue(r.out().contains("input  x f32[1,5,5,2]"), r.out());
        Graph g = TfliteReader.read(out);
        assertEquals(1, g.nodes().size());
        assertEquals("CONV_2D", g.node(0).op().kind());
        assertEquals("1, 5, 5, 4", String.join(", ", java.util.Arrays.stream(g.tensor(g.outputs()[0]).shape().dims()).mapToObj(Integer::toString).toList()));
        assertTrue(g.metadata().keySet().stream().anyMatch(k -> k.contains("command")), "provenance: " + g.metadata().keySet());
    }

    @Test
    void aBadModelIsOneLineAndExitOne() throws Exception {
        Path in = tmp.resolve("bad.onnx");
        Files.write(in, new byte[] {8, 7, 1, 2, 3});
        CliTest.Run r = CliTest.run("convert", in.toString(), "-o", tmp.resolve("x.tflite").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("tinyfit: bad.onnx: not a valid ONNX model") && r.err().strip().lines().count() == 1, r.err());
    }
}
