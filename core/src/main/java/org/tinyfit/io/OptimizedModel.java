package org.tinyfit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.memory.ArenaPlanner;
import org.tinyfit.memory.MemoryOptimization;
import org.tinyfit.memory.MinimumArenaPlanner;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.ArenaProof;
import org.tinyfit.memory.Schedule;
import org.tinyfit.tflite.OfflinePlan;
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
 * graph writer, with the provenance attached. When asked and when it makes TFLite Micro's arena
 * smaller, the best plan is added as the model's offline plan ({@link OfflinePlan}).
 *
 * @param graph        the model as read
 * @param memory       the order search and plans
 * @param proof        the partial-execution arena and its check
 * @param bytes        the .tflite to write
 * @param offlinePlanWritten whether {@code bytes} carry the best plan as offline plan
 */
public record OptimizedModel(Graph graph, MemoryOptimization memory, ArenaProof proof, byte[] bytes, boolean offlinePlanWritten) {
    /** The planners tried for the best plan. */
    public static List<ArenaPlanner> planners() {
        return List.of(new TflmGreedyPlanner(), new MinimumArenaPlanner());
    }

    /** As {@link #of(Path, Provenance, boolean)} with the offline plan written when it helps. */
    public static OptimizedModel of(Path model, Provenance provenance) throws IOException {
        return of(model, provenance, true);
    }

    /**
     * Reads a model file, finds its min-peak order, proves the partial-execution arena, and makes the
     * bytes to write: with {@code withOfflinePlan}, the best plan goes into the file as TFLite Micro's
     * offline plan when it needs a smaller arena than TFLite Micro's own planner on the best order.
     */
    public static OptimizedModel of(Path model, Provenance provenance, boolean withOfflinePlan) throws IOException {
        byte[] original = ModelReader.bytes(model);
        String name = ModelReader.nameOf(model);
        ModelReader.Format format = ModelReader.formatOf(original, name);
        Graph g = format.reader().apply(original, name);
        MemoryOptimization m = MemoryOptimization.of(g, planners());
        ArenaProof proof = ArenaProof.of(g, m);
        boolean plan = withOfflinePlan && m.hasOfflinePlan();
        byte[] written;
        if (format == ModelReader.TFLITE) {
            written = OptimizedFile.write(original, name, m, plan);
        } else {
            written = TfliteWriter.write(provenance.attachTo(g.reordered(m.writtenOrder(plan).order())));
            if (plan) written = OfflinePlan.write(written, OfflinePlan.of(m.offlineTensorOffsets()), name);
        }
        return new OptimizedModel(g, m, proof, written, plan);
    }

    /**
     * Writes {@code graph} to {@code file} as {@code tinyfit optimize} would write it: the provenance
     * in its metadata, the min-peak operator order, and the best plan as TFLite Micro's offline plan
     * when it helps. The file appears whole or not at all.
     */
    public static OptimizedModel write(Graph graph, Provenance provenance, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // hidden names of this process, created like any file (createTempFile would make them, and so the model, owner-only)
        String hidden = "." + file.getFileName() + "." + ProcessHandle.current().pid();
        Path plain = dir.resolve(hidden + ".plain.tflite");
        Path tmp = dir.resolve(hidden + ".tmp");
        try {
            Files.write(plain, TfliteWriter.write(provenance.attachTo(graph)));
            OptimizedModel m = of(plain, provenance);
            Files.write(tmp, m.bytes());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return m;
        } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(tmp);
        }
    }

    /** The operator order written. */
    public Schedule writtenOrder() { return memory.writtenOrder(offlinePlanWritten); }

    /** Whether the order written differs from the stored order. */
    public boolean orderChanged() { return !OptimizedFile.isIdentity(writtenOrder().order()); }

    /** TFLite Micro's planned arena for the written file. */
    public long writtenArenaBytes() { return memory.writtenArenaBytes(offlinePlanWritten); }

    /**
     * The arena with the row pipelines that lower the in-place peak ({@link MemoryOptimization#streams()}),
     * planned and proved by running ({@link ArenaProof#ofStreamed}); {@link #proof()} when there are none.
     */
    public ArenaProof streamedProof() { return memory.streams() ? ArenaProof.ofStreamed(graph, memory) : proof; }
}
