package org.tinyfit.search;

import java.io.IOException;
import java.nio.file.Path;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.OptimizedModel;

/**
 * An int8 model written for the device: its provenance in the metadata, its operators in the order
 * with the smallest peak memory and, when it beats TensorFlow Lite Micro's own planner, tinyfit's
 * best arena plan written in as TFLite Micro's offline plan (what {@code tinyfit optimize} does).
 */
public final class Deployment {
    private Deployment() {}

    /** Writes {@code int8} to {@code file} (atomically) and returns what was written and its arena. */
    public static OptimizedModel write(Graph int8, Provenance provenance, Path file) throws IOException {
        return OptimizedModel.write(int8, provenance, file);
    }
}
