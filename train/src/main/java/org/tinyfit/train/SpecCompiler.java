package org.tinyfit.train;

import java.util.List;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;

/**
 * Turns a {@link ModelSpec} into a float graph with batch 1 and seeded initial weights: He normal
 * (std √(2/fan-in)) or Glorot uniform (limit √(6/(fan-in + fan-out))). A layer with {@code bn}
 * becomes conv (no bias) → BatchNorm → activation; without, the activation is fused where TFLite
 * can fuse it.
 */
public final class SpecCompiler {
    public static final float BN_EPSILON = 1e-3f;
    public static final float BN_MOMENTUM = 0.9f;

    private final GraphBuilder b;
    private final long seed;
    private int layerNo;

    private SpecCompiler(String name, long seed) {
        this.b = new GraphBuilder(name);
        this.seed = seed;
    }

    public static Graph compile(ModelSpec spec, long seed) {
        SpecCompiler c = new SpecCompiler(spec.name(), seed);
        int[] in = spec.input();
        int[] dims = new int[in.length + 1];
        dims[0] = 1;
        System.arraycopy(in, 0, dims, 1, in.length);
        int x = c.b.input("input", DType.F32, dims);
        x = c.layers(x, spec.layers(), "");
        if (spec.softmax()) x = c.b.node(new Op.Softmax(1f), "probs", x);
        return c.b.output(x).meta("tinyfit.spec", spec.toJson()).meta("tinyfit.seed", Long.toString(seed)).build();
    }

    private int layers(int x, List<ModelSpec.Layer> layers, String prefix) {
        for (ModelSpec.Layer l : layers) x = layer(x, l, prefix + "l" + (layerNo++));
        return x;
    }

    private Shape shape(int t) { return b.tensorAt(t).shape(); }

    private int layer(int x, ModelSpec.Layer l, String name) {
        Shape s = shape(x);
        return switch (l) {
            case ModelSpec.Conv c -> {
                needRank4(s, name, "conv");
                int cin = s.dim(3);
                int w = weights(name + "/w", Shape.of(c.filters(), c.kernel(), c.kernel(), cin), c.kernel() * c.kernel() * cin, c.kernel() * c.kernel() * c.filters(), init(c.init(), c.act()));
                Op.Act fused = c.bn() ? Op.Act.NONE : fusable(c.act());
                int bias = c.bn() ? -1 : zeros(name + "/b", c.filters());
                int y = b.node(new Op.Conv2D(c.padding(), c.stride(), c.stride(), c.dilation(), c.dilation(), fused), name, x, w, bias);
                yield after(y, name, c.bn(), c.act(), fused);
            }
            case ModelSpec.DepthwiseConv d -> {
                needRank4(s, name, "dwconv");
                int cout = s.dim(3) * d.multiplier();
                int w = weights(name + "/w", Shape.of(1, d.kernel(), d.kernel(), cout), d.kernel() * d.kernel(), d.kernel() * d.kernel() * d.multiplier(), init(d.init(), d.act()));
                Op.Act fused = d.bn() ? Op.Act.NONE : fusable(d.act());
                int bias = d.bn() ? -1 : zeros(name + "/b", cout);
                int y = b.node(new Op.DepthwiseConv2D(d.padding(), d.stride(), d.stride(), d.dilation(), d.dilation(), d.multiplier(), fused), name, x, w, bias);
                yield after(y, name, d.bn(), d.act(), fused);
            }
            case ModelSpec.Pool p -> {
                needRank4(s, name, p.max() ? "maxpool" : "avgpool");
                yield b.node(new Op.Pool2D(p.max() ? Op.PoolKind.MAX : Op.PoolKind.AVG, p.padding(), p.stride(), p.stride(), p.size(), p.size(), Op.Act.NONE), name, x);
            }
            case ModelSpec.Conv1D c -> {
                x = sequence(x, name, "conv1d");
                int cin = shape(x).dim(3);
                int w = weights(name + "/w", Shape.of(c.filters(), 1, c.kernel(), cin), c.kernel() * cin, c.kernel() * c.filters(), init(c.init(), c.act()));
                Op.Act fused = c.bn() ? Op.Act.NONE : fusable(c.act());
                int bias = c.bn() ? -1 : zeros(name + "/b", c.filters());
                int y = b.node(new Op.Conv2D(c.padding(), 1, c.stride(), 1, c.dilation(), fused), name, x, w, bias);
                yield after(y, name, c.bn(), c.act(), fused);
            }
            case ModelSpec.DepthwiseConv1D d -> {
                x = sequence(x, name, "dwconv1d");
                int cout = shape(x).dim(3) * d.multiplier();
                int w = weights(name + "/w", Shape.of(1, 1, d.kernel(), cout), d.kernel(), d.kernel() * d.multiplier(), init(d.init(), d.act()));
                Op.Act fused = d.bn() ? Op.Act.NONE : fusable(d.act());
                int bias = d.bn() ? -1 : zeros(name + "/b", cout);
                int y = b.node(new Op.DepthwiseConv2D(d.padding(), 1, d.stride(), 1, d.dilation(), d.multiplier(), fused), name, x, w, bias);
                yield after(y, name, d.bn(), d.act(), fused);
            }
            case ModelSpec.Pool1D p -> {
                x = sequence(x, name, p.max() ? "maxpool1d" : "avgpool1d");
                yield b.node(new Op.Pool2D(p.max() ? Op.PoolKind.MAX : Op.PoolKind.AVG, p.padding(), 1, p.stride(), 1, p.size(), Op.Act.NONE), name, x);
            }
            case ModelSpec.GlobalAvgPool g -> {
                needRank4(s, name, "gap");
                int axes = b.constant(name + "/axes", DType.I32, Shape.of(2), ints(1, 2));
                yield b.node(new Op.Mean(false), name, x, axes);
            }
            case ModelSpec.Flatten f -> flatten(x, name);
            case ModelSpec.Dense d -> {
                if (s.rank() != 2) x = flatten(x, name + "/flat");
                int in = shape(x).dim(1);
                int w = weights(name + "/w", Shape.of(d.units(), in), in, d.units(), init(d.init(), d.act()));
                Op.Act fused = d.bn() ? Op.Act.NONE : fusable(d.act());
                int bias = d.bn() ? -1 : zeros(name + "/b", d.units());
                int y = b.node(new Op.FullyConnected(fused, false), name, x, w, bias);
                yield after(y, name, d.bn(), d.act(), fused);
            }
            case ModelSpec.Dropout d -> b.node(new Op.Dropout(d.rate()), name, x);
            case ModelSpec.Residual r -> {
                int y = layers(x, r.layers(), name + "/");
                if (!shape(y).equals(s)) throw new GraphException("model spec: residual block " + name + " turns " + s + " into " + shape(y) + "; its output must keep the input's shape");
                yield b.node(new Op.Add(Op.Act.NONE), name + "/add", x, y);
            }
        };
    }

