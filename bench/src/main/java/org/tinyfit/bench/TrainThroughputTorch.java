package org.tinyfit.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The PyTorch side of {@link TrainThroughput}: the same CNN as a DJL block on the PyTorch engine
 * (libtorch from the pytorch-native-cpu jar, nothing downloaded). The data is NHWC with one
 * channel, which is byte-for-byte the NCHW tensor PyTorch expects.
 */
final class TrainThroughputTorch implements TrainThroughput.Side {
    private final Model model;
    private final Trainer trainer;
    private final long[] labels64 = new long[TrainThroughput.BATCH];
    private float lastLoss = Float.NaN;
    private NDArray lastLossArray;
    private NDManager lastBatch;

    /** DJL settings: never download, take libtorch from the classpath jar, fixed intra- and inter-op threads. */
    static void configureOffline(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
        System.setProperty("ai.djl.default_engine", "PyTorch");
    }

    TrainThroughputTorch(int threads, float learningRate) {
        configureOffline(threads);
        SequentialBlock net = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(TrainThroughput.CLASSES).build());
        model = Model.newInstance("cnn", Device.cpu(), "PyTorch");
        model.setBlock(net);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).build())
                .optDevices(new Device[] {Device.cpu()});
        trainer = model.newTrainer(config);
        trainer.initialize(new Shape(TrainThroughput.BATCH, 1, 28, 28));
    }

    @Override public String name() {
        return "PyTorch " + Engine.getEngine("PyTorch").getVersion() + " (" + JniUtils.getNumThreads() + "+"
                + JniUtils.getNumInteropThreads() + " threads)";
    }

    @Override public void trainStep(float[] features, int[] labels, int n) {
        if (lastBatch != null) lastBatch.close();
        NDManager batch = trainer.getManager().newSubManager();
        int per = 28 * 28;
        float[] x = n * per == features.length ? features : java.util.Arrays.copyOf(features, n * per);
        for (int i = 0; i < n; i++) labels64[i] = labels[i];
        NDArray input = batch.create(x, new Shape(n, 1, 28, 28));
        NDArray target = batch.create(n == labels64.length ? labels64 : java.util.Arrays.copyOf(labels64, n));
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(new NDList(input)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(target), new NDList(logits));
            collector.backward(loss);
            lastLossArray = loss;
        }
        trainer.step();
        lastBatch = batch;
        lastLoss = Float.NaN;
    }

    @Override public float lastLoss() {
        if (Float.isNaN(lastLoss) && lastLossArray != null) lastLoss = lastLossArray.getFloat();
        return lastLoss;
    }

    @Override public void close() {
        if (lastBatch != null) lastBatch.close();
        trainer.close();
        model.close();
    }
}
