package org.tinyfit.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed pool of worker threads that runs numbered chunks of work. Which thread runs a chunk never
 * changes a result: callers give each chunk its own output (or its own partial sums, added in chunk
 * order afterwards), so results are bit-for-bit the same for any thread count.
 */
public final class Parallel implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "tinyfit-train");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() { return threads; }

    /** Runs {@code body.accept(i)} for every i in [0, chunks); the caller's thread works too. */
    public void forEach(int chunks, IntConsumer body) {
        forEach(chunks, (i, worker) -> body.accept(i));
    }

    /** A chunk of work that also learns which worker (0 .. threads-1) runs it, to use that worker's scratch memory. */
    @FunctionalInterface
    public interface WorkerBody { void run(int chunk, int worker); }

    /** Runs {@code body.run(i, worker)} for every i in [0, chunks); worker 0 is the caller's thread. */
    public void forEach(int chunks, WorkerBody body) {
        if (chunks <= 0) return;
        if (pool == null || chunks == 1) {
            for (int i = 0; i < chunks; i++) body.run(i, 0);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int helpers = Math.min(threads - 1, chunks - 1);
        CountDownLatch done = new CountDownLatch(helpers);
        java.util.function.IntConsumer work = worker -> {
            try {
                for (int i; (i = next.getAndIncrement()) < chunks && failure.get() == null; ) body.run(i, worker);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        };
        for (int h = 0; h < helpers; h++) {
            int worker = h + 1;
            pool.execute(() -> { try { work.accept(worker); } finally { done.countDown(); } });
        }
        work.accept(0);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for workers", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException(f);
    }

    /** Splits [0, n) into at most {@code parts} contiguous ranges and runs {@code body(from, to)} on each. */
    public void forRange(int n, int parts, RangeBody body) {
        int p = Math.max(1, Math.min(parts, n));
        forEach(p, (int i) -> body.run((int) ((long) n * i / p), (int) ((long) n * (i + 1) / p)));
    }

    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    @Override public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
