package org.tinyfit.train;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.tinyfit.data.DataException;
import org.tinyfit.data.Dataset;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Tensor;
import org.tinyfit.memory.ArenaPlan;
import org.tinyfit.memory.Schedule;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.memory.TflmGreedyPlanner;
import org.tinyfit.runtime.Interpreter;
import org.tinyfit.runtime.TensorValues;

/**
 * The top-1 accuracy, per-class recall and precision, and confusion matrix of a classifier graph on a labelled dataset, each sample run in the
 * interpreter (what TFLite Micro computes, byte for byte for integer models) in TFLite Micro's arena
 * plan of the stored order. Sample value v becomes the real input {@code v * scale + offset},
 * standardized by the model's {@link InputScaling} when it carries one, then
 * quantized by the input's scale and zero point when the model is quantized; the predicted class is
 * the largest output value. Unlike {@link Trainer#evaluate}, which runs a float training network,
 * this runs the model as a device would.
 *
 * <p>Besides accuracy it keeps the confusion matrix, so that per-class recall and precision show
 * what accuracy hides on imbalanced data (a model that always answers the majority class of a
 * 91%/9% set is 91% accurate and has recall 0 on the other class).
 *
 * @param confusion {@code confusion[t][p]}: how many samples of true class t the model predicted as
 *                  class p; one row and one column per class the model scores
 * @param seconds   the wall time the evaluation took
 * @param threads   the worker threads used, each with its own arena
 */
public record Evaluation(long[][] confusion, double seconds, int threads) {
    public Evaluation {
        long[][] copy = new long[confusion.length][];
        for (int t = 0; t < confusion.length; t++) {
            if (confusion[t].length != confusion.length) throw new IllegalArgumentException("the confusion matrix must be square");
            copy[t] = confusion[t].clone();
        }
        confusion = copy;
    }

    /** A copy of the confusion matrix: rows are true classes, columns predicted ones. */
    @Override public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int t = 0; t < confusion.length; t++) copy[t] = confusion[t].clone();
        return copy;
    }

    /** How many classes the model scores (the side of the confusion matrix). */
    public int classes() { return confusion.length; }

    /** How many samples were evaluated. */
    public int samples() {
        long n = 0;
        for (int t = 0; t < classes(); t++) n += support(t);
        return Math.toIntExact(n);
    }

    /** How many samples the model classified right (the diagonal). */
    public int correct() {
        long n = 0;
        for (int t = 0; t < classes(); t++) n += confusion[t][t];
        return Math.toIntExact(n);
    }

    /** The share of samples classified right. */
    public double accuracy() { return (double) correct() / samples(); }

    /** How many evaluated samples are of true class {@code c}. */
    public long support(int c) {
        long n = 0;
        for (long v : confusion[c]) n += v;
        return n;
    }

    /** How many evaluated samples the model predicted as class {@code c}. */
    public long predicted(int c) {
        long n = 0;
        for (long[] row : confusion) n += row[c];
        return n;
    }

    /** The share of class {@code c}'s samples predicted as c; NaN when the data has none of c. */
    public double recall(int c) {
        long n = support(c);
        return n == 0 ? Double.NaN : (double) confusion[c][c] / n;
    }

    /** The share of the predictions of class {@code c} that were right; NaN when c was never predicted. */
    public double precision(int c) {
        long n = predicted(c);
        return n == 0 ? Double.NaN : (double) confusion[c][c] / n;
    }

    /** The mean recall over the classes the data has (balanced accuracy): 1/classes for a model that always answers one class. */
    public double balancedAccuracy() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes(); c++) {
            if (support(c) > 0) {
                sum += recall(c);
                present++;
            }
        }
        return sum / present;
    }

    /**
     * Evaluates the first {@code limit} samples of {@code ds} (all when null).
     *
     * @param modelName how messages name the model
     * @param dataName  how messages name the dataset
     * @throws GraphException if the model is not a classifier of one input and one output
     * @throws DataException  if the samples do not fit the model's input or its classes
     */
    public static Evaluation topOne(Graph g, String modelName, Dataset ds, String dataName, double scale, double offset, Integer limit, int threads) {
        if (g.inputs().length != 1 || g.outputs().length != 1) {
            throw new GraphException("eval needs a model with one input and one output; " + modelName + " has " + g.inputs().length + " and " + g.outputs().length);
        }
        Tensor in = g.tensor(g.inputs()[0]), out = g.tensor(g.outputs()[0]);
        int classes = out.shape().rank() == 0 ? 1 : out.shape().dim(-1);
        if (classes < 2 || out.shape().elements() != classes) {
            throw new GraphException("eval measures classification accuracy, but output " + out.name() + " " + out.describe() + " is not one vector of class scores");
        }
        if (ds.sampleLength() != in.shape().elements()) {
            throw new DataException(dataName + ": samples of shape " + Arrays.toString(ds.sampleShape()) + " (" + ds.sampleLength() + " values), but input "
                    + in.name() + " " + in.describe() + " needs " + in.shape().elements() + " values");
        }
        int stray = ds.firstLabelAtLeast(classes);
        if (stray >= 0) {
            throw new DataException(dataName + ": " + ds.where(stray) + " has label " + ds.label(stray) + ", but the model scores only " + classes + " classes (0.."
                    + (classes - 1) + ")");
        }
        int n = limit == null ? ds.size() : Math.max(0, Math.min(limit, ds.size()));
        if (n == 0) throw new DataException(dataName + ": no samples to evaluate");
        InputScaling scaling = InputScaling.of(g).orElse(null);
        Schedule schedule = Schedule.stored(g);
        ArenaPlan plan = new TflmGreedyPlanner().plan(g, schedule);
        int workers = Math.max(1, Math.min(threads, n));
        AtomicInteger next = new AtomicInteger();
        long[][][] counts = new long[workers][classes][classes];
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            Future<?>[] fs = new Future<?>[workers];
            for (int w = 0; w < workers; w++) {
                long[][] mine = counts[w];
                fs[w] = pool.submit(() -> {
                    Interpreter it = new Interpreter(g, schedule, plan);
                    float[] sample = new float[ds.sampleLength()];
                    double[] real = new double[sample.length];
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        ds.copySample(i, sample, 0);
                        for (int j = 0; j < sample.length; j++) real[j] = sample[j] * scale + offset;
                        if (scaling != null) scaling.apply(real);
                        byte[] input = TensorValues.fromReal(in, real, dataName + " sample " + i);
                        it.resetVariables();
                        double[] scores = TensorValues.real(out, it.run(new byte[][] {input})[0]);
                        int best = 0;
                        for (int c = 1; c < scores.length; c++) if (scores[c] > scores[best]) best = c;
                        mine[ds.label(i)][best]++;
                    }
                    return null;
                });
            }
            for (Future<?> f : fs) f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evaluating", e);
        } finally {
            pool.shutdownNow();
        }
        long[][] confusion = new long[classes][classes];
        for (long[][] c : counts) for (int t = 0; t < classes; t++) for (int p = 0; p < classes; p++) confusion[t][p] += c[t][p];
        return new Evaluation(confusion, (System.nanoTime() - t0) / 1e9, workers);
    }
}
