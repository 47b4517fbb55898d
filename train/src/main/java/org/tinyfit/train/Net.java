package org.tinyfit.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Node;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;

/**
 * A graph compiled for training: one {@link Step} per node, activation and gradient buffers for a
 * batch (dimension 0 of every activation is the batch), and the float constants as {@link Param}s.
 * {@link #forward} then {@link #backward} compute the gradients of all trainable params;
 * {@link #toGraph} returns the graph with the current values as its constants. Not thread-safe;
 * the kernels themselves use the given number of threads.
 */
public final class Net implements AutoCloseable {
    private final Graph graph;
    private final Parallel par;
    private final Ctx ctx;
    private final Step[] steps;
    private final int input, output, lossTensor, lossSteps;
    private final List<Param> params;
    private int capacity;
    /** Nodes none of whose inputs takes a gradient: their backward pass is skipped. */
    private final boolean[] passive;

    private Net(Graph graph, int threads) {
        this.graph = graph;
        if (graph.inputs().length != 1 || graph.outputs().length != 1) {
            throw new GraphException("graph " + graph.name() + " has " + graph.inputs().length + " inputs and " + graph.outputs().length + " outputs; training needs exactly one of each");
        }
        this.input = graph.inputs()[0];
        this.output = graph.outputs()[0];
        this.par = new Parallel(threads);
        this.ctx = new Ctx(graph.tensors().size(), par);
        for (Tensor t : graph.tensors()) {
            if (t.isConstant()) continue;
            int[] d = t.shape().dims();
            if (d.length == 0 || d[0] == 0) throw new GraphException("tensor " + t.id() + " (" + t.name() + ") has shape " + t.shape() + "; training needs the batch as dimension 0");
            ctx.per[t.id()] = t.shape().elements() / d[0];
            ctx.needGrad[t.id()] = graph.producer(t.id()) >= 0;
        }
        StepFactory f = new StepFactory(graph, ctx);
        steps = new Step[graph.nodes().size()];
        passive = new boolean[steps.length];
        for (Node n : graph.nodes()) steps[n.id()] = f.build(n);
        for (Tensor t : graph.tensors()) {
            if (!t.isConstant() && t.dtype() != DType.F32) {
                throw new GraphException("tensor " + t.id() + " (" + t.name() + ") is " + t.dtype().lower() + "; training needs float32 activations (train the float model, quantize after)");
            }
        }
        markGradientPaths();
        List<Param> ps = new ArrayList<>();
        for (Param p : ctx.params) if (p != null) ps.add(p);
        params = List.copyOf(ps);
        int producer = graph.producer(output);
        if (producer >= 0 && graph.node(producer).op() instanceof org.tinyfit.graph.Op.Softmax) {
            lossTensor = graph.node(producer).input(0);
            lossSteps = producer;
        } else {
            lossTensor = output;
            lossSteps = producer + 1;
        }
    }

    /** Compiles {@code graph} for training with {@code threads} worker threads (1 = the caller's only). */
    public static Net compile(Graph graph, int threads) { return new Net(graph, threads); }

    public Graph graph() { return graph; }

    public List<Param> params() { return params; }

    /** Number of trainable values. */
    public long trainableCount() { return params.stream().filter(p -> p.trainable).mapToLong(p -> p.value.length).sum(); }

    public int inputSize() { return ctx.per[input]; }

    /** Values per sample of the tensor the loss reads: the logits when the graph ends in Softmax. */
    public int lossSize() { return ctx.per[lossTensor]; }

    /** Whether the graph's output is a Softmax whose input the loss reads as logits. */
    public boolean endsInSoftmax() { return lossTensor != output; }

    private void ensureCapacity(int n) {
        if (n <= capacity) return;
        for (Tensor t : graph.tensors()) {
            if (t.isConstant()) continue;
            ctx.act[t.id()] = new float[n * ctx.per[t.id()]];
            if (ctx.needGrad[t.id()]) ctx.grad[t.id()] = new float[n * ctx.per[t.id()]];
        }
        capacity = n;
        for (Step s : steps) s.allocate(ctx, n);
    }

