package org.tinyfit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinyfit.search.EvaluatorFactory;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchRun;

/**
 * A search on a real standalone cluster (a master and two workers, each its own JVM, on
 * 127.0.0.1) that loses a worker and its executor while both are training candidates still
 * completes, with the journal of the in-process search: nothing lost, nothing evaluated twice.
 */
class ClusterKillTest {
    @TempDir Path dir;

    /** Counts tasks running on each executor and tasks that ended otherwise than in success. */
    static final class Tasks extends SparkListener {
        final Map<String, Integer> running = new HashMap<>();
        /** The executor that started a task last. */
        String latest;
        final AtomicInteger failed = new AtomicInteger();
        final List<String> events = new java.util.ArrayList<>();
        final CountDownLatch bothBusy = new CountDownLatch(1);

        @Override public synchronized void onTaskStart(SparkListenerTaskStart e) {
            running.merge(e.taskInfo().executorId(), 1, Integer::sum);
            latest = e.taskInfo().executorId();
            events.add("start " + e.taskInfo().id() + " on " + e.taskInfo().executorId());
            if (running.values().stream().filter(n -> n > 0).count() >= 2) bothBusy.countDown();
        }

        @Override public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
            running.merge(e.taskInfo().executorId(), -1, Integer::sum);
            events.add("end " + e.taskInfo().id() + " on " + e.taskInfo().executorId() + ": " + e.reason());
            if (e.reason() != Success$.MODULE$) failed.incrementAndGet();
        }
    }

    @Test void aWorkerKilledMidEvaluationLosesNothingAndRepeatsNothing() throws Exception {
        int candidates = 4;
        List<String> expected = SearchRuns.journal(SearchRun.run(SearchRuns.options(dir.resolve("threads"), candidates, 2, 1200),
                new Search.Listener() {}).journal());
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), 2)) {
            Tasks tasks = new Tasks();
            EvaluatorFactory spark = new SparkEvaluatorFactory(cluster.url(), cluster.settings());
            EvaluatorFactory watched = (o, space, data) -> {
                SparkEvaluator e = (SparkEvaluator) spark.open(o, space, data);
                e.context().sc().addSparkListener(tasks);
                return e;
            };
            Thread killer = new Thread(() -> {
                try {
                    if (tasks.bothBusy.await(30, TimeUnit.MINUTES)) {
                        synchronized (tasks) {
                            int w = cluster.workerOf(tasks.latest);
                            tasks.events.add("killing worker " + w + " of executor " + tasks.latest + ": " + cluster.killWorker(Math.max(0, w)));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "worker-killer");
            killer.setDaemon(true);
            killer.start();
            SearchRun.Result r;
            try {
                r = SearchRun.run(SearchRuns.options(dir.resolve("spark"), candidates, 2, 1200), new Search.Listener() {}, watched);
            } catch (RuntimeException e) {
                throw new AssertionError("the search on the cluster failed: " + e + cluster.tails(), e);
            }
            killer.interrupt();
            killer.join();
            assertEquals(0, tasks.bothBusy.getCount(), "two executors trained at once" + cluster.tails());
            assertTrue(tasks.failed.get() >= 1, "the killed executor's task was lost and run again: " + tasks.failed.get() + "\n" + String.join("\n", tasks.events) + cluster.tails());
            assertEquals(expected, SearchRuns.journal(r.journal()), "the journal of the in-process search: nothing lost, nothing twice");
        }
    }
}
