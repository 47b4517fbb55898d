package org.tinyfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tinyfit.data.Batch;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.InMemory;
import org.tinyfit.data.Normalization;

/**
 * Training throughput of the same networks ({@link TrainNetwork}: the benchmark CNN, a
 * depthwise-separable CNN, an MLP) in tinyfit and in PyTorch (through DJL), on the same batches,
 * from the same initial weights, with the same thread count: softmax cross-entropy, plain SGD, batch
 * 64, 2 threads by default. Reports samples per second by wall clock (and per CPU second of the
 * process) as medians over timed windows that alternate between the engines after a warm-up, each
 * engine's spread (min and max window against its median), the fraction of the machine's fp32 peak
 * each reaches, and the ratio tinyfit / PyTorch.
 *
 * <pre>bench/run main TrainThroughput [batchesPerWindow=20] [windows=7] [warmupBatches=20] [threads=2] [networks=cnn,dwsep,mlp]</pre>
 *
 * {@code -Dtinyfit.bench.peakGflops=290} sets the peak (2 cores × 2 AVX-512 FMA units × 16 lanes × 2
 * flops × ~2.3 GHz); {@code -Dtinyfit.bench.flushDenormals=false} leaves libtorch's denormals on.
 */
public final class TrainThroughput {
    static final int BATCH = 64;
    static final int DEFAULT_THREADS = 2;
    static final float LEARNING_RATE = 0.05f;
    static final int[] SAMPLE_SHAPE = {28, 28, 1};
    /** Distinct batches prepared once and cycled, so the timing is training alone. */
    static final int PREPARED_BATCHES = 64;

    /** One engine training a network on the prepared batches. */
    interface Side extends AutoCloseable {
        String name();

        /** Takes the batches (NHWC floats and labels) once, before timing. */
        void prepare(List<Batch> batches);

        /** Trains on {@code count} batches from index {@code first} (mod the number of batches): forward, loss, backward, SGD step. */
        void train(int first, int count);

        /** The mean loss of the last step (may synchronize). */
        float lastLoss();

        @Override void close();
    }

    /** Samples per second: median and spread over the timed windows, plus the loss before and after. */
    record Result(String name, double medianSamplesPerSecond, double minSamplesPerSecond, double maxSamplesPerSecond,
                  double medianSamplesPerCpuSecond, float firstLoss, float lastLoss) {
        /** The largest distance of a window from the median, as a fraction of the median. */
        double spread() {
            return Math.max(maxSamplesPerSecond / medianSamplesPerSecond - 1, 1 - minSamplesPerSecond / medianSamplesPerSecond);
        }
    }

    public static void main(String[] args) throws Exception {
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            System.exit(relaunchWithPassiveOpenMp(args));
        }
        int perWindow = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_THREADS;
        List<TrainNetwork> networks = new ArrayList<>();
        for (String n : (args.length > 4 ? args[4] : "cnn,dwsep,mlp").split(",")) networks.add(TrainNetwork.valueOf(n.trim().toUpperCase(java.util.Locale.ROOT)));
        double peak = Double.parseDouble(System.getProperty("tinyfit.bench.peakGflops", "290")) * 1e9;
        boolean ftz = Boolean.parseBoolean(System.getProperty("tinyfit.bench.flushDenormals", "true"));
        TrainThroughputTorch.configureOffline(threads);