    /**
     * A sequence [N, L, C] as an image of height 1, [N, 1, L, C] (a RESHAPE, free on the device), so
     * that TFLite's 2-D kernels run the 1-D layers; a tensor already of height 1 is used as it is.
     */
    private int sequence(int x, String name, String kind) {
        Shape s = shape(x);
        if (s.rank() == 4 && s.dim(1) == 1) return x;
        if (s.rank() == 3) return b.node(new Op.Reshape(new int[] {1, 1, s.dim(1), s.dim(2)}), name + "/as2d", x);
        throw new GraphException("model spec: " + kind + " layer " + name + " needs a sequence input [N,L,C] (or [N,1,L,C]), but gets " + s + "; give the model an input [length, channels]");
    }

    private int flatten(int x, String name) {
        Shape s = shape(x);
        int per = s.elements() / s.dim(0);
        return b.node(new Op.Reshape(new int[] {1, per}), name, x);
    }

    /** Batch norm and any activation not already fused. */
    private int after(int y, String name, boolean bn, ModelSpec.Activation act, Op.Act fused) {
        if (bn) {
            int c = shape(y).dim(-1);
            int gamma = constant(name + "/bn/gamma", c, 1f), beta = constant(name + "/bn/beta", c, 0f);
            int mean = constant(name + "/bn/mean", c, 0f), var = constant(name + "/bn/var", c, 1f);
            y = b.node(new Op.BatchNorm(BN_EPSILON, BN_MOMENTUM), name + "/bn", y, gamma, beta, mean, var);
        }
        if (fused != Op.Act.NONE || act == ModelSpec.Activation.NONE) return y;
        return switch (act) {
            case RELU -> b.node(new Op.Relu(), name + "/relu", y);
            case RELU6 -> b.node(new Op.Relu6(), name + "/relu6", y);
            case TANH -> b.node(new Op.Tanh(), name + "/tanh", y);
            case SIGMOID -> b.node(new Op.Logistic(), name + "/sigmoid", y);
            case NONE -> y;
        };
    }

    private static Op.Act fusable(ModelSpec.Activation a) {
        return switch (a) {
            case NONE, SIGMOID, TANH -> Op.Act.NONE; // TFLite kernels ignore a fused TANH: keep it a separate op
            case RELU -> Op.Act.RELU;
            case RELU6 -> Op.Act.RELU6;
        };
    }

    private static ModelSpec.Init init(ModelSpec.Init i, ModelSpec.Activation act) {
        if (i != ModelSpec.Init.AUTO) return i;
        return act == ModelSpec.Activation.RELU || act == ModelSpec.Activation.RELU6 ? ModelSpec.Init.HE : ModelSpec.Init.GLOROT;
    }

    private int weights(String name, Shape shape, int fanIn, int fanOut, ModelSpec.Init init) {
        float[] v = initial(shape.elements(), fanIn, fanOut, init, SeededRandom.forKeys(seed, name.hashCode(), layerNo));
        return b.constant(name, DType.F32, shape, TensorBytes.ofFloats(v));
    }

    /** Seeded initial weights: He normal or Glorot uniform. */
    public static float[] initial(int count, int fanIn, int fanOut, ModelSpec.Init init, SeededRandom rng) {
        float[] v = new float[count];
        if (init == ModelSpec.Init.HE) {
            double std = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < count; i++) v[i] = (float) (rng.nextGaussianBoxMuller() * std);
        } else {
            double limit = Math.sqrt(6.0 / (fanIn + fanOut));
            for (int i = 0; i < count; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
        return v;
    }

    private int zeros(String name, int n) { return constant(name, n, 0f); }

    private int constant(String name, int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return b.constant(name, DType.F32, Shape.of(n), TensorBytes.ofFloats(v));
    }

    private static byte[] ints(int... v) { return TensorBytes.ofInts(v); }

    private static void needRank4(Shape s, String name, String kind) {
        if (s.rank() != 4) throw new GraphException("model spec: " + kind + " layer " + name + " needs an image input [N,H,W,C], but gets " + s + "; put it before flatten/gap/dense");
    }
}
