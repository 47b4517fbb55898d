package org.tinyfit.graph;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a model that tinyfit wrote comes from: the tinyfit version, the command that made it, and,
 * when they apply, the data it was trained on, its model spec and its training configuration.
 * A writer attaches it to the graph it writes ({@link #attachTo}); it is stored as metadata entries
 * named {@code tinyfit.version}, {@code tinyfit.command}, {@code tinyfit.data}, {@code tinyfit.spec}
 * and {@code tinyfit.train}, so that a result can be traced and repeated.
 *
 * @param version  the tinyfit version that wrote the model
 * @param command  the command line, e.g. {@code tinyfit train --data ...}
 * @param data     the data the model was trained on (a description with its origin), or null
 * @param spec     the model spec it was built from (JSON), or null
 * @param training the training configuration (its fingerprint), or null
 */
public record Provenance(String version, String command, String data, String spec, String training) {
    /** The version of this tinyfit build. */
    public static final String VERSION = "0.1.0";

    /** The metadata key prefix of every entry. */
    public static final String PREFIX = "tinyfit.";

    public Provenance {
        if (version == null || version.isBlank()) throw new IllegalArgumentException("a provenance needs a version");
        if (command == null || command.isBlank()) throw new IllegalArgumentException("a provenance needs the command that made the model");
    }

    /** This build's version and a command line; no data, spec or training. */
    public static Provenance of(String command) {
        return new Provenance(VERSION, command, null, null, null);
    }

    public Provenance withData(String d) { return new Provenance(version, command, d, spec, training); }

    public Provenance withSpec(String s) { return new Provenance(version, command, data, s, training); }

    public Provenance withTraining(String t) { return new Provenance(version, command, data, spec, t); }

    /** The metadata entries, in a fixed order, leaving out what is null. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "version", version);
        m.put(PREFIX + "command", command);
        if (data != null) m.put(PREFIX + "data", data);
        if (spec != null) m.put(PREFIX + "spec", spec);
        if (training != null) m.put(PREFIX + "train", training);
        return m;
    }

    /** The graph with these metadata entries added (replacing earlier ones of the same names). */
    public Graph attachTo(Graph g) {
        return g.withMetadata(metadata());
    }

    /**
     * The provenance a graph carries, or null if it has none. Entries read back from a file carry
     * the reader's prefix for file metadata ({@code metadataPrefix}, e.g. {@code "tflite.metadata."});
     * pass "" for a graph that was never written.
     */
    public static Provenance of(Graph g, String metadataPrefix) {
        Map<String, String> m = g.metadata();
        String p = metadataPrefix + PREFIX;
        if (!m.containsKey(p + "version") || !m.containsKey(p + "command")) return null;
        return new Provenance(m.get(p + "version"), m.get(p + "command"), m.get(p + "data"), m.get(p + "spec"), m.get(p + "train"));
    }
}
