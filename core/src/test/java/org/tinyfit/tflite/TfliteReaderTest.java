package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;

class TfliteReaderTest {

    @TestFactory
    List<DynamicTest> everySharedModelLoads() {
        List<Path> models = SharedModels.all();
        assertTrue(models.size() >= 100, "expected the shared models, found " + models.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path p : models) {
            tests.add(DynamicTest.dynamicTest(SharedModels.dir().relativize(p).toString(), () -> {
                Graph g = TfliteReader.read(p);
                assertFalse(g.nodes().isEmpty());
                assertTrue(g.inputs().length > 0);
                assertTrue(g.outputs().length > 0);
                assertEquals("3", g.metadata().get("tflite.version"));
            }));
        }
        return tests;
    }

    private static List<String> kinds(Graph g) {
        return g.nodes().stream().map(n -> n.op().kind()).toList();
    }

    @Test
    void personDetectHasTheDocumentedInputAndOutput() {
        Graph g = TfliteReader.read(SharedModels.model("person_detect.tflite"));
        assertEquals(1, g.inputs().length);
        Tensor in = g.tensor(g.inputs()[0]);
        assertEquals(DType.I8, in.dtype());
        assertEquals(Shape.of(1, 96, 96, 1), in.shape());
        assertEquals(0.00784314f, in.quant().scale(), 1e-7f);
        assertEquals(-1, in.quant().zeroPoint());
        Tensor out = g.tensor(g.outputs()[0]);
        assertEquals(Shape.of(1, 2), out.shape());
        assertEquals(DType.I8, out.dtype());
        assertEquals(-128, out.quant().zeroPoint());
    }

    @Test
    void personDetectConvWeightsArePerChannelOnTheOutputAxis() {
        Graph g = TfliteReader.read(SharedModels.model("person_detect.tflite"));
        int convs = 0;
        for (Node n : g.nodes()) {
            if (n.op() instanceof Op.Conv2D) {
                Tensor w = g.tensor(n.input(1));
                assertTrue(w.isConstant());
                Quantization q = w.quant();
                assertTrue(q.perChannel(), "conv weights " + w.name() + " should be per-channel");
                assertEquals(0, q.axis());
                assertEquals(w.shape().dim(0), q.channels());
                convs++;
            }
            if (n.op() instanceof Op.DepthwiseConv2D) {
                Tensor w = g.tensor(n.input(1));
                assertEquals(3, w.quant().axis());
                assertEquals(w.shape().dim(3), w.quant().channels());
            }
        }
        assertTrue(convs > 0);
    }

    @Test
    void helloWorldIsThreeFullyConnectedLayers() {
        for (String m : List.of("hello_world_float.tflite", "hello_world_int8.tflite")) {
            Graph g = TfliteReader.read(SharedModels.model(m));
            assertEquals(List.of("FULLY_CONNECTED", "FULLY_CONNECTED", "FULLY_CONNECTED"), kinds(g), m);
            assertEquals(Op.Act.RELU, ((Op.FullyConnected) g.node(0).op()).act());
            assertEquals(Op.Act.NONE, ((Op.FullyConnected) g.node(2).op()).act());
            assertEquals(Shape.of(1, 1), g.tensor(g.inputs()[0]).shape());
        }
        Graph f = TfliteReader.read(SharedModels.model("hello_world_float.tflite"));
        assertEquals(DType.F32, f.tensor(f.inputs()[0]).dtype());
        assertNull(f.tensor(f.inputs()[0]).quant());
    }

    @Test
    void microSpeechOpsInOrder() {
        Graph g = TfliteReader.read(SharedModels.model("micro_speech_quantized.tflite"));
        assertEquals(List.of("RESHAPE", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"), kinds(g));
        Tensor in = g.tensor(g.inputs()[0]);
        assertEquals(Shape.of(1, 1960), in.shape());
        assertEquals(-128, in.quant().zeroPoint());
        assertEquals(Shape.of(1, 4), g.tensor(g.outputs()[0]).shape());
    }

    @Test
    void keywordScrambledHasAnSvdfWithVariableState() {
        Graph g = TfliteReader.read(SharedModels.model("keyword_scrambled_8bit.tflite"));
        Node svdf = g.nodes().stream().filter(n -> n.op() instanceof Op.Svdf).findFirst().orElseThrow();
        assertTrue(((Op.Svdf) svdf.op()).rank() >= 1);
        Tensor state = g.tensor(svdf.input(4));
        assertTrue(state.variable(), "SVDF input 4 should be a variable state tensor");
        assertFalse(state.isConstant());
        assertEquals(DType.I16, g.tensor(g.inputs()[0]).dtype());
        assertEquals(Shape.of(1, 96), g.tensor(g.inputs()[0]).shape());
        assertEquals(DType.I32, g.tensor(g.outputs()[0]).dtype());
    }

    @Test
    void simpleAddHasTwoInputs() {
        Graph g = TfliteReader.read(SharedModels.model("simple_add_model.tflite"));
        assertEquals(List.of("ADD"), kinds(g));
        assertEquals(2, g.inputs().length);
        assertEquals(Shape.of(1, 128, 128, 1), g.tensor(g.inputs()[1]).shape());
        assertEquals(-1, g.tensor(g.inputs()[1]).quant().zeroPoint());
    }
}
