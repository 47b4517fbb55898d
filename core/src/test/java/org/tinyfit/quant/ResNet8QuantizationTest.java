package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Post-training quantization of a third-party float CNN: MLPerf Tiny's ResNet-8, built from its
 * published layer list (residual ADDs, projection shortcuts, average pool), written as a float
 * .tflite, read back and quantized. With {@code -Dtinyfit.writeModels=DIR} the float file is also
 * written there (the TFLite Micro check of docs/bench-tflm-check.md quantizes it with the CLI).
 */
class ResNet8QuantizationTest {
    static List<float[][]> uniform(int n, long seed) {
        Random r = new Random(seed);
        List<float[][]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] x = new float[32 * 32 * 3];
            for (int j = 0; j < x.length; j++) x[j] = r.nextFloat() * 2 - 1;
            out.add(new float[][] {x});
        }
        return out;
    }

    @Test void resnet8QuantizesToAnInt8ModelThatTracksTheFloatOne() throws IOException {
        byte[] file = TfliteWriter.write(QuantTestNets.resnet8(8));
        String dir = System.getProperty("tinyfit.writeModels");
        if (dir != null) Files.write(Files.createDirectories(Path.of(dir)).resolve("resnet8_f32.tflite"), file);
        Graph f = TfliteReader.read(file, "resnet8_f32.tflite");
        Graph q = PostTrainingQuantization.quantize(f, uniform(64, 1), PtqOptions.defaults()).graph();

        TreeMap<String, Integer> ops = new TreeMap<>();
        for (Node n : q.nodes()) ops.merge(n.op().kind(), 1, Integer::sum);
        assertEquals("{ADD=3, AVERAGE_POOL_2D=1, CONV_2D=9, FULLY_CONNECTED=1, RESHAPE=1, SOFTMAX=1}", ops.toString());
        for (Node n : q.nodes()) for (int t : n.outputs()) assertEquals(DType.I8, q.tensor(t).dtype(), q.tensor(t).describe());
        for (Tensor t : q.tensors()) assertTrue(t.dtype() != DType.F32, t.describe());

        var fl = QuantTestNets.runner(f);
        var in8 = QuantTestNets.runner(q);
        int agree = 0, n = 16;
        double worst = 0;
        for (float[][] x : uniform(n, 2)) {
            double[] a = fl.apply(x[0]), b = in8.apply(x[0]);
            if (QuantTestNets.argmax(a) == QuantTestNets.argmax(b)) agree++;
            for (int c = 0; c < a.length; c++) worst = Math.max(worst, Math.abs(a[c] - b[c]));
        }
        assertTrue(agree >= n - 2, "top class agrees on " + agree + " of " + n);
        assertTrue(worst < 0.08, "largest probability difference " + worst);
    }
}