    /**
     * Runs the graph on {@code n} samples ({@code x} holds n × inputSize values, NHWC). In training
     * mode batch norm uses batch statistics (and updates the running ones) and dropout is on, drawing
     * from {@code seed}. Returns the buffer of the loss tensor (n × lossSize values), valid until the
     * next call.
     */
    public float[] forward(float[] x, int n, boolean training, long seed) {
        if (n <= 0) throw new IllegalArgumentException("batch size must be positive, got " + n);
        if (x.length < n * inputSize()) throw new IllegalArgumentException("input has " + x.length + " values, a batch of " + n + " needs " + n * inputSize());
        ensureCapacity(n);
        ctx.n = n;
        ctx.training = training;
        ctx.seed = seed;
        System.arraycopy(x, 0, ctx.act[input], 0, n * inputSize());
        int last = training ? lossSteps : steps.length;
        for (int i = 0; i < last; i++) steps[i].forward(ctx);
        return ctx.act[lossTensor];
    }

    /** The graph output of the last forward pass (probabilities when the graph ends in Softmax and the pass was not training). */
    public float[] output() { return ctx.act[output]; }

    /** Sets every trainable param's gradient to zero. */
    public void zeroGrad() {
        for (Param p : params) if (p.trainable) Arrays.fill(p.grad, 0f);
    }

    /**
     * Back-propagates {@code dLoss} (the gradient of the loss by the loss tensor, n × lossSize values)
     * through the last forward pass, adding to every trainable param's gradient.
     */
    public void backward(float[] dLoss) {
        int n = ctx.n;
        for (Tensor t : graph.tensors()) if (ctx.grad[t.id()] != null) Arrays.fill(ctx.grad[t.id()], 0, n * ctx.per[t.id()], 0f);
        float[] g = ctx.grad[lossTensor];
        if (g == null) throw new GraphException("the loss reads tensor " + lossTensor + ", which no node computes; there is nothing to train");
        System.arraycopy(dLoss, 0, g, 0, n * lossSize());
        for (int i = lossSteps - 1; i >= 0; i--) if (!passive[i]) steps[i].backward(ctx);
    }

    /**
     * Marks the tensors a gradient can flow back from: those computed, through any path, from a param
     * or from a tracked input. The others (the data input and what only reshapes it) need no gradient,
     * so a layer reading one skips its input gradient and a node reading only such tensors skips its
     * backward pass.
     */
    private void markGradientPaths() {
        java.util.Arrays.fill(ctx.flows, false);
        ctx.flows[input] = ctx.needGrad[input];
        for (Node n : graph.nodes()) {
            boolean any = false;
            for (int i = 0; i < n.inputCount(); i++) {
                int t = n.input(i);
                if (t >= 0 && (ctx.params[t] != null || ctx.flows[t])) any = true;
            }
            for (int o = 0; o < n.outputCount(); o++) ctx.flows[n.output(o)] = any;
            passive[n.id()] = !any;
        }
    }

    /** The gradient the last backward pass computed for an activation tensor (tests). */
    float[] activationGrad(int tensor) { return ctx.grad[tensor]; }

    /** Makes a graph input's gradient available (tests check input gradients this way). */
    void trackInputGrad() {
        ctx.needGrad[input] = true;
        markGradientPaths();
        capacity = 0;
    }

    int inputTensor() { return input; }

    /** The buffer of an activation tensor after the last forward pass (n x its values per sample); writable, and backward reads it. */
    float[] activation(int tensor) { return ctx.act[tensor]; }

    /** Values per sample of an activation tensor. */
    int perSample(int tensor) { return ctx.per[tensor]; }

    int lossTensor() { return lossTensor; }

    /** The graph with the params' current values as its constants (running statistics included). */
    public Graph toGraph() {
        List<Tensor> ts = new ArrayList<>(graph.tensors());
        for (Param p : params) ts.set(p.tensorId, ts.get(p.tensorId).withData(TensorBytes.ofFloats(p.value)));
        return new Graph(graph.name(), ts, graph.nodes(), graph.inputs(), graph.outputs(), graph.metadata());
    }

    @Override public void close() { par.close(); }
}
