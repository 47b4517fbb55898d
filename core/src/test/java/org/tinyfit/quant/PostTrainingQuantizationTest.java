package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

class PostTrainingQuantizationTest {
    private static Path shared(String name) {
        return Path.of(System.getProperty("tinyfit.shared", "../shared")).resolve("models").resolve(name);
    }

    private static PostTrainingQuantization.Result ptq(Graph g, PtqOptions o) {
        return PostTrainingQuantization.quantize(g, QuantTestNets.samples(g, 100, 7), o);
    }

    /** Top-1 agreement and the largest output difference over 100 held-out samples. */
    private static double[] agreement(Graph f, Graph q) {
        int agree = 0;
        double worst = 0;
        List<float[][]> test = QuantTestNets.samples(f, 100, 99);
        var rf = QuantTestNets.runner(f);
        var rq = QuantTestNets.runner(q);
        for (float[][] s : test) {
            double[] a = rf.apply(s[0]), b = rq.apply(s[0]);
            if (QuantTestNets.argmax(a) == QuantTestNets.argmax(b)) agree++;
            for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return new double[] {agree / (double) test.size(), worst};
    }

    @Test
    void int8CnnAgreesWithTheFloatModel() {
        for (long seed = 1; seed <= 3; seed++) {
            Graph f = QuantTestNets.cnn(seed);
            Graph q = ptq(f, PtqOptions.defaults()).graph();
            double[] r = agreement(f, q);
            assertTrue(r[0] >= 0.9, "seed " + seed + ": top-1 agreement " + r[0]);
            assertTrue(r[1] <= 0.08, "seed " + seed + ": largest probability difference " + r[1]);
        }
    }

    @Test
    void branchyInt8ModelAgreesWithTheFloatModel() {
        Graph f = QuantTestNets.branchy(5);
        for (CalibrationMethod m : CalibrationMethod.values()) {
            Graph q = ptq(f, PtqOptions.defaults().withMethod(m)).graph();
            double[] r = agreement(f, q);
            assertTrue(r[1] <= 0.08, m + ": largest output difference " + r[1]);
        }
    }

    @Test
    void everyActivationIsInt8AndEveryWeightSymmetric() {
        Graph q = ptq(QuantTestNets.cnn(1), PtqOptions.defaults()).graph();
        for (Node n : q.nodes()) {
            for (int t : n.outputs()) {
                Tensor o = q.tensor(t);
                assertEquals(DType.I8, o.dtype(), n.label());
                assertEquals(1, o.quant().channels());
            }
            if (n.op() instanceof Op.Conv2D || n.op() instanceof Op.DepthwiseConv2D || n.op() instanceof Op.FullyConnected) {
                Tensor w = q.tensor(n.input(1)), b = q.tensor(n.input(2));
                assertEquals(DType.I8, w.dtype());
                int axis = n.op() instanceof Op.DepthwiseConv2D ? 3 : 0;
                assertEquals(axis, w.quant().axis(), n.label());
                assertEquals(w.shape().dim(axis), w.quant().channels(), n.label() + ": one scale per output channel");
                for (long zp : w.quant().zeroPoints()) assertEquals(0, zp);
                for (byte v : w.data()) assertTrue(v >= -127, "symmetric weights never use -128");
                assertEquals(DType.I32, b.dtype());
                float inScale = q.tensor(n.input(0)).quant().scale();
                for (int c = 0; c < b.quant().channels(); c++) {
                    assertEquals(inScale * w.quant().scale(c), b.quant().scale(c), n.label() + ": bias scale is input scale times weight scale");
                    assertEquals(0, b.quant().zeroPoint(c));
                }
            }
        }
    }

    @Test
    void perTensorOptionGivesOneWeightScale() {
        Graph q = ptq(QuantTestNets.cnn(2), PtqOptions.defaults().withPerChannel(false)).graph();
        int seen = 0;
        for (Node n : q.nodes()) {
            if (n.op() instanceof Op.Conv2D || n.op() instanceof Op.FullyConnected || n.op() instanceof Op.DepthwiseConv2D) {
                assertEquals(1, q.tensor(n.input(1)).quant().channels());
                assertEquals(1, q.tensor(n.input(2)).quant().channels());
                seen++;
            }
        }
        assertEquals(4, seen);
        double[] r = agreement(QuantTestNets.cnn(2), q);
        assertTrue(r[1] <= 0.1, "per-tensor: largest difference " + r[1]);
    }

    @Test
    void fixedOutputsHaveTheScalesTflmKernelsRequire() {
        Graph q = ptq(QuantTestNets.cnn(1), PtqOptions.defaults()).graph();
        Graph b = ptq(QuantTestNets.branchy(5), PtqOptions.defaults()).graph();
        assertEquals(Quantization.perTensor(1f / 256, -128), outputOf(q, Op.Softmax.class).quant());
        assertEquals(Quantization.perTensor(1f / 256, -128), outputOf(b, Op.Logistic.class).quant());
        assertEquals(Quantization.perTensor(1f / 128, 0), outputOf(b, Op.Tanh.class).quant());
    }

    private static Tensor outputOf(Graph g, Class<? extends Op> kind) {
        for (Node n : g.nodes()) if (kind.isInstance(n.op())) return g.tensor(n.output(0));
        throw new AssertionError("no " + kind.getSimpleName());
    }

    @Test
    void concatenationInputsShareTheOutputScaleAndTanhIsRequantizedIntoIt() {
        Graph q = ptq(QuantTestNets.branchy(5), PtqOptions.defaults()).graph();
        Node cat = null;
        for (Node n : q.nodes()) if (n.op() instanceof Op.Concat) cat = n;
        assertNotNull(cat);
        Quantization out = q.tensor(cat.output(0)).quant();
        for (int t : cat.inputs()) assertEquals(out, q.tensor(t).quant(), "concat input " + q.tensor(t).name());
        Node producer = q.node(q.producer(cat.input(1)));
        assertTrue(producer.op() instanceof Op.Quantize, "TANH's fixed 1/128 cannot hold the ReLU branch, so a QUANTIZE rescales it; got " + producer.label());
        assertEquals(Quantization.perTensor(1f / 128, 0), q.tensor(producer.input(0)).quant());
    }

    @Test
    void passThroughOpsKeepTheirInputsQuantization() {
        Graph q = ptq(QuantTestNets.branchy(5), PtqOptions.defaults()).graph();
        Graph c = ptq(QuantTestNets.cnn(3), PtqOptions.defaults()).graph();
        for (Graph g : List.of(q, c)) {
            for (Node n : g.nodes()) {
                if (n.op() instanceof Op.Pool2D || n.op() instanceof Op.Reshape || n.op() instanceof Op.Relu6) {
                    assertEquals(g.tensor(n.input(0)).quant(), g.tensor(n.output(0)).quant(), n.label());
                }
            }
        }
    }

    @Test
    void fusedActivationsStayFusedAndNoOpIsAddedWithInt8Io() {
        Graph f = QuantTestNets.cnn(1);
        Graph q = ptq(f, PtqOptions.defaults()).graph();
        assertEquals(f.nodes().size(), q.nodes().size());
        for (int i = 0; i < f.nodes().size(); i++) assertEquals(f.node(i).op(), q.node(i).op());
        assertEquals(DType.I8, q.tensor(q.inputs()[0]).dtype());
        assertEquals(DType.I8, q.tensor(q.outputs()[0]).dtype());
    }

    @Test
    void floatIoWrapsTheInt8GraphInQuantizeAndDequantize() {
        Graph f = QuantTestNets.cnn(1);
        Graph q = ptq(f, PtqOptions.defaults().withFloatIo(true)).graph();
        assertEquals(DType.F32, q.tensor(q.inputs()[0]).dtype());
        assertEquals(DType.F32, q.tensor(q.outputs()[0]).dtype());
        assertTrue(q.nodes().get(0).op() instanceof Op.Quantize);
        assertTrue(q.nodes().get(q.nodes().size() - 1).op() instanceof Op.Dequantize);
        assertEquals("x", q.tensor(q.inputs()[0]).name());
        double[] r = agreement(f, q);
        assertTrue(r[0] >= 0.9 && r[1] <= 0.08, "float I/O agreement " + r[0] + ", difference " + r[1]);
    }

    @Test
    void everyActivationRangeCoversWhatCalibrationSawAndHoldsZero() {
        Graph f = QuantTestNets.cnn(1);
        PostTrainingQuantization.Result res = ptq(f, PtqOptions.defaults());
        Graph q = res.graph();
        for (int i = 0; i < f.nodes().size(); i++) {
            int t = f.node(i).output(0);
            if (f.node(i).op() instanceof Op.Softmax) continue;
            Calibration.Range r = res.ranges()[t];
            Quantization qq = q.tensor(q.node(i).output(0)).quant();
            double[] rep = AffineParams.representable(qq);
            assertTrue(rep[0] <= Math.min(r.min(), 0) + qq.scale() && rep[1] >= Math.max(r.max(), 0) - qq.scale(),
                    f.node(i).label() + ": " + r + " vs " + rep[0] + ".." + rep[1]);
            assertTrue(rep[0] <= 0 && rep[1] >= 0);
        }
    }

    @Test
    void writtenAndReadBackTheInt8ModelComputesTheSame() {
        Graph q = ptq(QuantTestNets.branchy(5), PtqOptions.defaults()).graph();
        Graph back = TfliteReader.read(TfliteWriter.write(q), "q.tflite");
        for (float[][] s : QuantTestNets.samples(q, 5, 3)) {
            assertEquals(java.util.Arrays.toString(QuantTestNets.run(q, s[0])), java.util.Arrays.toString(QuantTestNets.run(back, s[0])));
        }
    }

    @Test
    void quantizingTheSameModelTwiceWritesTheSameBytes() {
        Graph f = QuantTestNets.branchy(5);
        for (CalibrationMethod m : CalibrationMethod.values()) {
            PtqOptions o = PtqOptions.defaults().withMethod(m);
            org.junit.jupiter.api.Assertions.assertArrayEquals(TfliteWriter.write(ptq(f, o).graph()), TfliteWriter.write(ptq(f, o).graph()), m.lower());
        }
    }

    @Test
    void helloWorldFloatQuantizesAsCloselyAsTflitesOwnInt8Model() {
        Graph f = TfliteReader.read(shared("hello_world_float.tflite"));
        Graph tflite = TfliteReader.read(shared("hello_world_int8.tflite"));
        List<float[][]> cal = new ArrayList<>();
        for (int i = 0; i < 200; i++) cal.add(new float[][] {{(float) (2 * Math.PI * i / 199)}});
        Graph q = PostTrainingQuantization.quantize(f, cal, PtqOptions.defaults()).graph();
        double ours = 0, theirs = 0;
        var rf = QuantTestNets.runner(f);
        var rq = QuantTestNets.runner(q);
        var rt = QuantTestNets.runner(tflite);
        for (int i = 0; i < 100; i++) {
            float x = (float) (2 * Math.PI * (i + 0.5) / 100);
            double want = rf.apply(new float[] {x})[0];
            ours += Math.abs(want - rq.apply(new float[] {x})[0]);
            theirs += Math.abs(want - rt.apply(new float[] {x})[0]);
        }
        assertTrue(ours <= 1.25 * theirs, "mean error " + ours / 100 + " against TFLite's int8 model's " + theirs / 100);
    }

    @Test
    void anInt8ModelIsRefused() {
        Graph g = TfliteReader.read(shared("hello_world_int8.tflite"));
        QuantizationException e = assertThrows(QuantizationException.class,
                () -> PostTrainingQuantization.quantize(g, one(new float[] {0f}), PtqOptions.defaults()));
        assertTrue(e.getMessage().startsWith("the model is already quantized"), e.getMessage());
    }

    private static List<float[][]> one(float[] input) {
        return java.util.Collections.singletonList(new float[][] {input});
    }

    @Test
    void badCalibrationSetsAreRefusedWithTheirReason() {
        Graph f = QuantTestNets.cnn(1);
        assertEquals("the calibration set is empty; give at least one sample",
                assertThrows(QuantizationException.class, () -> PostTrainingQuantization.quantize(f, List.of(), PtqOptions.defaults())).getMessage());
        float[] nan = new float[288];
        nan[17] = Float.NaN;
        assertEquals("calibration sample 0, input x, value 17 is NaN; calibration data must be finite",
                assertThrows(QuantizationException.class, () -> PostTrainingQuantization.quantize(f, one(nan), PtqOptions.defaults())).getMessage());
        float[] inf = new float[288];
        inf[3] = Float.NEGATIVE_INFINITY;
        assertTrue(assertThrows(QuantizationException.class, () -> PostTrainingQuantization.quantize(f, one(inf), PtqOptions.defaults()))
                .getMessage().contains("value 3 is -Infinity"));
        assertEquals("calibration sample 0 has 10 values for input x of shape [1,12,12,2], which needs 288",
                assertThrows(QuantizationException.class, () -> PostTrainingQuantization.quantize(f, one(new float[10]), PtqOptions.defaults())).getMessage());
    }

    @Test
    void theQuantizedModelSaysHowItWasMade() {
        Graph q = ptq(QuantTestNets.cnn(1), PtqOptions.defaults().withMethod(CalibrationMethod.MSE)).graph();
        assertEquals("post-training int8: mse calibration over 100 samples, per-channel weights, int8 input and output",
                q.metadata().get("tinyfit.quantization"));
    }

    @Test
    void theFloatModelsProvenanceIsKeptAndTheNewCommandReplacesItsOwn() {
        Graph trained = new org.tinyfit.graph.Provenance("0.1.0", "tinyfit train ...", "fashion-mnist", "{\"spec\":1}", null).attachTo(QuantTestNets.cnn(1));
        Graph read = TfliteReader.read(TfliteWriter.write(trained), "cnn.tflite");
        Graph q = ptq(read, PtqOptions.defaults()).graph();
        Graph written = TfliteReader.read(TfliteWriter.write(org.tinyfit.graph.Provenance.of("tinyfit quantize cnn.tflite").attachTo(q)), "q.tflite");
        org.tinyfit.graph.Provenance p = org.tinyfit.graph.Provenance.of(written, "tflite.metadata.");
        assertEquals("tinyfit quantize cnn.tflite", p.command());
        assertEquals("fashion-mnist", p.data());
        assertEquals("{\"spec\":1}", p.spec());
        long commands = written.metadata().keySet().stream().filter(k -> k.endsWith("tinyfit.command")).count();
        assertEquals(1, commands, written.metadata().keySet().toString());
    }
}
