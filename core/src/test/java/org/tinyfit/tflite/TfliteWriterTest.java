package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class TfliteWriterTest {

    @TestFactory
    List<DynamicTest> everySharedModelSurvivesWriteAndRead() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : SharedModels.all()) {
            tests.add(DynamicTest.dynamicTest(SharedModels.dir().relativize(p).toString(), () -> {
                Graph original = TfliteReader.read(p);
                byte[] written = TfliteWriter.write(original);
                Graph back = TfliteReader.read(written, p.getFileName().toString());
                GraphAssert.same(original, back, p.getFileName().toString());
                String description = original.metadata().get("tflite.description");
                if (description != null) assertEquals(description, back.metadata().get("tflite.description"));
                for (var e : original.metadata().entrySet()) {
                    if (e.getKey().startsWith("tflite.metadata.") && !e.getKey().endsWith(".bytes")) assertEquals(e.getValue(), back.metadata().get(e.getKey()), e.getKey());
                }
            }));
        }
        return tests;
    }

    @Test
    void metadataIsWrittenAsUtf8TextEntries() {
        GraphBuilder b = new GraphBuilder("tiny");
        int x = b.input("x", DType.F32, 1, 4);
        int y = b.node(new Op.Relu(), "y", x);
        Graph g = b.output(y).build().withMetadata(Map.of("tinyfit.seed", "42", "tinyfit.command", "tinyfit train --epochs 3 ü"));
        Graph back = TfliteReader.read(TfliteWriter.write(g), "tiny.tflite");
        assertEquals("42", back.metadata().get("tflite.metadata.tinyfit.seed"));
        assertEquals("tinyfit train --epochs 3 ü", back.metadata().get("tflite.metadata.tinyfit.command"));
        Graph again = TfliteReader.read(TfliteWriter.write(back), "tiny.tflite");
        assertEquals(back.metadata().get("tflite.metadata.tinyfit.command"), again.metadata().get("tflite.metadata.tinyfit.command"));
        assertTrue(new String(TfliteWriter.write(g), StandardCharsets.ISO_8859_1).contains("TFL3"));
    }

    @Test
    void everyOpRecordWithATfliteFormRoundTrips() {
        GraphBuilder b = new GraphBuilder("ops");
        int x = b.input("x", DType.F32, 1, 8, 8, 4);
        int w = b.constant("w", DType.F32, Shape.of(4, 3, 3, 4), new byte[4 * 9 * 4 * 4]);
        int c = b.node(new Op.Conv2D(Op.Padding.SAME, 1, 2, 1, 1, Op.Act.RELU6), "conv", x, w, -1);
        int dw = b.constant("dw", DType.F32, Shape.of(1, 3, 3, 8), new byte[9 * 8 * 4]);
        int d = b.node(new Op.DepthwiseConv2D(Op.Padding.VALID, 1, 1, 1, 1, 2, Op.Act.NONE), "dw", c, dw);
        int p = b.node(new Op.Pool2D(Op.PoolKind.AVG, Op.Padding.VALID, 2, 1, 2, 1, Op.Act.NONE), "pool", d);
        int m = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.SAME, 1, 1, 1, 1, Op.Act.RELU), "max", p);
        int a = b.node(new Op.Add(Op.Act.RELU), "add", m, p);
        int s = b.node(new Op.Sub(Op.Act.NONE), "sub", a, m);
        int mu = b.node(new Op.Mul(Op.Act.TANH), "mul", s, a);
        int cat = b.node(new Op.Concat(3, Op.Act.NONE), "cat", mu, s);
        int r = b.node(new Op.Relu(), "relu", cat);
        int r6 = b.node(new Op.Relu6(), "relu6", r);
        int lg = b.node(new Op.Logistic(), "sig", r6);
        int th = b.node(new Op.Tanh(), "tanh", lg);
        int lr = b.node(new Op.LeakyRelu(0.2f), "leaky", th);
        int axes = b.constant("axes", DType.I32, Shape.of(2), new byte[] {1, 0, 0, 0, 2, 0, 0, 0});
        int mean = b.node(new Op.Mean(true), "mean", lr, axes);
        int flat = b.node(new Op.Reshape(new int[] {1, -1}), "flat", mean);
        int fw = b.constant("fw", DType.F32, Shape.of(3, 16), new byte[3 * 16 * 4]);
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, true), "fc", flat, fw, -1);
        int sm = b.node(new Op.Softmax(0.5f), "softmax", fc);
        int q = b.node(new Op.Quantize(), "q", DType.I8, org.tinyfit.graph.Quantization.perTensor(0.1f, 3), sm);
        int dq = b.node(new Op.Dequantize(), "dq", DType.F32, null, q);
        Graph g = b.output(dq).build();
        Graph back = TfliteReader.read(TfliteWriter.write(g), "ops.tflite");
        GraphAssert.same(g, back, "ops");
    }

    @Test
    void batchNormMustBeFoldedBeforeExport() {
        GraphBuilder b = new GraphBuilder("bn");
        int x = b.input("x", DType.F32, 1, 2, 2, 3);
        int[] p = new int[4];
        for (int i = 0; i < 4; i++) p[i] = b.constant("p" + i, DType.F32, Shape.of(3), new byte[12]);
        int y = b.node(new Op.BatchNorm(1e-3f, 0.9f), "bn", x, p[0], p[1], p[2], p[3]);
        Graph g = b.output(y).build();
        GraphException e = assertThrows(GraphException.class, () -> TfliteWriter.write(g));
        assertTrue(e.getMessage().contains("node 0 (BATCH_NORM)") && e.getMessage().contains("fold"), e.getMessage());
    }

    @Test
    void dropoutMustBeRemovedBeforeExport() {
        GraphBuilder b = new GraphBuilder("do");
        int x = b.input("x", DType.F32, 1, 4);
        int y = b.node(new Op.Dropout(0.5f), "drop", x);
        Graph g = b.output(y).build();
        GraphException e = assertThrows(GraphException.class, () -> TfliteWriter.write(g));
        assertTrue(e.getMessage().contains("DROPOUT") && e.getMessage().contains("remove"), e.getMessage());
    }
}
