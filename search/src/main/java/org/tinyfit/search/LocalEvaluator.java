package org.tinyfit.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.Dataset;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteWriter;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.train.Checkpoint;
import org.tinyfit.train.Loss;
import org.tinyfit.train.TrainConfig;
import org.tinyfit.train.Trainer;

/**
 * Evaluates candidates on this machine, several at once: each is trained by its genome's recipe
 * on the training part, quantized to int8 ({@link Int8Model}) and its int8 model scored on the
 * validation part. The trainer gives the same weights
 * for any thread count, so a candidate's result does not depend on how many run beside it.
 */
public final class LocalEvaluator implements Evaluator {
    private final SearchSpace space;
    private final SearchData data;
    private final int threads;
    private final ExecutorService pool;

    public LocalEvaluator(SearchSpace space, SearchData data, int threads) {
        this.space = space;
        this.data = data;
        this.threads = Math.max(1, threads);
        this.pool = Executors.newFixedThreadPool(this.threads, r -> {
            Thread t = new Thread(r, "tinyfit-evaluator");
            t.setDaemon(true);
            return t;
        });
    }

    @Override public List<Evaluation> evaluate(List<Candidate> batch) throws InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (Candidate c : batch) jobs.add(Job.whole(c));
        return train(jobs);
    }

    @Override public List<Evaluation> train(List<Job> batch) throws InterruptedException {
        int each = Math.max(1, threads / Math.max(1, batch.size()));
        List<Future<Evaluation>> futures = new ArrayList<>();
        for (Job j : batch) futures.add(pool.submit(() -> evaluate(space, data, j, each)));
        List<Evaluation> out = new ArrayList<>();
        for (Future<Evaluation> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error er) throw er;
                throw new IllegalStateException(cause);
            }
        }
        return out;
    }

    /** Trains one candidate with {@code threads} threads and scores it on the validation part. */
    public static Evaluation evaluate(SearchSpace space, SearchData data, Candidate c, int threads) {
        return evaluate(space, data, Job.whole(c), threads);
    }

    /**
     * Runs one job with {@code threads} threads: trains its candidate up to the job's epoch (going
     * on from the job's checkpoint) and scores the int8 model on the validation part. A job that
     * stops before the end of the recipe returns the checkpoint to go on from. The training always
     * passes through the checkpoint's bytes, so going on in this process or after a restart gives
     * the same weights.
     */
    public static Evaluation evaluate(SearchSpace space, SearchData data, Job job, int threads) {
        long t0 = System.nanoTime();
        Candidate c = job.candidate();
        Genome.Recipe r = c.genome().recipe();
        List<Augmentation> aug = r.shift() > 0 ? List.of(new Augmentation.RandomCrop(r.shift())) : List.of();
        TrainConfig cfg = TrainConfig.builder().epochs(r.epochs()).batch(r.batch()).lr(r.lr()).seed(c.seed())
                .threads(threads).augmentations(aug).checkpointSteps(0).warmupEpochs(Math.min(1f, r.epochs() / 3f)).build();
        Loss loss = new Loss.SoftmaxCrossEntropy(cfg.labelSmoothing());
        Graph graph = space.graph(c.genome(), c.seed());
        Path dir = null;
        try (Trainer trainer = new Trainer(graph, cfg, data.train(), null, data.normalization(), loss)) {
            boolean partial = !job.isWhole();
            if (partial) {
                dir = Files.createTempDirectory("tinyfit-rung");
                if (job.checkpoint() != null) Files.write(dir.resolve(Checkpoint.FILE), job.checkpoint());
            }
            if (job.inherited() != null && job.checkpoint() == null) Weights.inherit(job.inherited(), graph, trainer.net().params());
            trainer.run(dir, new Trainer.Listener() {}, null, job.epochs());
            boolean end = job.epochs() == r.epochs();
            byte[] checkpoint = end ? null : Files.readAllBytes(dir.resolve(Checkpoint.FILE));
            byte[] weights = end ? Weights.of(graph, trainer.net().params()) : null;
            Graph int8 = Int8Model.quantize(InferenceForm.of(trainer.net().toGraph()), data);
            double accuracy = Int8Model.accuracy(int8, data.validation(), data, threads);
            return new Evaluation(c.id(), accuracy, TfliteWriter.write(int8), (System.nanoTime() - t0) / 1e9, checkpoint, weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) deleteQuietly(dir);
        }
    }

    /**
     * At least how many seconds training {@code g} for one epoch on the whole training part takes
     * here with {@code threads} threads: a slice of eight batches is trained for two epochs, and
     * the shortest time between consecutive steps (the code warmed up by then) is multiplied by
     * the steps of one epoch over the training part. Setting up the trainer is not counted, so no
     * fixed cost is scaled up.
     */
    public static double epochSeconds(SearchSpace space, SearchData data, Genome g, int threads, long seed) {
        int batch = g.recipe().batch();
        int n = Math.min(data.train().size(), 8 * batch);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Dataset slice = data.train().subset(idx);
        TrainConfig cfg = TrainConfig.builder().epochs(2).batch(batch).lr(g.recipe().lr()).seed(seed).threads(Math.max(1, threads)).augmentations(List.of())
                .checkpointSteps(0).build();
        List<Long> ends = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Trainer trainer = new Trainer(space.graph(g, seed), cfg, slice, null, data.normalization(), new Loss.SoftmaxCrossEntropy(0f))) {
            trainer.run(null, new Trainer.Listener() {
                @Override public void step(Trainer.Progress p) { ends.add(System.nanoTime()); }
            }, null, 2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double step;
        if (ends.size() < 3) {
            step = (System.nanoTime() - t0) / 1e9 / Math.max(1, ends.size());
        } else {
            double[] gaps = new double[ends.size() - 1];
            for (int i = 1; i < ends.size(); i++) gaps[i - 1] = (ends.get(i) - ends.get(i - 1)) / 1e9;
            step = java.util.Arrays.stream(gaps).min().orElseThrow();
        }
        return step * Math.ceil(data.train().size() / (double) batch);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind costs only disk space
        }
    }

    @Override public void close() { pool.shutdownNow(); }
}