        List<Batch> batches = prepareBatches();
        System.out.printf("batch %d, threads %d, SGD lr %.2f, OpenMP wait policy %s, fp32 peak %.0f GFLOP/s%n",
                BATCH, threads, LEARNING_RATE, System.getenv("OMP_WAIT_POLICY"), peak / 1e9);
        System.out.printf("timing: %d warm-up batches, then %d alternating windows of %d batches per engine (medians)%n",
                warmup, windows, perWindow);
        System.out.printf("load average at start: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        for (TrainNetwork network : networks) {
            try (TrainThroughputTinyfit tiny = new TrainThroughputTinyfit(network, threads, LEARNING_RATE);
                 Side torch = new TrainThroughputTorch(network, threads, LEARNING_RATE, tiny.initialWeightsForTorch(), ftz)) {
                double flops = TrainNetwork.trainingFlopsPerSample(tiny.graph());
                System.out.printf("%n%s: %s (%.2f MFLOP per sample per training step)%n", network.label(), network.description, flops / 1e6);
                List<Result> r = measure(List.of(tiny, torch), batches, perWindow, windows, warmup);
                for (Result x : r) print(x, flops, peak);
                System.out.printf("ratio tinyfit / PyTorch (%s): %.2f (wall clock), %.2f (per CPU second); PyTorch windows %s ±20%% of their median%n",
                        network.label(), r.get(0).medianSamplesPerSecond() / r.get(1).medianSamplesPerSecond(),
                        r.get(0).medianSamplesPerCpuSecond() / r.get(1).medianSamplesPerCpuSecond(),
                        r.get(1).spread() <= 0.2 ? "within" : "NOT within");
            }
        }
        System.out.printf("%nload average at end: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * libtorch's OpenMP threads spin while they wait (the ACTIVE policy); on a machine shared with
     * other work a spinning thread that loses its core stalls every barrier, and PyTorch runs ten
     * times slower. The policy can only be set before libgomp loads, so this runs the benchmark again
     * in a child JVM with {@code OMP_WAIT_POLICY=PASSIVE}. Set the variable yourself (e.g. ACTIVE on
     * a quiet machine) to skip this.
     */
    private static int relaunchWithPassiveOpenMp(String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TrainThroughput.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start().waitFor();
    }

    /** Fashion-MNIST training images (standardized) if installed, else seeded random images of the same shape. */
    static List<Batch> prepareBatches() {
        Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
        Dataset data;
        if (Files.isDirectory(fashion)) {
            data = Datasets.open(fashion.toString()).train();
            System.out.println("data: Fashion-MNIST training set, " + data.size() + " images");
        } else {
            Random r = new Random(1);
            byte[] px = new byte[PREPARED_BATCHES * BATCH * 784];
            r.nextBytes(px);
            int[] y = new int[PREPARED_BATCHES * BATCH];
            for (int i = 0; i < y.length; i++) y[i] = r.nextInt(TrainNetwork.CLASSES);
            data = InMemory.ofBytes(px, y, SAMPLE_SHAPE);
            System.out.println("data: random images (Fashion-MNIST not installed: apt-get install dataset-fashion-mnist)");
        }
        BatchLoader loader = BatchLoader.builder(data).batchSize(BATCH).shuffle(1).dropLast(true)
                .normalize(Normalization.standardize(data)).build();
        List<Batch> out = new ArrayList<>();
        loader.startEpoch(0);
        while (out.size() < PREPARED_BATCHES) {
            Batch b = loader.newBatch();
            if (!loader.next(b)) break;
            out.add(b);
        }
        return out;
    }

    /**
     * Warms every side up, then alternates timed windows between them (A B A B ...), so that load
     * from elsewhere on the machine falls on all sides alike.
     */
    static List<Result> measure(List<Side> sides, List<Batch> batches, int perWindow, int windows, int warmup) {
        int k = sides.size();
        float[] firstLoss = new float[k];
        double[][] rates = new double[k][windows];
        double[][] cpuRates = new double[k][windows];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        int[] next = new int[k];
        for (int s = 0; s < k; s++) {
            Side side = sides.get(s);
            side.prepare(batches);
            side.train(0, 1);
            firstLoss[s] = side.lastLoss();
            side.train(1, warmup);
            side.lastLoss();
            next[s] = 1 + warmup;
        }
        for (int w = 0; w < windows; w++) {
            for (int s = 0; s < k; s++) {
                Side side = sides.get(s);
                long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                side.train(next[s], perWindow);
                side.lastLoss();
                long t1 = System.nanoTime(), c1 = os.getProcessCpuTime();
                next[s] += perWindow;
                rates[s][w] = (double) perWindow * BATCH / ((t1 - t0) / 1e9);
                cpuRates[s][w] = (double) perWindow * BATCH / ((c1 - c0) / 1e9);
            }
        }
        List<Result> out = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            double[] sorted = rates[s].clone();
            Arrays.sort(sorted);
            out.add(new Result(sides.get(s).name(), median(rates[s]), sorted[0], sorted[windows - 1], median(cpuRates[s]),
                    firstLoss[s], sides.get(s).lastLoss()));
        }
        return out;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static void print(Result r, double flopsPerSample, double peak) {
        System.out.printf("  %-36s %8.1f samples/s (median; min %.1f, max %.1f; ±%.0f%%)  %5.1f%% of fp32 peak  %8.1f samples/CPU-s  loss %.3f -> %.3f%n",
                r.name(), r.medianSamplesPerSecond(), r.minSamplesPerSecond(), r.maxSamplesPerSecond(), 100 * r.spread(),
                100 * r.medianSamplesPerSecond() * flopsPerSample / peak, r.medianSamplesPerCpuSecond(), r.firstLoss(), r.lastLoss());
    }
}
