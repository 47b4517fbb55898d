package org.tinyfit.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.GraphException;
import org.tinyfit.tflite.FuzzRun;
import org.tinyfit.tflite.ModelMutator;

/** Mutated .onnx files import or fail with a one-line GraphException, each within a second. */
class OnnxReaderFuzzTest {
    static final long SEED = 20261204L;
    static final int CASES = 10_000;

    /** The CNN built in code, and (when ONNX's test data is installed) the PyTorch-exported layers tinyfit imports. */
    static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        for (long s = 1; s <= 3; s++) out.add(OnnxModels.smallCnn(s).toByteArray());
        if (OnnxBackendCases.present()) {
            for (String name : List.of("test_Conv2d_depthwise_padded", "test_BatchNorm2d_eval", "test_MaxPool2d", "test_Linear", "test_Softmax",
                    "test_ConvTranspose2d", "test_Conv1d_pad2", "test_AvgPool2d_stride", "test_LeakyReLU_with_negval")) {
                Path p = OnnxBackendCases.ROOT.resolve("pytorch-converted").resolve(name).resolve("model.onnx");
                if (Files.isRegularFile(p)) out.add(OnnxBackendCases.read(p));
            }
        }
        return out;
    }

    @Test
    void mutatedModelsImportOrFailWithOneLineWithinASecond() throws Exception {
        FuzzRun.Counts n = FuzzRun.run(new ModelMutator(corpus(), SEED), SEED, CASES, bytes -> {
            try {
                return OnnxReader.read(bytes, "fuzz.onnx") != null;
            } catch (GraphException e) {
                if (e.getMessage() == null || e.getMessage().contains("\n")) throw new AssertionError("not a one-line error: " + e.getMessage());
                return false;
            }
        });
        System.out.println("onnx reader fuzz: " + CASES + " cases, " + n.loaded() + " imported, " + n.rejected() + " rejected");
    }
}
