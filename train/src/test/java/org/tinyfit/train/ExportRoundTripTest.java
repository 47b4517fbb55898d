package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.graph.Graph;
import org.tinyfit.memory.Schedule;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.tflite.TfliteReader;
import org.tinyfit.tflite.TfliteWriter;

/** A trained graph, exported to .tflite and read back, runs in tinyfit's runtime with the training engine's outputs. */
class ExportRoundTripTest {
    @Test void theExportedTfliteGivesTheTrainedNetworksOutputsInTheRuntime(@TempDir Path tmp) throws Exception {
        Graph g = BatchNormFoldingTest.trainedWithBatchNorm();
        Path file = tmp.resolve("m.tflite");
        Files.write(file, TfliteWriter.write(InferenceForm.of(g)));
        Graph read = TfliteReader.read(file);
        Interpreter it = new Interpreter(read, Schedule.stored(read), new TflmGreedyPlanner().plan(read, Schedule.stored(read)));
        float[] x = KernelTest.random(3 * 64, 11);
        float[] want;
        try (Net net = Net.compile(g, 1)) {
            net.forward(x, 3, false, 0);
            want = net.output().clone();
        }
        for (int s = 0; s < 3; s++) {
            ByteBuffer in = ByteBuffer.allocate(64 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 64; i++) in.putFloat(x[s * 64 + i]);
            ByteBuffer out = ByteBuffer.wrap(it.run(new byte[][] {in.array()})[0]).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < 3; j++) assertEquals(want[s * 3 + j], out.getFloat(j * 4), 1e-4f, "sample " + s + " output " + j);
        }
    }
}
