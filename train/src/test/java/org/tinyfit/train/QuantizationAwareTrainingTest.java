package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.InMemory;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Quantization;
import org.tinyfit.memory.Schedule;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.passes.InputNormalization;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TensorValues;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/**
 * Quantization-aware training: the values its loss and gradients see are those the int8 model it
 * writes computes in tinyfit's runtime, bit for bit; the result does not depend on the thread count;
 * and the int8 model learns.
 */
class QuantizationAwareTrainingTest {
    static final String SPEC = "{\"input\":[8,8,1],\"layers\":[{\"conv\":4,\"act\":\"relu\",\"bn\":true},{\"maxpool\":2},"
            + "{\"conv\":6,\"act\":\"relu6\"},{\"flatten\":true},{\"dense\":4}],\"softmax\":true}";

    /** 8x8 byte images of noise with one brighter 4x4 quadrant, labelled by that quadrant. */
    static Dataset quadrants(int n, long seed) {
        SeededRandom r = SeededRandom.forKeys(seed, 9);
        byte[] px = new byte[n * 64];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = r.nextInt(4);
            int qy = labels[s] / 2 * 4, qx = labels[s] % 2 * 4;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean in = y >= qy && y < qy + 4 && x >= qx && x < qx + 4;
                    px[s * 64 + y * 8 + x] = (byte) (r.nextInt(in ? 96 : 128) + (in ? 100 : 0));
                }
            }
        }
        return InMemory.ofBytes(px, labels, 8, 8, 1);
    }

    record Trained(QuantizationAwareTraining qat, List<EpochResult> epochs) {}

    static Trained train(Normalization norm, Dataset data, int threads) {
        TrainConfig cfg = TrainConfig.builder().epochs(3).batch(32).lr(0.01f).threads(threads).augmentations(List.of()).build();
        Graph g = InferenceForm.of(SpecCompiler.compile(ModelSpec.parse(SPEC), 7));
        QuantizationAwareTraining qat = new QuantizationAwareTraining(g, cfg, data, quadrants(64, 2), norm, new Loss.SoftmaxCrossEntropy(0f), PtqOptions.defaults());
        return new Trained(qat, qat.run(0, new Trainer.Listener() {}));
    }

    static Normalization normalization(String kind, Dataset data) {
        return switch (kind) {
            case "unit" -> Normalization.minMax(data);
            case "standardize" -> Normalization.standardize(data);
            default -> null;
        };
    }

    /** The logits the loss read equal those the written int8 file computes, dequantized, for every sample. */
    @ParameterizedTest
    @ValueSource(strings = {"unit", "standardize", "none"})
    void theLossSeesWhatTheWrittenInt8ModelComputes(String normalize) {
        Dataset data = quadrants(192, 1);
        Normalization norm = normalization(normalize, data);
        Trained t = train(norm, data, 2);
        try (QuantizationAwareTraining qat = t.qat()) {
            Int8Conversion.Result c = qat.convert();
            InputNormalization.Placement want = norm == null ? null : normalize.equals("unit") ? InputNormalization.Placement.FOLDED : InputNormalization.Placement.FIRST_LAYERS;
            assertEquals(want, c.placement() == null ? null : c.placement().placement());
            Graph file = TfliteReader.read(TfliteWriter.write(c.int8()), "qat.tflite");
            int n = 24, len = 64, k = 4;
            float[] raw = new float[n * len];
            for (int s = 0; s < n; s++) data.copySample(s, raw, s * len);
            qat.net().forward(raw, n, false, 0);
            qat.int8Forward(c, raw, n);
            float[] seen = java.util.Arrays.copyOf(qat.net().activation(qat.net().lossTensor()), n * k);

            int logits = -1;
            for (Node node : file.nodes()) if (node.op() instanceof Op.Softmax) logits = node.input(0);
            assertTrue(logits >= 0);
            assertEquals(DType.I8, file.tensor(logits).dtype());
            Quantization q = file.tensor(logits).quant();
            Interpreter it = new Interpreter(file, Schedule.stored(file), new TflmGreedyPlanner().plan(file, Schedule.stored(file)));
            float[] computed = new float[n * k];
            int target = logits;
            for (int s = 0; s < n; s++) {
                double[] in = new double[len];
                for (int j = 0; j < len; j++) in[j] = raw[s * len + j];
                int sample = s;
                it.run(new byte[][] {TensorValues.fromReal(file.tensor(file.inputs()[0]), in, "sample")}, (step, node, arena) -> {
                    if (node.output(0) != target) return;
                    for (int j = 0; j < k; j++) computed[sample * k + j] = q.scale() * (arena.i8(target, j) - q.zeroPoint());
                });
            }
            assertArrayEquals(computed, seen, "the loss read the written int8 model's logits");
        }
    }

    @Test void theInt8ModelIsTheSameWhateverTheThreadCount() {
        Dataset data = quadrants(128, 3);
        Normalization norm = Normalization.minMax(data);
        byte[] one, two;
        try (QuantizationAwareTraining qat = train(norm, data, 1).qat()) {
            one = TfliteWriter.write(qat.convert().int8());
        }
        try (QuantizationAwareTraining qat = train(norm, data, 3).qat()) {
            two = TfliteWriter.write(qat.convert().int8());
        }
        assertArrayEquals(one, two);
    }

    @Test void theInt8ModelLearns() {
        Dataset data = quadrants(256, 4);
        Trained t = train(Normalization.minMax(data), data, 2);
        try (QuantizationAwareTraining qat = t.qat()) {
            EpochResult last = t.epochs().get(t.epochs().size() - 1);
            assertEquals(3, t.epochs().size());
            assertTrue(last.valAccuracy() > 0.9, "int8 validation accuracy after 3 epochs: " + t.epochs());
            assertTrue(last.trainLoss() < t.epochs().get(0).trainLoss(), t.epochs().toString());
        }
    }
}
