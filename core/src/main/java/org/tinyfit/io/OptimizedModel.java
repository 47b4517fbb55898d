package org.tinyfit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.memory.ArenaPlanner;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.ArenaProof;
import org.tinyfit.tflite.TfliteReorder;
import org.tinyfit.tflite.TfliteWriter;

/**
 * A model file optimized for memory: its operators in the order of smallest peak, what every plan
 * of that order costs ({@link MemoryOptimization}), the partial-execution arena proven by running
 * ({@link ArenaProof}), and the bytes of the model to write.
 *
 * <p>A TFLite file is only reordered, byte-preserving ({@link TfliteReorder}): tensors, buffers,
 * options and metadata stay as they were, and a file whose order does not change is written back
 * unchanged, so no provenance is added to it. A model of another format is written through the
 * graph writer, with the provenance attached.
 *
 * @param graph        the model as read
 * @param memory       the order search and plans
 * @param proof        the partial-execution arena and its check
 * @param bytes        the .tflite to write
 */
public record OptimizedModel(Graph graph, MemoryOptimization memory, ArenaProof proof, byte[] bytes) {
    /** The planners tried for the best plan. */
    public static List<ArenaPlanner> planners() {
        return List.of(new TflmGreedyPlanner(), new MinimumArenaPlanner());
    }

    /** Reads a model file, finds its min-peak order, proves the partial-execution arena, and makes the bytes to write. */
    public static OptimizedModel of(Path model, Provenance provenance) throws IOException {
        byte[] original = Files.readAllBytes(model);
        String name = ModelReader.nameOf(model);
        ModelReader.Format format = ModelReader.formatOf(original, name);
        Graph g = format.reader().apply(original, name);
        MemoryOptimization m = MemoryOptimization.of(g, planners());
        ArenaProof proof = ArenaProof.of(g, m);
        byte[] written;
        if (format == ModelReader.TFLITE) {
            written = m.orderChanged() ? TfliteReorder.withOperatorOrder(original, m.chosenOrder().order()) : original;
        } else {
            written = TfliteWriter.write(provenance.attachTo(g.reordered(m.chosenOrder().order())));
        }
        return new OptimizedModel(g, m, proof, written);
    }
}
