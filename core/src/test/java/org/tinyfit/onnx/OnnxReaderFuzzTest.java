package org.tinyfit.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
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
        ModelMutator m = new ModelMutator(corpus(), SEED);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "onnx-fuzz"); t.setDaemon(true); return t; });
        int loaded = 0, rejected = 0;
        try {
            for (int k = 0; k < CASES; k++) {
                ModelMutator.Case c = m.mutate(k);
                Future<Boolean> f = ex.submit(() -> {
                    try {
                        Graph g = OnnxReader.read(c.bytes(), "fuzz.onnx");
                        return g != null;
                    } catch (GraphException e) {
                        if (e.getMessage() == null || e.getMessage().contains("\n")) throw new AssertionError("not a one-line error: " + e.getMessage());
                        return false;
                    }
                });
                try {
                    if (f.get(1, TimeUnit.SECONDS)) loaded++; else rejected++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail("seed " + SEED + " case " + k + " (" + c.what() + ") took more than 1 s");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("seed " + SEED + " case " + k + " (" + c.what() + ") threw " + e.getCause(), e.getCause());
                }
            }
        } finally {
            ex.shutdownNow();
        }
        System.out.println("onnx reader fuzz: " + CASES + " cases, " + loaded + " imported, " + rejected + " rejected");
        if (rejected == 0 || loaded == 0) fail("a fuzz run should both import and reject some cases: imported " + loaded + ", rejected " + rejected);
    }
}
