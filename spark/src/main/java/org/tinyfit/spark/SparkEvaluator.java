package org.tinyfit.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.tinyfit.search.Candidate;
import org.tinyfit.search.Evaluation;
import org.tinyfit.search.Evaluator;
import org.tinyfit.search.LocalEvaluator;
import org.tinyfit.search.SearchException;
import org.tinyfit.search.SearchSpace;

/**
 * Evaluates candidates as Spark tasks: a batch (one generation of the search) becomes one job of
 * one task per candidate; each task trains and measures its candidate on an executor, with the
 * task's cores, and sends back only its figures. The driver keeps the journal, so an executor lost
 * mid-job costs only the tasks it was running, which Spark runs again elsewhere
 * ({@code spark.task.maxFailures}); as training is reproducible, a task run twice gives the same
 * figures, and the search's result does not depend on where or how often a task ran.
 */
public final class SparkEvaluator implements Evaluator {
    private final JavaSparkContext sc;
    private final boolean ownsContext;
    private final Space space;
    private final ShippedData data;

    /** The search space as a task rebuilds it. */
    record Space(int[] input, int classes, int maxEpochs) implements java.io.Serializable {
        SearchSpace space() { return new SearchSpace(input, classes, maxEpochs); }
    }

    SparkEvaluator(JavaSparkContext sc, boolean ownsContext, SearchSpace space, ShippedData data) {
        this.sc = sc;
        this.ownsContext = ownsContext;
        this.space = new Space(space.input(), space.classes(), space.maxEpochs());
        this.data = data;
    }

    /** The Spark context the tasks run in. */
    public JavaSparkContext context() { return sc; }

    /** Whether the data go to the executors as a broadcast (else by path). */
    public boolean broadcastsData() { return data.broadcast(); }

    @Override public List<Evaluation> evaluate(List<Candidate> batch) throws InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (Candidate c : batch) jobs.add(Job.whole(c));
        return train(jobs);
    }

    @Override public List<Evaluation> train(List<Job> jobs) throws InterruptedException {
        List<Task> tasks = new ArrayList<>();
        List<Candidate> batch = new ArrayList<>();
        for (Job j : jobs) {
            tasks.add(Task.of(j));
            batch.add(j.candidate());
        }
        sc.setJobDescription("tinyfit search: candidates " + batch.getFirst().id() + " to " + batch.getLast().id());
        List<Figures> figures;
        try {
            figures = sc.parallelize(tasks, tasks.size()).map(new Train(space, data)).collect();
        } catch (RuntimeException e) {
            if (Thread.interrupted()) throw new InterruptedException("the search was interrupted");
            throw failed(e);
        }
        List<Evaluation> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Figures f = figures.get(i);
            if (f.id() != batch.get(i).id()) throw new IllegalStateException("Spark returned candidate " + f.id() + " for " + batch.get(i).id());
            out.add(f.evaluation());
        }
        return out;
    }

    /** A job's failure as one line: the first cause's message. */
    private static SearchException failed(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root instanceof SparkException || root.getMessage() == null ? e.getMessage() : root.getMessage();
        String line = msg == null ? e.toString() : msg.lines().findFirst().orElse(msg);
        return new SearchException("the evaluations on Spark failed: " + line, e);
    }

    @Override public void close() {
        if (ownsContext) sc.stop();
    }

    /** One task: trains and measures one candidate on an executor. */
    private record Train(Space space, ShippedData data) implements Function<Task, Figures> {
        @Override public Figures call(Task t) {
            TaskContext ctx = TaskContext.get();
            int threads = ctx == null ? 1 : Math.max(1, ctx.cpus());
            return Figures.of(LocalEvaluator.evaluate(space.space(), data.open(), t.job(), threads));
        }
    }
}
