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
 * Training throughput of the same small CNN in tinyfit and in PyTorch (through DJL), on the same
 * batches, with the same thread count: conv3x3 16 (same) → relu → maxpool 2 → conv3x3 32 (same) →
 * relu → maxpool 2 → dense 10, softmax cross-entropy, plain SGD, batch 64, 2 threads (by default).
 * Reports samples per second (wall clock, and per CPU second of the process, which is steadier on a
 * shared machine) as medians over timed windows after a warm-up, and the ratio tinyfit / PyTorch.
 *
 * <pre>bench/run main TrainThroughput [batchesPerWindow=20] [windows=7] [warmupBatches=20] [threads=2]</pre>
 */
public final class TrainThroughput {
    static final int BATCH = 64;
    static final int DEFAULT_THREADS = 2;
    static final float LEARNING_RATE = 0.05f;
    static final int CLASSES = 10;
    static final int[] SAMPLE_SHAPE = {28, 28, 1};
    /** Distinct batches prepared once and cycled, so the timing is training alone. */
    static final int PREPARED_BATCHES = 64;

    /** One engine training the CNN, one batch at a time. */
    interface Side extends AutoCloseable {
        String name();

        /** Forward, cross-entropy, backward and one SGD step on {@code n} samples (NHWC floats) with labels. */
        void trainStep(float[] features, int[] labels, int n);

        /** The mean loss of the last step (may synchronize). */
        float lastLoss();

        @Override void close();
    }

    /** Samples per second: median and spread over the timed windows, plus the loss before and after. */
    record Result(String name, double medianSamplesPerSecond, double minSamplesPerSecond, double maxSamplesPerSecond,
                  double medianSamplesPerCpuSecond, float firstLoss, float lastLoss) {}

    public static void main(String[] args) throws Exception {
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            System.exit(relaunchWithPassiveOpenMp(args));
        }
        int perWindow = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_THREADS;
        TrainThroughputTorch.configureOffline(threads);

        List<Batch> batches = prepareBatches();
        System.out.printf("model: conv3x3x16-relu-maxpool2-conv3x3x32-relu-maxpool2-dense10, batch %d, threads %d, SGD lr %.2f%n",
                BATCH, threads, LEARNING_RATE);
        System.out.printf("OpenMP wait policy: %s%n", System.getenv("OMP_WAIT_POLICY"));
        System.out.printf("timing: %d warm-up batches, then %d windows of %d batches (median samples/s)%n%n",
                warmup, windows, perWindow);

        try (Side tiny = new TrainThroughputTinyfit(threads, LEARNING_RATE);
             Side torch = new TrainThroughputTorch(threads, LEARNING_RATE)) {
            List<Result> r = measure(List.of(tiny, torch), batches, perWindow, windows, warmup);
            r.forEach(TrainThroughput::print);
            System.out.printf("%nratio tinyfit / PyTorch: %.2f (wall clock), %.2f (per CPU second)%n",
                    r.get(0).medianSamplesPerSecond() / r.get(1).medianSamplesPerSecond(),
                    r.get(0).medianSamplesPerCpuSecond() / r.get(1).medianSamplesPerCpuSecond());
        }
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
            for (int i = 0; i < y.length; i++) y[i] = r.nextInt(CLASSES);
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
            Batch first = batches.get(0);
            sides.get(s).trainStep(first.features(), first.labels(), first.size());
            firstLoss[s] = sides.get(s).lastLoss();
            next[s] = 1;
            for (int i = 0; i < warmup; i++) step(sides.get(s), batches, next[s]++);
        }
        for (int w = 0; w < windows; w++) {
            for (int s = 0; s < k; s++) {
                Side side = sides.get(s);
                long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
                for (int i = 0; i < perWindow; i++) step(side, batches, next[s]++);
                side.lastLoss();
                long t1 = System.nanoTime(), c1 = os.getProcessCpuTime();
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

    private static void step(Side side, List<Batch> batches, int index) {
        Batch b = batches.get(index % batches.size());
        side.trainStep(b.features(), b.labels(), b.size());
    }

    static void print(Result r) {
        System.out.printf("%-28s %9.1f samples/s (median; min %.1f, max %.1f)  %9.1f samples/CPU-s   loss %.3f -> %.3f%n",
                r.name(), r.medianSamplesPerSecond(), r.minSamplesPerSecond(), r.maxSamplesPerSecond(),
                r.medianSamplesPerCpuSecond(), r.firstLoss(), r.lastLoss());
    }
}
