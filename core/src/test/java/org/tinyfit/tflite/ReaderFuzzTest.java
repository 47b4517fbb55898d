package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.GraphException;

class ReaderFuzzTest {
    static final long SEED = 20261125L;
    static final int CASES = 20_000;

    /** A varied corpus: every top-level model and one model of each seanet operator. */
    static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        java.util.Set<Path> dirsSeen = new java.util.HashSet<>();
        for (Path p : SharedModels.all()) {
            Path dir = p.getParent();
            if (dir.equals(SharedModels.dir()) || dirsSeen.add(dir)) out.add(SharedModels.bytes(p));
        }
        return out;
    }

    @Test
    void mutatedModelsLoadOrFailWithAGraphExceptionAndLoadedOnesSurviveRewriting() throws Exception {
        ModelMutator m = new ModelMutator(corpus(), SEED);
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "fuzz"); t.setDaemon(true); return t; });
        int loaded = 0, rejected = 0;
        try {
            for (int k = 0; k < CASES; k++) {
                ModelMutator.Case c = m.mutate(k);
                Future<Boolean> f = ex.submit(() -> {
                    org.tinyfit.graph.Graph g;
                    try {
                        g = TfliteReader.read(c.bytes(), "fuzz.tflite");
                    } catch (GraphException e) {
                        return false;
                    }
                    byte[] again;
                    try {
                        again = TfliteWriter.write(g);
                    } catch (GraphException e) {
                        return true; // e.g. an element type TFLite cannot store
                    }
                    GraphAssert.same(g, TfliteReader.read(again, "fuzz.tflite"), "rewritten");
                    return true;
                });
                try {
                    if (f.get(1, TimeUnit.SECONDS)) loaded++; else rejected++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail("seed " + SEED + " case " + k + " (" + c.what() + ") took more than 1 s");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("seed " + SEED + " case " + k + " (" + c.what() + ") threw " + e.getCause(), e.getCause());
                }
            }
        } finally {
            ex.shutdownNow();
        }
        System.out.println("reader fuzz: " + CASES + " cases, " + loaded + " loaded, " + rejected + " rejected");
        if (rejected == 0 || loaded == 0) fail("a fuzz run should both load and reject some cases: loaded " + loaded + ", rejected " + rejected);
    }
}
