package org.tinyfit.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The published measurements shipped with tinyfit ({@code measurements.json} beside this class, each row citing its source). */
public final class Measurements {
    static final String RESOURCE = "measurements.json";
    private static volatile List<Measurement> builtin;

    private Measurements() {}

    /** Every built-in measurement, in the order of the file. */
    public static List<Measurement> builtin() {
        List<Measurement> b = builtin;
        if (b == null) builtin = b = load();
        return b;
    }

    private static List<Measurement> load() {
        try (InputStream in = Measurements.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the built-in measurements " + RESOURCE + " are missing from the class path");
            JsonNode arr = new ObjectMapper().readTree(in).get("measurements");
            List<Measurement> out = new ArrayList<>();
            for (JsonNode r : arr) {
                out.add(new Measurement(r.get("board").asText(), r.path("boardName").asText(""), r.get("core").asText(), r.get("clockHz").asLong(),
                        r.get("runtime").asText(), r.path("software").asText(""), r.get("workload").asText(), r.get("measuredMillis").asDouble(),
                        r.path("source").asText("")));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
