package org.tinyfit.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Emulated instruction counts of the software versions behind published measurements
 * ({@code emulated-instructions.json} beside this class): for a version, the instructions one
 * {@code Invoke()} of each MLPerf Tiny workload executes when that version is built for an emulated
 * core (QEMU's Cortex-M4, or its Cortex-M55 with Helium for a version whose board has Helium), and the
 * (board, runtime) pairs whose published rows ran it. Counts of instructions, not cycles (a Helium
 * vector instruction counts as one); docs/bench-tflm-check.md says how they were made.
 */
public final class EmulatedInstructions {
    static final String RESOURCE = "emulated-instructions.json";

    /** The emulated core a version is counted on unless its entry names another. */
    public static final String DEFAULT_EMULATED_CORE = "Cortex-M4";

    /**
     * One software version: its name, where its sources came from, the rows that ran it, instructions per
     * workload, and the emulated core they were counted on (its instruction set: the Cortex-M4's DSP
     * instructions, or the Cortex-M55's Helium vector instructions).
     */
    public record Version(String id, String software, String sources, List<String> measuredAs, Map<String, Long> instructions, String emulatedCore) {
        public Version {
            measuredAs = List.copyOf(measuredAs);
            instructions = Map.copyOf(instructions);
        }

        /** A version counted on the emulated Cortex-M4. */
        public Version(String id, String software, String sources, List<String> measuredAs, Map<String, Long> instructions) {
            this(id, software, sources, measuredAs, instructions, DEFAULT_EMULATED_CORE);
        }

        /** True when the counts are of the Cortex-M4's instruction set. */
        public boolean countedOnCortexM4() { return DEFAULT_EMULATED_CORE.equals(emulatedCore); }
    }

    private final List<Version> versions;
    private final Map<String, Version> byRow = new LinkedHashMap<>();

    EmulatedInstructions(List<Version> versions) {
        this.versions = List.copyOf(versions);
        for (Version v : this.versions) {
            for (String row : v.measuredAs()) {
                if (byRow.put(row, v) != null) throw new IllegalArgumentException("two emulated versions claim the rows " + row.replace('\u0000', ' '));
            }
        }
    }

    private static volatile EmulatedInstructions builtin;

    /** The counts shipped with tinyfit. */
    public static EmulatedInstructions builtin() {
        EmulatedInstructions b = builtin;
        if (b == null) builtin = b = load();
        return b;
    }

    public List<Version> versions() { return versions; }

    static String row(String board, String runtime) { return board.toLowerCase(Locale.ROOT) + "\u0000" + runtime; }

    /** The emulated version a board's rows of a runtime ran, or null if it was not emulated. */
    public Version versionOf(String board, String runtime) { return byRow.get(row(board, runtime)); }

    /** Instructions of one inference of {@code workload} in the software a board ran for a runtime, or null when not emulated. */
    public Long instructions(String board, String runtime, String workload) {
        Version v = versionOf(board, runtime);
        return v == null ? null : v.instructions().get(workload);
    }

    private static EmulatedInstructions load() {
        try (InputStream in = EmulatedInstructions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("the built-in emulated instruction counts " + RESOURCE + " are missing from the class path");
            List<Version> out = new ArrayList<>();
            for (JsonNode v : new ObjectMapper().readTree(in).get("versions")) {
                List<String> rows = new ArrayList<>();
                for (JsonNode r : v.get("measuredAs")) rows.add(row(r.get("board").asText(), r.get("runtime").asText()));
                Map<String, Long> counts = new LinkedHashMap<>();
                v.get("instructions").fields().forEachRemaining(e -> {
                    if (!Workloads.NAMES.contains(e.getKey())) throw new IllegalStateException(RESOURCE + ": no workload \"" + e.getKey() + "\"");
                    if (e.getValue().asLong() <= 0) throw new IllegalStateException(RESOURCE + ": " + e.getKey() + " needs a positive count");
                    counts.put(e.getKey(), e.getValue().asLong());
                });
                out.add(new Version(v.get("id").asText(), v.get("software").asText(), v.path("sources").asText(""), rows, counts,
                        v.path("emulatedCore").asText(DEFAULT_EMULATED_CORE)));
            }
            return new EmulatedInstructions(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
