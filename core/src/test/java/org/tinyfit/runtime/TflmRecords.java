package org.tinyfit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Tensor;

/**
 * What TFLite Micro computed for models the tests write, as recorded in a test resource: one row per
 * figure, tab-separated, {@code model  sha256  seed|-  key  value}. Rows with seed {@code -} are arena
 * figures in bytes ({@code planned}, {@code arena_used_plain}); the others are a tensor's bytes in hex
 * for that seed, keyed by what was read ({@code output 0}, {@code tensor 5}). Lines starting with
 * {@code #} say how the figures were recorded.
 */
final class TflmRecords {
    private TflmRecords() {}

    /** One model's rows: the hash of the file TFLite Micro ran, its arena figures, and per seed its tensors by key. */
    record Recorded(String sha256, Map<String, Long> arena, Map<Integer, Map<String, byte[]>> seeds) {}

    /** The rows of {@code resource} (next to this class), by model in file order. */
    static Map<String, Recorded> read(String resource) throws IOException {
        InputStream in = TflmRecords.class.getResourceAsStream(resource);
        assertNotNull(in, "test resource " + resource);
        Map<String, Recorded> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t");
                assertEquals(5, f.length, resource + ": five columns in " + line);
                Recorded m = out.computeIfAbsent(f[0], k -> new Recorded(f[1], new HashMap<>(), new HashMap<>()));
                assertEquals(m.sha256(), f[1], f[0] + ": one file hash per model");
                if (f[2].equals("-")) m.arena().put(f[3], Long.parseLong(f[4]));
                else m.seeds().computeIfAbsent(Integer.parseInt(f[2]), k -> new LinkedHashMap<>()).put(f[3], HexFormat.of().parseHex(f[4]));
            }
        }
        return out;
    }

    /**
     * The inputs of shared/models/README.md's generator for {@code seed}, the bytes TFLite Micro's
     * harness filled the input tensors with: an LCG from {@code 12345 + seed}, one byte per step for
     * integer tensors, a float in [-1, 1) per step for float32 ones.
     */
    static byte[][] lcgInputs(Graph g, int seed) {
        int x = 12345 + seed;
        byte[][] ins = new byte[g.inputs().length][];
        for (int k = 0; k < ins.length; k++) {
            Tensor t = g.tensor(g.inputs()[k]);
            byte[] b = new byte[(int) t.bytes()];
            ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            if (t.dtype() == DType.F32) {
                for (int i = 0; i < b.length / 4; i++) {
                    x = x * 1103515245 + 12345;
                    bb.putFloat(4 * i, (((x >>> 16) & 0xffff) - 32768) / 32768f);
                }
            } else {
                for (int i = 0; i < b.length; i++) {
                    x = x * 1103515245 + 12345;
                    b[i] = (byte) ((x >>> 16) & 0xff);
                }
            }
            ins[k] = b;
        }
        return ins;
    }
}
