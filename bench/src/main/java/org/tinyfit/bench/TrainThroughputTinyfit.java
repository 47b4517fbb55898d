package org.tinyfit.bench;

import java.util.List;
import org.tinyfit.data.Batch;
import org.tinyfit.graph.Graph;
import org.tinyfit.train.Loss;
import org.tinyfit.train.Net;
import org.tinyfit.train.Optimizer;
import org.tinyfit.train.OptimizerState;
import org.tinyfit.train.Param;
import org.tinyfit.train.SpecCompiler;

/**
 * The tinyfit side of {@link TrainThroughput}: the network as a model spec compiled to a graph and
 * trained by org.tinyfit.train's engine — forward, softmax cross-entropy, backward, SGD without
 * momentum or weight decay — with the same thread count as the PyTorch side.
 */
final class TrainThroughputTinyfit implements TrainThroughput.Side {
    private final Graph graph;
    private final Net net;
    private final Optimizer optimizer = new Optimizer.Sgd(0f, 0f, false);
    private final OptimizerState state;
    private final Loss loss = new Loss.SoftmaxCrossEntropy(0f);
    private final float learningRate;
    private final float[] lossGrad = new float[TrainThroughput.BATCH * TrainNetwork.CLASSES];
    private final int threads;
    private List<Batch> batches;
    private float lastLoss = Float.NaN;
    private long steps;

    TrainThroughputTinyfit(TrainNetwork network, int threads, float learningRate) {
        this.graph = SpecCompiler.compile(network.spec(), 1);
        this.net = Net.compile(graph, threads);
        this.state = new OptimizerState(net.params(), optimizer.slots());
        this.learningRate = learningRate;
        this.threads = threads;
    }

    Graph graph() { return graph; }

    /** The initial parameters in the layout of the PyTorch block's. */
    List<float[]> initialWeightsForTorch() {
        float[][] byTensor = new float[graph.tensors().size()][];
        for (Param p : net.params()) byTensor[p.tensorId] = p.value.clone();
        return TrainNetwork.torchLayout(graph, t -> {
            if (byTensor[t] == null) throw new IllegalStateException("tensor " + t + " is not a parameter");
            return byTensor[t];
        });
    }

    @Override public String name() { return "tinyfit (" + threads + " threads)"; }

    @Override public void prepare(List<Batch> batches) { this.batches = batches; }

    @Override public void train(int first, int count) {
        for (int i = first; i < first + count; i++) {
            Batch b = batches.get(i % batches.size());
            int n = b.size();
            float[] logits = net.forward(b.features(), n, true, steps++);
            lastLoss = (float) loss.compute(logits, n, TrainNetwork.CLASSES, b.labels(), null, lossGrad);
            net.zeroGrad();
            net.backward(lossGrad);
            optimizer.step(net.params(), learningRate, state);
        }
    }

    @Override public float lastLoss() { return lastLoss; }

    @Override public void close() { net.close(); }
}
