package org.tinyfit.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.ShapeInference;
import org.tinyfit.graph.Tensor;
import org.tinyfit.graph.TensorBytes;
import org.tinyfit.io.ModelReader;
import org.tinyfit.tflite.TfliteWriter;
import org.tinyfit.train.Net;

/**
 * Random float graphs (convolutions, depthwise convolutions, batch norm, pooling, residual ADDs,
 * channel concatenations, flatten or mean, dense layers) pruned by random masks: the pruned graph is
 * valid and physically smaller, computes what the masked unpruned graph computes, and costs what the
 * cost model predicted for its channel counts.
 */
class ChannelPruningPropertyTest {

    /** A random graph of a few blocks; deterministic in {@code seed}. */
    static Graph randomGraph(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("random" + seed);
        int h = 6 + r.nextInt(4), w = 6 + r.nextInt(4);
        int x = b.input("in", DType.F32, 1, h, w, 1 + r.nextInt(3));
        List<Integer> sameShape = new ArrayList<>();
        int blocks = 2 + r.nextInt(4);
        for (int i = 0; i < blocks; i++) {
            int c = b.tensorAt(x).shape().dim(-1);
            switch (r.nextInt(6)) {
                case 0, 1 -> x = conv(b, r, x, 2 + r.nextInt(6), "c" + i, r.nextBoolean());
                case 2 -> {
                    int wt = constant(b, r, "dw" + i + "/w", 1, 3, 3, c);
                    int bias = constant(b, r, "dw" + i + "/b", c);
                    x = b.node(new Op.DepthwiseConv2D(Op.Padding.SAME, 1, 1, 1, 1, 1, Op.Act.RELU), "dw" + i, x, wt, bias);
                }
                case 3 -> {
                    int y = conv(b, r, x, c, "ra" + i, true);
                    int z = conv(b, r, y, c, "rb" + i, false);
                    x = b.node(new Op.Add(Op.Act.RELU), "add" + i, x, z);
                }
                case 4 -> {
                    int y = conv(b, r, x, 2 + r.nextInt(4), "ca" + i, true);
                    int z = conv(b, r, x, 2 + r.nextInt(4), "cb" + i, true);
                    x = b.node(new Op.Concat(3, Op.Act.NONE), "cat" + i, y, z);
                }
                default -> {
                    x = conv(b, r, x, 2 + r.nextInt(6), "cbn" + i, false);
                    c = b.tensorAt(x).shape().dim(-1);
                    int gamma = positive(b, r, "bn" + i + "/g", c), beta = constant(b, r, "bn" + i + "/b", c);
                    int mean = constant(b, r, "bn" + i + "/m", c), var = positive(b, r, "bn" + i + "/v", c);
                    x = b.node(new Op.BatchNorm(1e-3f, 0.9f), "bn" + i, x, gamma, beta, mean, var);
                    if (b.tensorAt(x).shape().dim(1) >= 4 && r.nextBoolean()) x = b.node(new Op.Pool2D(Op.PoolKind.MAX, Op.Padding.VALID, 2, 2, 2, 2, Op.Act.NONE), "pool" + i, x);
                }
            }
            sameShape.add(x);
        }
        Shape s = b.tensorAt(x).shape();
        int features;
        if (r.nextBoolean()) {
            int axes = b.constant("axes", DType.I32, Shape.of(2), TensorBytes.ofInts(new int[] {1, 2}));
            x = b.node(new Op.Mean(false), "mean", x, axes);
            features = s.dim(3);
        } else {
            features = s.dim(1) * s.dim(2) * s.dim(3);
            x = b.nodeWithShape(new Op.Reshape(new int[] {1, features}), "flat", DType.F32, Shape.of(1, features), null, x);
        }
        int hidden = 3 + r.nextInt(6);
        x = b.node(new Op.FullyConnected(Op.Act.RELU, false), "fc1", x, constant(b, r, "fc1/w", hidden, features), constant(b, r, "fc1/b", hidden));
        x = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc2", x, constant(b, r, "fc2/w", 4, hidden), constant(b, r, "fc2/b", 4));
        return b.output(x).build();
    }

