package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.GraphException;
import org.tinyfit.onnx.proto.OnnxProto.GraphProto;
import org.tinyfit.onnx.proto.OnnxProto.ModelProto;
import org.tinyfit.onnx.proto.OnnxProto.StringStringEntryProto;
import org.tinyfit.onnx.proto.OnnxProto.TensorProto;

/** Garbage, truncated and hostile .onnx files: each gives a one-line error within a second. */
class OnnxBadInputTest {

    /**
     * Reads {@code bytes} and returns the error, checking that it is one line and came within a
     * second of CPU time (a hang fails after 30 s of wall time; a busy machine does not fail it).
     */
    static String rejected(byte[] bytes) {
        long[] cpu = new long[1];
        GraphException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long t0 = mx.getCurrentThreadCpuTime();
            GraphException ex = assertThrows(GraphException.class, () -> OnnxReader.read(bytes, "bad.onnx"));
            cpu[0] = mx.getCurrentThreadCpuTime() - t0;
            return ex;
        });
        assertTrue(cpu[0] <= 1_000_000_000L, "rejected within a second of CPU time, took " + cpu[0] / 1_000_000 + " ms");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.onnx"), e.getMessage());
        return e.getMessage();
    }

    private static byte[] cnn() { return OnnxModels.smallCnn(1).toByteArray(); }

    @Test
    void garbageAndTruncatedFilesAreRejected() {
        rejected(new byte[0]);
        rejected("this is not a model at all".getBytes());
        byte[] good = cnn();
        for (int len : new int[] {1, 7, good.length / 3, good.length / 2, good.length - 1}) rejected(java.util.Arrays.copyOf(good, len));
    }

    @Test
    void deeplyNestedGroupsHitTheDepthLimit() {
        // start-group tags of field 99, nested 200,000 deep
        byte[] tag = {(byte) (((99 << 3) | 3) & 0x7F | 0x80), (byte) (((99 << 3) | 3) >>> 7)};
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        for (int i = 0; i < 200_000; i++) nested.writeBytes(tag);
        rejected(nested.toByteArray());
    }

    @Test
    void varintBombsAndHugeLengthsAreRejected() {
        byte[] bomb = new byte[64];
        java.util.Arrays.fill(bomb, (byte) 0xFF);
        bomb[0] = (byte) ((1 << 3) | 0); // ir_version, then an endless varint
        rejected(bomb);
        // graph (field 7) claims 2 GiB of bytes
        rejected(new byte[] {(byte) ((7 << 3) | 2), (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3});
    }

    @Test
    void hugeDeclaredDimensionsAreRejectedBeforeAnyAllocation() {
        ModelProto m = OnnxModels.smallCnn(1);
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearDims().addDims(1L << 20).addDims(1L << 20).addDims(1L << 20));
        String e = rejected(m.toBuilder().setGraph(g).build().toByteArray());
        assertTrue(e.contains("conv1.weight"), e);
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearDims().addDims(-5));
        rejected(m.toBuilder().setGraph(g).build().toByteArray());
        g.setInitializer(0, g.getInitializer(0).toBuilder().clearDims().addDims(Long.MAX_VALUE).addDims(Long.MAX_VALUE));
        rejected(m.toBuilder().setGraph(g).build().toByteArray());
        // an input declaring a billion pixels
        g = m.getGraph().toBuilder();
        g.setInput(0, OnnxModels.value("x", OnnxTensors.FLOAT, 1, 3, 1 << 20, 1 << 20));
        rejected(m.toBuilder().setGraph(g).build().toByteArray());
        // dims that disagree with the data present
        g = m.getGraph().toBuilder();
        g.setInitializer(1, g.getInitializer(1).toBuilder().clearDims().addDims(9));
        rejected(m.toBuilder().setGraph(g).build().toByteArray());
    }

    @Test
    void externalDataIsRefusedWithoutOpeningAnyPath(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.bin");
        Files.write(secret, new byte[8 * 27 * 4]);
        ModelProto m = OnnxModels.smallCnn(1);
        GraphProto.Builder g = m.getGraph().toBuilder();
        TensorProto.Builder t = g.getInitializer(0).toBuilder().clearRawData().setDataLocation(1)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../../" + secret.getFileName()));
        g.setInitializer(0, t);
        String e = rejected(m.toBuilder().setGraph(g).build().toByteArray());
        assertTrue(e.contains("external file") && e.contains("conv1.weight"), e);
    }

    @Test
    void cyclesAndDanglingValuesAreRejected() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("cycle");
        g.addInput(OnnxModels.value("x", OnnxTensors.FLOAT, 1, 4));
        g.addOutput(OnnxModels.value("b", OnnxTensors.FLOAT, 1, 4));
        g.addNode(OnnxModels.node("Add", "first", OnnxModels.in("x", "b"), OnnxModels.in("a")));
        g.addNode(OnnxModels.node("Relu", "second", OnnxModels.in("a"), OnnxModels.in("b")));
        String e = rejected(OnnxModels.model(g.build(), 13).toByteArray());
        assertTrue(e.contains("cycle"), e);
        GraphProto.Builder d = GraphProto.newBuilder().setName("dangling");
        d.addInput(OnnxModels.value("x", OnnxTensors.FLOAT, 1, 4));
        d.addOutput(OnnxModels.value("y", OnnxTensors.FLOAT, 1, 4));
        d.addNode(OnnxModels.node("Add", "add", OnnxModels.in("x", "nowhere"), OnnxModels.in("y")));
        rejected(OnnxModels.model(d.build(), 13).toByteArray());
        GraphProto.Builder twice = GraphProto.newBuilder().setName("twice");
        twice.addInput(OnnxModels.value("x", OnnxTensors.FLOAT, 1, 4));
        twice.addOutput(OnnxModels.value("y", OnnxTensors.FLOAT, 1, 4));
        twice.addNode(OnnxModels.node("Relu", "a", OnnxModels.in("x"), OnnxModels.in("y")));
        twice.addNode(OnnxModels.node("Relu", "b", OnnxModels.in("x"), OnnxModels.in("y")));
        rejected(OnnxModels.model(twice.build(), 13).toByteArray());
    }

    @Test
    void shapeArithmeticCannotBlowUpMemory() {
        // ConstantOfShape asked for 2^40 elements
        GraphProto.Builder g = GraphProto.newBuilder().setName("big");
        g.addInput(OnnxModels.value("x", OnnxTensors.FLOAT, 1, 4));
        g.addOutput(OnnxModels.value("y", OnnxTensors.FLOAT, 1, 4));
        g.addInitializer(OnnxModels.int64s("shape", 1 << 20, 1 << 20));
        g.addNode(OnnxModels.node("ConstantOfShape", "huge", OnnxModels.in("shape"), OnnxModels.in("c")));
        g.addNode(OnnxModels.node("Add", "add", OnnxModels.in("x", "c"), OnnxModels.in("y")));
        rejected(OnnxModels.model(g.build(), 13).toByteArray());
        // Range with a billion steps
        GraphProto.Builder r = GraphProto.newBuilder().setName("range");
        r.addInput(OnnxModels.value("x", OnnxTensors.FLOAT, 1, 4));
        r.addOutput(OnnxModels.value("y", OnnxTensors.FLOAT, 1, 4));
        r.addInitializer(OnnxModels.floats("start", new float[] {0}));
        r.addInitializer(OnnxModels.floats("limit", new float[] {1e12f}));
        r.addInitializer(OnnxModels.floats("delta", new float[] {1}));
        r.addNode(OnnxModels.node("Range", "range", OnnxModels.in("start", "limit", "delta"), OnnxModels.in("c")));
        r.addNode(OnnxModels.node("Add", "add", OnnxModels.in("x", "c"), OnnxModels.in("y")));
        rejected(OnnxModels.model(r.build(), 13).toByteArray());
    }

    @Test
    void aMissingFileIsOneLine() {
        GraphException e = assertThrows(GraphException.class, () -> OnnxReader.read(Path.of("/nonexistent/model.onnx")));
        assertTrue(e.getMessage().startsWith("model.onnx: no such file"), e.getMessage());
    }

    @Test
    void unknownFieldsAreSkipped() {
        byte[] good = cnn();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // field 1000 (length-delimited) and field 1001 (varint) before the model's own fields
        b.writeBytes(new byte[] {(byte) 0xC2, 0x3E, 3, 'a', 'b', 'c', (byte) 0xC8, 0x3E, 42});
        b.writeBytes(good);
        OnnxReader.read(b.toByteArray(), "extra.onnx");
        ModelProto m = OnnxModels.smallCnn(1).toBuilder().setDocString("trained on X").build();
        OnnxReader.read(m.toBuilder().setGraph(m.getGraph().toBuilder().setName("g")).build().toByteString().concat(ByteString.copyFrom(new byte[] {(byte) 0xC8, 0x3E, 1})).toByteArray(), "extra.onnx");
    }
}
