package org.tinyfit.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tinyfit.search.Candidate;
import org.tinyfit.search.Evaluation;
import org.tinyfit.search.Evaluator;
import org.tinyfit.search.EvaluatorFactory;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchRun;

/**
 * Evaluations per hour of one short search (credit data), run in turn in-process (threads),
 * on {@code local[2]} and on a standalone cluster of two one-core workers on this machine; the
 * same search each time, repeated, medians printed as a Markdown table. The rate counts only the
 * time inside the evaluator's {@code evaluate} calls; the setup (Spark context, executors) is
 * given apart.
 *
 * <p>{@code EvaluationThroughput CANDIDATES LIMIT REPEATS} (bench/spark-evals runs it).
 */
public final class EvaluationThroughput {
    private EvaluationThroughput() {}

    /** Times the evaluate calls of the evaluator it wraps. */
    static final class Timed implements Evaluator {
        final Evaluator inner;
        double seconds, firstSeconds;
        int evaluations, firstEvaluations;

        Timed(Evaluator inner) { this.inner = inner; }

        @Override public List<Evaluation> evaluate(List<Candidate> batch) throws InterruptedException {
            List<Job> jobs = new java.util.ArrayList<>();
            for (Candidate c : batch) jobs.add(Job.whole(c));
            return train(jobs);
        }

        @Override public List<Evaluation> train(List<Job> batch) throws InterruptedException {
            long t0 = System.nanoTime();
            List<Evaluation> out = inner.train(batch);
            double took = (System.nanoTime() - t0) / 1e9;
            if (evaluations == 0) {
                firstSeconds = took;
                firstEvaluations = out.size();
            }
            seconds += took;
            evaluations += out.size();
            return out;
        }

        @Override public void close() { inner.close(); }
    }

    /** Evaluations per hour over the whole search, and after its first generation (executors started, code warmed up). */
    record Run(double perHour, double steadyPerHour, double setupSeconds) {}

    static Run once(EvaluatorFactory f, Path out, int candidates, int limit) throws InterruptedException {
        Timed[] timed = new Timed[1];
        long[] opened = new long[2];
        EvaluatorFactory watched = (o, space, data) -> {
            opened[0] = System.nanoTime();
            timed[0] = new Timed(f.open(o, space, data));
            opened[1] = System.nanoTime();
            return timed[0];
        };
        SearchRun.run(SearchRuns.options(out, candidates, 2, limit), new Search.Listener() {}, watched);
        Timed t = timed[0];
        return new Run(t.evaluations / t.seconds * 3600, (t.evaluations - t.firstEvaluations) / (t.seconds - t.firstSeconds) * 3600,
                (opened[1] - opened[0]) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        int candidates = Integer.parseInt(args[0]), limit = Integer.parseInt(args[1]), repeats = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("tinyfit-spark-bench");
        List<String> names = List.of("in-process, 2 threads", "local[2]", "standalone, 2 workers x 1 core");
        List<List<Run>> runs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), 2)) {
            List<EvaluatorFactory> factories = List.of(EvaluatorFactory.local(), new SparkEvaluatorFactory("local[2]"),
                    new SparkEvaluatorFactory(cluster.url(), cluster.settings()));
            for (int r = 0; r < repeats; r++) {
                for (int m = 0; m < factories.size(); m++) {
                    Run run = once(factories.get(m), dir.resolve("run-" + r + "-" + m), candidates, limit);
                    runs.get(m).add(run);
                    System.err.printf(Locale.ROOT, "%s, run %d: %.0f evaluations/h, %.0f after the first generation, setup %.1f s%n", names.get(m),
                            r + 1, run.perHour(), run.steadyPerHour(), run.setupSeconds());
                }
            }
        }
        System.out.println("| evaluator | evaluations per hour, whole search (median) | runs | after the first generation (median) | runs | Spark context start, s (median) |");
        System.out.println("|---|---:|---|---:|---|---:|");
        for (int m = 0; m < names.size(); m++) {
            List<Run> rs = runs.get(m);
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %s | %,.0f | %s | %.1f |%n", names.get(m), median(rs.stream().mapToDouble(Run::perHour).toArray()),
                    each(rs.stream().mapToDouble(Run::perHour).toArray()), median(rs.stream().mapToDouble(Run::steadyPerHour).toArray()),
                    each(rs.stream().mapToDouble(Run::steadyPerHour).toArray()), median(rs.stream().mapToDouble(Run::setupSeconds).toArray()));
        }
    }

    static String each(double[] xs) {
        StringBuilder b = new StringBuilder();
        for (double x : xs) b.append(b.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", x));
        return b.toString();
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

}
