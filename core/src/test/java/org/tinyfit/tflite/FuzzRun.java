package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs a reader over seeded mutations of models, each case within a second: {@code load} returns
 * true when the case loaded and false when it was rejected cleanly; a timeout or any other throw
 * fails with the seed and case to replay. Both outcomes must occur, or the run proves little.
 */
public final class FuzzRun {
    private FuzzRun() {}

    public record Counts(int loaded, int rejected) {}

    public static Counts run(ModelMutator m, long seed, int cases, Predicate<byte[]> load) throws InterruptedException {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "fuzz"); t.setDaemon(true); return t; });
        int loaded = 0, rejected = 0;
        try {
            for (int k = 0; k < cases; k++) {
                ModelMutator.Case c = m.mutate(k);
                Future<Boolean> f = ex.submit(() -> load.test(c.bytes()));
                try {
                    if (f.get(1, TimeUnit.SECONDS)) loaded++; else rejected++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail("seed " + seed + " case " + k + " (" + c.what() + ") took more than 1 s");
                } catch (ExecutionException e) {
                    throw new AssertionError("seed " + seed + " case " + k + " (" + c.what() + ") threw " + e.getCause(), e.getCause());
                }
            }
        } finally {
            ex.shutdownNow();
        }
        if (rejected == 0 || loaded == 0) fail("a fuzz run should both load and reject some cases: loaded " + loaded + ", rejected " + rejected);
        return new Counts(loaded, rejected);
    }
}
