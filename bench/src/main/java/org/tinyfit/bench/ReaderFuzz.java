package org.tinyfit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.tinyfit.graph.GraphException;
import org.tinyfit.onnx.OnnxReader;
import org.tinyfit.tflite.ModelMutator;
import org.tinyfit.tflite.TfliteReader;

/**
 * Long fuzz run of a model reader: {@code bench/run main ReaderFuzz CASES [SEED] [tflite|onnx]}. Each
 * case mutates a model (the shared .tflite models, or the .onnx models of ONNX's backend tests as
 * libonnx-testdata installs them); it must load or throw a GraphException within 1 s. Prints progress, then the counts
 * (loaded / rejected / failures), cases per second and elapsed time; each failure is printed with its
 * seed and case number for replay.
 */
public final class ReaderFuzz {
    private ReaderFuzz() {}

    public static void main(String[] args) throws Exception {
        long cases = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        boolean onnx = args.length > 2 && args[2].equals("onnx");
        Path shared = Path.of(System.getProperty("tinyfit.shared", "shared")).resolve("models");
        if (!Files.isDirectory(shared)) shared = Path.of("/work/shared/models");
        if (onnx) shared = Path.of(System.getProperty("tinyfit.onnx.testdata", "/usr/share/libonnx-testdata/data"));
        List<byte[]> corpus = corpus(shared, onnx ? ".onnx" : ".tflite");
        String name = onnx ? "fuzz.onnx" : "fuzz.tflite";
        System.out.printf("%s reader fuzz: %d cases, seed %d, corpus of %d models from %s%n", onnx ? "onnx" : "tflite", cases, seed, corpus.size(), shared);
        for (byte[] model : corpus) { // load the reader's classes before any case is timed
            try {
                if (onnx) OnnxReader.read(model, name); else TfliteReader.read(model, name);
            } catch (GraphException e) {
                // an unmodified model may still use an op the import refuses
            }
        }
        ModelMutator mutator = new ModelMutator(corpus, seed);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "fuzz"); t.setDaemon(true); return t; });
        long loaded = 0, rejected = 0, failures = 0;
        java.util.Map<String, Long> reasons = new java.util.HashMap<>();
        long start = System.nanoTime();
        long report = Math.max(1, cases / 20);
        for (long k = 0; k < cases; k++) {
            ModelMutator.Case c = mutator.mutate(k);
            Future<Boolean> f = ex.submit(() -> {
                try {
                    if (onnx) OnnxReader.read(c.bytes(), name); else TfliteReader.read(c.bytes(), name);
                    return true;
                } catch (GraphException e) {
                    if (e.getMessage() == null || e.getMessage().contains("\n")) throw new IllegalStateException("not a one-line error: " + e.getMessage());
                    reasons.merge(reason(e.getMessage(), name), 1L, Long::sum);
                    return false;
                }
            });
            try {
                if (f.get(1, TimeUnit.SECONDS)) loaded++; else rejected++;
            } catch (TimeoutException e) {
                failures++;
                System.out.printf("FAILURE seed %d case %d (%s): took more than 1 s%n", seed, k, c.what());
                f.cancel(true);
                ex.shutdownNow();
                ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "fuzz"); t.setDaemon(true); return t; });
            } catch (ExecutionException e) {
                failures++;
                System.out.printf("FAILURE seed %d case %d (%s): %s%n", seed, k, c.what(), e.getCause());
            }
            if ((k + 1) % report == 0) {
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf("  %,d cases, %.0f s, %,.0f cases/s, loaded %d, rejected %d, failures %d%n", k + 1, s, (k + 1) / s, loaded, rejected, failures);
            }
        }
        ex.shutdownNow();
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("done: %,d cases in %.1f s (%,.0f cases/s): loaded %d, rejected %d, failures %d%n", cases, s, cases / s, loaded, rejected, failures);
        System.out.println("most frequent rejections (numbers replaced by #):");
        reasons.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> System.out.printf("  %,9d  %s%n", e.getValue(), e.getKey()));
        if (failures > 0) System.exit(1);
    }

    /** A rejection message without the file name and with numbers masked, so similar ones group. */
    private static String reason(String message, String name) {
        String m = message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
        m = m.replaceAll("-?[0-9]+(\\.[0-9]+)?(E-?[0-9]+)?", "#");
        m = m.replaceAll("\\([^()]*\\)", "(..)");
        return m.length() > 110 ? m.substring(0, 110) + "..." : m;
    }

    private static List<byte[]> corpus(Path dir, String suffix) throws IOException {
        List<byte[]> out = new ArrayList<>();
        Set<Path> dirs = new HashSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(x -> x.toString().endsWith(suffix)).sorted().toList()) {
                if (p.getParent().equals(dir) || dirs.add(p.getParent())) out.add(Files.readAllBytes(p));
            }
        }
        return out;
    }
}
