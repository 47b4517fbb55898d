package org.tinyfit.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tinyfit.data.Augmentation;
import org.tinyfit.graph.Graph;
import org.tinyfit.tflite.TfliteWriter;
import org.tinyfit.passes.InferenceForm;
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
        int each = Math.max(1, threads / Math.max(1, batch.size()));
        List<Future<Evaluation>> futures = new ArrayList<>();
        for (Candidate c : batch) futures.add(pool.submit(() -> evaluate(space, data, c, each)));
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
        long t0 = System.nanoTime();
        Genome.Recipe r = c.genome().recipe();
        List<Augmentation> aug = r.shift() > 0 ? List.of(new Augmentation.RandomCrop(r.shift())) : List.of();
        TrainConfig cfg = TrainConfig.builder().epochs(r.epochs()).batch(r.batch()).lr(r.lr()).seed(c.seed())
                .threads(threads).augmentations(aug).checkpointSteps(0).warmupEpochs(Math.min(1f, r.epochs() / 3f)).build();
        Loss loss = new Loss.SoftmaxCrossEntropy(cfg.labelSmoothing());
        Graph graph = space.graph(c.genome(), c.seed());
        try (Trainer trainer = new Trainer(graph, cfg, data.train(), null, data.normalization(), loss)) {
            trainer.run(null, new Trainer.Listener() {}, null);
            Graph int8 = Int8Model.quantize(InferenceForm.of(trainer.net().toGraph()), data);
            double accuracy = Int8Model.accuracy(int8, data.validation(), data, threads);
            return new Evaluation(c.id(), accuracy, TfliteWriter.write(int8), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public void close() { pool.shutdownNow(); }
}
