package org.tinyfit.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.tflite.TfliteWriter;

/**
 * An int8 model written for the device: its provenance in the metadata, its operators in the order
 * with the smallest peak memory and, when it beats TensorFlow Lite Micro's own planner, tinyfit's
 * best arena plan written in as TFLite Micro's offline plan (what {@code tinyfit optimize} does).
 */
public final class Deployment {
    private Deployment() {}

    /** Writes {@code int8} to {@code file} (atomically) and returns what was written and its arena. */
    public static OptimizedModel write(Graph int8, Provenance provenance, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path plain = Files.createTempFile(dir, file.getFileName().toString(), ".plain.tflite");
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(plain, TfliteWriter.write(provenance.attachTo(int8)));
            OptimizedModel m = OptimizedModel.of(plain, provenance);
            Files.write(tmp, m.bytes());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return m;
        } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(tmp);
        }
    }
}
