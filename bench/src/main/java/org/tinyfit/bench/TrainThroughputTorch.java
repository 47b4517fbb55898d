package org.tinyfit.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tinyfit.data.Batch;

/**
 * The PyTorch side of {@link TrainThroughput}: the same network as a DJL block on the PyTorch engine
 * (libtorch from the pytorch-native-cpu jar, nothing downloaded), starting from tinyfit's initial
 * weights. Everything runs on one dedicated thread that first turns on libtorch's flush-denormal
 * mode ({@code at::globalContext().setFlushDenormal(true)}, what {@code torch.set_flush_denormal}
 * calls, reached through the FFM API since DJL has no binding for it): the mode is per thread, and
 * the OpenMP workers libtorch starts from that thread inherit it. The batches are copied into
 * NDArrays once, before timing.
 */
final class TrainThroughputTorch implements TrainThroughput.Side {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "torch-train");
        t.setDaemon(true);
        return t;
    });
    private final TrainNetwork network;
    private final boolean flushDenormals;
    private Model model;
    private Trainer trainer;
    private NDManager data;
    private final List<NDList[]> batches = new ArrayList<>();
    private float lastLoss = Float.NaN;
    private NDArray lastLossArray;
    private NDManager lastStep;
    private String name;

    /** DJL settings: never download, take libtorch from the classpath jar, fixed intra- and inter-op threads. */
    static void configureOffline(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
        System.setProperty("ai.djl.default_engine", "PyTorch");
    }

    TrainThroughputTorch(TrainNetwork network, int threads, float learningRate, List<float[]> initialWeights, boolean flushDenormals) {
        this.network = network;
        this.flushDenormals = flushDenormals;
        configureOffline(threads);
        on(() -> {
            Engine engine = Engine.getEngine("PyTorch");
            if (flushDenormals && !setFlushDenormal()) throw new IllegalStateException("libtorch refused flush-denormal mode (no SSE3 DAZ?)");
            model = Model.newInstance(network.label(), Device.cpu(), "PyTorch");
            model.setBlock(network.torchBlock());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).build())
                    .optDevices(new Device[] {Device.cpu()});
            trainer = model.newTrainer(config);
            trainer.initialize(new Shape(TrainThroughput.BATCH, 1, 28, 28));
            copyWeights(initialWeights);
            name = "PyTorch " + engine.getVersion() + " (" + JniUtils.getNumThreads() + "+" + JniUtils.getNumInteropThreads()
                    + " threads" + (flushDenormals ? ", FTZ/DAZ" : "") + ")";
            return null;
        });
    }

    private void copyWeights(List<float[]> weights) {
        var params = model.getBlock().getParameters();
        if (params.size() != weights.size()) {
            throw new IllegalStateException("the DJL block has " + params.size() + " parameters, tinyfit's graph " + weights.size());
        }
        int i = 0;
        for (Pair<String, Parameter> p : params) {
            NDArray a = p.getValue().getArray();
            float[] w = weights.get(i++);
            if (a.getShape().size() != w.length) {
                throw new IllegalStateException("parameter " + p.getKey() + " has shape " + a.getShape() + ", tinyfit's has " + w.length + " values");
            }
            a.set(w);
        }
    }

    /**
     * Calls libtorch's {@code at::Context::setFlushDenormal(true)} on the global context for this
     * thread (sets FTZ and DAZ in MXCSR); returns what it returns (false if the CPU has no DAZ).
     */
    private static boolean setFlushDenormal() {
        try {
            Path lib = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith("libtorch_cpu.so"))
                    .map(l -> Path.of(l.substring(l.indexOf('/')))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("libtorch_cpu.so is not loaded"));
            Linker linker = Linker.nativeLinker();
            SymbolLookup torch = SymbolLookup.libraryLookup(lib, Arena.global());
            MethodHandle globalContext = linker.downcallHandle(torch.find("_ZN2at13globalContextEv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS));
            MethodHandle setFlushDenormal = linker.downcallHandle(torch.find("_ZN2at7Context16setFlushDenormalEb").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_BOOLEAN, ValueLayout.ADDRESS, ValueLayout.JAVA_BOOLEAN));
            MemorySegment ctx = (MemorySegment) globalContext.invokeExact();
            return (boolean) setFlushDenormal.invokeExact(ctx, true);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot set libtorch's flush-denormal mode: " + e, e);
        }
    }

    private <T> T on(Callable<T> work) {
        try {
            return thread.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override public String name() { return name; }

    @Override public void prepare(List<Batch> prepared) {
        on(() -> {
            data = trainer.getManager().newSubManager();
            long[] labels = new long[TrainThroughput.BATCH];
            for (Batch b : prepared) {
                int n = b.size();
                for (int i = 0; i < n; i++) labels[i] = b.labels()[i];
                NDArray x = data.create(Arrays.copyOf(b.features(), n * 784), new Shape(n, 1, 28, 28));
                NDArray y = data.create(Arrays.copyOf(labels, n));
                batches.add(new NDList[] {new NDList(x), new NDList(y)});
            }
            return null;
        });
    }

    @Override public void train(int first, int count) {
        on(() -> {
            for (int i = first; i < first + count; i++) step(batches.get(i % batches.size()));
            return null;
        });
    }

    private void step(NDList[] batch) {
        if (lastStep != null) lastStep.close();
        NDManager scope = trainer.getManager().newSubManager();
        // every result is attached to its first operand's manager: lend the batch to this step's
        // scope so the step's arrays are freed with it, and the batch returns to its manager
        batch[0].tempAttach(scope);
        batch[1].tempAttach(scope);
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(batch[0]).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(batch[1], new NDList(logits));
            collector.backward(loss);
            lastLossArray = loss;
        }
        trainer.step();
        lastStep = scope;
        lastLoss = Float.NaN;
    }

    @Override public float lastLoss() {
        return on(() -> {
            if (Float.isNaN(lastLoss) && lastLossArray != null) lastLoss = lastLossArray.getFloat();
            return lastLoss;
        });
    }

    @Override public void close() {
        on(() -> {
            if (lastStep != null) lastStep.close();
            if (data != null) data.close();
            trainer.close();
            model.close();
            return null;
        });
        thread.shutdown();
    }
}