    private static int conv(GraphBuilder b, Random r, int x, int out, String name, boolean relu) {
        int c = b.tensorAt(x).shape().dim(-1);
        int k = r.nextBoolean() ? 3 : 1;
        int wt = constant(b, r, name + "/w", out, k, k, c);
        int bias = constant(b, r, name + "/b", out);
        return b.node(new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, relu ? Op.Act.RELU : Op.Act.NONE), name, x, wt, bias);
    }

    private static int constant(GraphBuilder b, Random r, String name, int... dims) {
        float[] v = new float[Shape.of(dims).elements()];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.5f;
        return b.constant(name, DType.F32, Shape.of(dims), TensorBytes.ofFloats(v));
    }

    private static int positive(GraphBuilder b, Random r, String name, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.5f + r.nextFloat();
        return b.constant(name, DType.F32, Shape.of(n), TensorBytes.ofFloats(v));
    }

    static boolean[][] randomMask(ChannelGroups cg, Random r) {
        boolean[][] k = cg.full();
        for (ChannelGroups.Group g : cg.prunable()) {
            for (int c = 0; c < g.size(); c++) k[g.id()][c] = r.nextInt(3) > 0;
            k[g.id()][r.nextInt(g.size())] = true;
        }
        return k;
    }

    private static float[] run(Graph g, float[] x, int n) {
        try (Net net = Net.compile(g, 1)) {
            net.forward(x, n, false, 0);
            return net.output().clone();
        }
    }

    @Property(tries = 60)
    void prunedGraphIsValidSmallerAndComputesTheMaskedGraph(@ForAll long seed) {
        Graph g = randomGraph(seed);
        ChannelGroups cg = ChannelGroups.of(g);
        Random r = new Random(seed ^ 0x5eed);
        boolean[][] keep = randomMask(cg, r);
        Graph pruned = cg.prune(keep);
        ShapeInference.check(pruned);
        int[] counts = ChannelGroups.counts(keep);
        long dropped = 0;
        for (ChannelGroups.Group gr : cg.groups()) dropped += gr.size() - counts[gr.id()];
        long before = g.tensors().stream().filter(Tensor::isConstant).mapToLong(Tensor::bytes).sum();
        long after = pruned.tensors().stream().filter(Tensor::isConstant).mapToLong(Tensor::bytes).sum();
        if (dropped > 0) assertTrue(after < before, "dropping " + dropped + " channels must shrink the weights: " + before + " -> " + after);
        assertEquals(g.tensor(g.outputs()[0]).shape(), pruned.tensor(pruned.outputs()[0]).shape(), "the output is never pruned");
        int n = 3;
        int in = (int) g.tensor(g.inputs()[0]).shape().elements();
        float[] x = new float[n * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] want = run(cg.mask(keep), x, n), got = run(pruned, x, n);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), "output " + i + " of " + Arrays.toString(counts));
        }
    }

    @Property(tries = 30)
    void prunedGraphCostsWhatTheCostModelPredictedForItsCounts(@ForAll long seed) {
        Graph g = randomGraph(seed);
        ChannelGroups cg = ChannelGroups.of(g);
        Random r = new Random(seed ^ 0xc057);
        var device = DeviceCatalog.builtin().devices().get(0);
        boolean[][] keep = randomMask(cg, r);
        Resources predicted = Resources.of(cg.prune(keep), device);
        // the same counts with other channels kept, written as a .tflite and read back
        boolean[][] other = cg.full();
        int[] counts = ChannelGroups.counts(keep);
        for (ChannelGroups.Group gr : cg.groups()) {
            for (int c = 0; c < gr.size(); c++) other[gr.id()][c] = c >= gr.size() - counts[gr.id()];
        }
        boolean tflite = g.nodes().stream().noneMatch(n -> n.op() instanceof Op.BatchNorm);
        Graph written = tflite ? ModelReader.read(TfliteWriter.write(cg.prune(other)), "pruned.tflite") : cg.prune(other);
        Resources onFile = Resources.of(written, device);
        assertEquals(predicted, onFile);
        long macs = 0;
        Graph p = cg.prune(keep);
        for (var node : p.nodes()) {
            if (node.op() instanceof Op.Conv2D) {
                Shape w = p.tensor(node.input(1)).shape(), o = p.tensor(node.output(0)).shape();
                macs += (long) o.dim(1) * o.dim(2) * o.dim(3) * w.dim(1) * w.dim(2) * w.dim(3);
            } else if (node.op() instanceof Op.FullyConnected) {
                macs += p.tensor(node.input(1)).shape().elements();
            } else if (node.op() instanceof Op.DepthwiseConv2D) {
                Shape w = p.tensor(node.input(1)).shape(), o = p.tensor(node.output(0)).shape();
                macs += (long) o.dim(1) * o.dim(2) * o.dim(3) * w.dim(1) * w.dim(2);
            }
        }
        assertEquals(macs, predicted.macs(), "MACs of the pruned layers");
    }
}
