package org.tinyfit.tflite;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Runs a reader over seeded mutations of models, each case within a second of CPU time: {@code load}
 * returns true when the case loaded and false when it was rejected cleanly; a case that takes more
 * (or hangs: no answer within {@link #HANG_SECONDS} of wall time) or throws anything else fails with
 * the seed and case to replay. CPU time, not wall time, is what is limited, so a busy machine does
 * not fail a fast reader. Both outcomes must occur, or the run proves little.
 */
public final class FuzzRun {
    private FuzzRun() {}

    public record Counts(int loaded, int rejected) {}

    static final int HANG_SECONDS = 60;
    private static final long CPU_LIMIT_NANOS = 1_000_000_000L;

    private record Outcome(boolean loaded, long cpuNanos) {}

    public static Counts run(ModelMutator m, long seed, int cases, Predicate<byte[]> load) throws InterruptedException {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> { Thread t = new Thread(r, "fuzz"); t.setDaemon(true); return t; });
        int loaded = 0, rejected = 0;
        try {
            for (int k = 0; k < cases; k++) {
                ModelMutator.Case c = m.mutate(k);
                Future<Outcome> f = ex.submit(() -> {
                    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
                    long t0 = cpu.getCurrentThreadCpuTime();
                    boolean ok = load.test(c.bytes());
                    return new Outcome(ok, cpu.getCurrentThreadCpuTime() - t0);
                });
                try {
                    Outcome o = f.get(HANG_SECONDS, TimeUnit.SECONDS);
                    if (o.cpuNanos() > CPU_LIMIT_NANOS) {
                        fail("seed " + seed + " case " + k + " (" + c.what() + ") took " + o.cpuNanos() / 1_000_000 + " ms of CPU, more than 1 s");
                    }
                    if (o.loaded()) loaded++; else rejected++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail("seed " + seed + " case " + k + " (" + c.what() + ") gave no answer within " + HANG_SECONDS + " s");
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
