package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.tinyfit.data.SeededRandom;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.TensorBytes;

/** Every trainable op's backward pass against finite differences. */
class GradientCheckTest {
    private static final Op.Padding SAME = Op.Padding.SAME, VALID = Op.Padding.VALID;

    static int rand(GraphBuilder b, String name, long seed, int... dims) {
        Shape s = new Shape(dims);
        SeededRandom r = new SeededRandom(seed);
        float[] v = new float[s.elements()];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() - 0.5f;
        return b.constant(name, DType.F32, s, TensorBytes.ofFloats(v));
    }

    static int ints(GraphBuilder b, String name, int... v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) buf.putInt(i);
        return b.constant(name, DType.I32, Shape.of(v.length), buf.array());
    }

    @Test void conv2dSameStride1MatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 6, 5, 3);
        int y = b.node(new Op.Conv2D(SAME, 1, 1, 1, 1, Op.Act.NONE), "c", x, rand(b, "w", 1, 4, 3, 3, 3), rand(b, "b", 2, 4));
        GradCheck.check(b.output(y).build(), 3, 7);
    }

    @Test void conv2dStridedValidDilatedWithReluMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 9, 8, 2);
        int y = b.node(new Op.Conv2D(VALID, 2, 1, 2, 1, Op.Act.RELU), "c", x, rand(b, "w", 3, 3, 3, 2, 2), rand(b, "b", 4, 3));
        GradCheck.check(b.output(y).build(), 2, 8);
    }

    @Test void conv2dSameStride2WithTanhMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 7, 7, 2);
        int y = b.node(new Op.Conv2D(SAME, 2, 2, 1, 1, Op.Act.TANH), "c", x, rand(b, "w", 5, 3, 3, 3, 2), rand(b, "b", 6, 3));
        GradCheck.check(b.output(y).build(), 2, 9);
    }

    @Test void depthwiseConvMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 6, 6, 3);
        int y = b.node(new Op.DepthwiseConv2D(SAME, 1, 1, 1, 1, 1, Op.Act.RELU6), "d", x, rand(b, "w", 7, 1, 3, 3, 3), rand(b, "b", 8, 3));
        GradCheck.check(b.output(y).build(), 2, 10, 1e-3f, 3e-2);
    }

    @Test void depthwiseConvWithMultiplierAndStrideMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 7, 6, 2);
        int y = b.node(new Op.DepthwiseConv2D(VALID, 2, 2, 1, 1, 2, Op.Act.NONE), "d", x, rand(b, "w", 9, 1, 3, 3, 4), rand(b, "b", 10, 4));
        GradCheck.check(b.output(y).build(), 2, 11);
    }

    @Test void fullyConnectedMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 7);
        int y = b.node(new Op.FullyConnected(Op.Act.RELU, false), "fc", x, rand(b, "w", 11, 5, 7), rand(b, "b", 12, 5));
        GradCheck.check(b.output(y).build(), 4, 12);
    }

    @Test void maxPoolMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 6, 6, 2);
        int y = b.node(new Op.Pool2D(Op.PoolKind.MAX, VALID, 2, 2, 2, 2, Op.Act.NONE), "p", x);
        GradCheck.check(b.output(y).build(), 2, 13, 1e-3f, 3e-2);
    }

    @Test void averagePoolWithSamePaddingMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 5, 5, 2);
        int y = b.node(new Op.Pool2D(Op.PoolKind.AVG, SAME, 2, 2, 3, 3, Op.Act.NONE), "p", x);
        GradCheck.check(b.output(y).build(), 2, 14);
    }

    @Test void globalAveragePoolAsMeanMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 4, 3, 5);
        int y = b.node(new Op.Mean(false), "gap", x, ints(b, "axes", 1, 2));
        GradCheck.check(b.output(y).build(), 3, 15);
    }

    @Test void addSubMulMatchFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 4, 3);
        int t = b.node(new Op.Tanh(), "t", x);
        int a = b.node(new Op.Add(Op.Act.NONE), "a", x, t);
        int s = b.node(new Op.Sub(Op.Act.NONE), "s", a, rand(b, "k", 16, 1, 4, 3));
        int m = b.node(new Op.Mul(Op.Act.NONE), "m", s, t);
        GradCheck.check(b.output(m).build(), 2, 16);
    }

    @Test void concatMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 3, 3, 2);
        int r = b.node(new Op.Conv2D(SAME, 1, 1, 1, 1, Op.Act.NONE), "c", x, rand(b, "w", 17, 3, 1, 1, 2), -1);
        int y = b.node(new Op.Concat(3, Op.Act.NONE), "cat", x, r);
        int z = b.node(new Op.Concat(1, Op.Act.NONE), "cat2", y, y);
        GradCheck.check(b.output(z).build(), 2, 17);
    }

    @Test void reshapeMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 3, 2, 2);
        int f = b.node(new Op.Reshape(new int[] {1, 12}), "flat", x);
        int y = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", f, rand(b, "w", 18, 4, 12), rand(b, "b", 19, 4));
        GradCheck.check(b.output(y).build(), 2, 18);
    }

    @Test void batchNormInTrainingModeMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 3, 3, 4);
        int y = b.node(new Op.BatchNorm(1e-3f, 0.9f), "bn", x, rand(b, "g", 20, 4), rand(b, "b", 21, 4), rand(b, "m", 22, 4), b.constant("v", DType.F32, Shape.of(4), TensorBytes.ofFloats(new float[] {1, 2, 3, 4})));
        GradCheck.check(b.output(y).build(), 3, 19);
    }

    @Test void activationsMatchFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 10);
        int p = b.node(new Op.Relu(), "relu", x);
        int q = b.node(new Op.Logistic(), "sig", x);
        int r = b.node(new Op.Tanh(), "tanh", x);
        int s = b.node(new Op.LeakyRelu(0.1f), "leaky", x);
        int t = b.node(new Op.Relu6(), "relu6", b.node(new Op.Mul(Op.Act.NONE), "big", x, b.constant("k", DType.F32, Shape.of(1, 10), TensorBytes.ofFloats(new float[] {8, 8, 8, 8, 8, 8, 8, 8, 8, 8}))));
        int sum = b.node(new Op.Add(Op.Act.NONE), "s1", b.node(new Op.Add(Op.Act.NONE), "s0", p, q), b.node(new Op.Add(Op.Act.NONE), "s2", r, b.node(new Op.Add(Op.Act.NONE), "s3", s, t)));
        GradCheck.check(b.output(sum).build(), 3, 20, 1e-3f, 3e-2);
    }

    @Test void dropoutMatchesFiniteDifferencesWithItsMask() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 16);
        int d = b.node(new Op.Dropout(0.5f), "drop", x);
        int y = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", d, rand(b, "w", 23, 3, 16), rand(b, "b", 24, 3));
        GradCheck.check(b.output(y).build(), 4, 21);
    }

    @Test void softmaxInsideTheGraphMatchesFiniteDifferences() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 6);
        int s = b.node(new Op.Softmax(1.5f), "sm", x);
        int y = b.node(new Op.Reshape(new int[] {1, 6}), "id", s);
        GradCheck.check(b.output(y).build(), 3, 22, 1e-3f, 3e-2);
    }

    @Test void untrainableOpsAreRejectedByName() {
        GraphBuilder b = new GraphBuilder("t");
        int x = b.input("x", DType.F32, 1, 4);
        int q = b.node(new Op.Quantize(), "q", DType.I8, null, x);
        Graph g = b.output(q).build();
        GraphException e = assertThrows(GraphException.class, () -> Net.compile(g, 1));
        assertTrue(e.getMessage().contains("QUANTIZE cannot be trained"), e.getMessage());
    }
}
