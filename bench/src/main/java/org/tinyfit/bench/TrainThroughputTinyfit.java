package org.tinyfit.bench;

import org.tinyfit.graph.Graph;
import org.tinyfit.train.Loss;
import org.tinyfit.train.ModelSpec;
import org.tinyfit.train.Net;
import org.tinyfit.train.Optimizer;
import org.tinyfit.train.OptimizerState;
import org.tinyfit.train.SpecCompiler;

/**
 * The tinyfit side of {@link TrainThroughput}: the same CNN as a model spec compiled to a graph and
 * trained by org.tinyfit.train's engine — forward, softmax cross-entropy, backward, SGD without
 * momentum or weight decay — with the same thread count as the PyTorch side.
 */
final class TrainThroughputTinyfit implements TrainThroughput.Side {
    private final Net net;
    private final Optimizer optimizer = new Optimizer.Sgd(0f, 0f, false);
    private final OptimizerState state;
    private final Loss loss = new Loss.SoftmaxCrossEntropy(0f);
    private final float learningRate;
    private final float[] lossGrad = new float[TrainThroughput.BATCH * TrainThroughput.CLASSES];
    private final int threads;
    private float lastLoss = Float.NaN;
    private long steps;

    TrainThroughputTinyfit(int threads, float learningRate) {
        int[] s = TrainThroughput.SAMPLE_SHAPE;
        ModelSpec spec = ModelSpec.builder(s[0], s[1], s[2])
                .conv(16, 3, "relu", false).maxPool(2)
                .conv(32, 3, "relu", false).maxPool(2)
                .flatten().dense(TrainThroughput.CLASSES)
                .name("throughput-cnn").build();
        Graph graph = SpecCompiler.compile(spec, 1);
        this.net = Net.compile(graph, threads);
        this.state = new OptimizerState(net.params(), optimizer.slots());
        this.learningRate = learningRate;
        this.threads = threads;
    }

    @Override public String name() { return "tinyfit (" + threads + " threads)"; }

    @Override public void trainStep(float[] features, int[] labels, int n) {
        float[] logits = net.forward(features, n, true, steps++);
        lastLoss = (float) loss.compute(logits, n, TrainThroughput.CLASSES, labels, null, lossGrad);
        net.zeroGrad();
        net.backward(lossGrad);
        optimizer.step(net.params(), learningRate, state);
    }

    @Override public float lastLoss() { return lastLoss; }

    @Override public void close() { net.close(); }
}
