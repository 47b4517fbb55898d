package org.tinyfit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tinyfit.data.DataException;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.InMemory;
import org.tinyfit.graph.DType;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.GraphBuilder;
import org.tinyfit.graph.GraphException;
import org.tinyfit.graph.Op;
import org.tinyfit.graph.Shape;

class EvaluationTest {
    /** A float classifier that scores class c with input value c: its prediction is the argmax of the input. */
    static Graph identityClassifier(int classes) {
        GraphBuilder b = new GraphBuilder("identity");
        int x = b.input("x", DType.F32, 1, classes);
        ByteBuffer w = ByteBuffer.allocate(classes * classes * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < classes; i++) for (int j = 0; j < classes; j++) w.putFloat(i == j ? 1f : 0f);
        int fc = b.node(new Op.FullyConnected(Op.Act.NONE, false), "fc", x, b.constant("w", DType.F32, Shape.of(classes, classes), w.array()), -1);
        return b.output(fc).build();
    }

    /** Sample i is one-hot at i % 3; label i is right for the first {@code right} samples and off by one after. */
    static Dataset data(int n, int right) {
        float[] v = new float[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            v[i * 3 + i % 3] = 1f;
            y[i] = i < right ? i % 3 : (i + 1) % 3;
        }
        return InMemory.of(v, y, 3);
    }

    @Property(tries = 20)
    void countsExactlyTheSamplesWhoseTopClassIsTheLabel(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 0, max = 40) int right,
                                                       @ForAll @IntRange(min = 1, max = 4) int threads) {
        int r = Math.min(right, n);
        Evaluation e = Evaluation.topOne(identityClassifier(3), "identity", data(n, r), "data", 1, 0, null, threads);
        assertEquals(n, e.samples());
        assertEquals(r, e.correct());
        assertEquals(Math.min(threads, n), e.threads());
    }

    @Test
    void scaleAndOffsetApplyBeforeTheModelSeesTheSample() {
        Evaluation e = Evaluation.topOne(identityClassifier(3), "identity", data(9, 9), "data", -1, 0, null, 2);
        assertEquals(0, e.correct(), "negated one-hot inputs make another class the largest");
    }

    @Test
    void aLimitEvaluatesTheFirstSamplesOnly() {
        Evaluation e = Evaluation.topOne(identityClassifier(3), "identity", data(10, 4), "data", 1, 0, 4, 1);
        assertEquals(4, e.samples());
        assertEquals(1.0, e.accuracy());
    }

    @Test
    void samplesOfAnotherSizeAreRefused() {
        DataException e = assertThrows(DataException.class, () -> Evaluation.topOne(identityClassifier(4), "identity", data(3, 3), "d.csv", 1, 0, null, 1));
        assertTrue(e.getMessage().startsWith("d.csv: samples of shape [3]"), e.getMessage());
    }

    @Test
    void aModelWithoutClassScoresIsRefused() {
        GraphException e = assertThrows(GraphException.class, () -> Evaluation.topOne(identityClassifier(1), "one.tflite", InMemory.of(new float[] {1}, new int[] {0}, 1), "d", 1, 0, null, 1));
        assertTrue(e.getMessage().contains("classification"), e.getMessage());
    }

    @Property(tries = 20)
    void theConfusionMatrixCountsEachSampleOnceAtItsLabelAndPrediction(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 0, max = 40) int right,
                                                                      @ForAll @IntRange(min = 1, max = 4) int threads) {
        int r = Math.min(right, n);
        long[][] want = new long[3][3];
        for (int i = 0; i < n; i++) want[i < r ? i % 3 : (i + 1) % 3][i % 3]++;
        Evaluation e = Evaluation.topOne(identityClassifier(3), "identity", data(n, r), "data", 1, 0, null, threads);
        assertArrayEquals(want, e.confusion());
        for (int c = 0; c < 3; c++) {
            long support = want[c][0] + want[c][1] + want[c][2], predicted = want[0][c] + want[1][c] + want[2][c];
            assertEquals(support, e.support(c));
            assertEquals(support == 0 ? Double.NaN : (double) want[c][c] / support, e.recall(c));
            assertEquals(predicted == 0 ? Double.NaN : (double) want[c][c] / predicted, e.precision(c));
        }
    }

    @Test
    void aModelThatAlwaysAnswersTheMajorityClassHasNoRecallOnTheOther() {
        float[] v = new float[10 * 2];
        int[] y = new int[10];
        for (int i = 0; i < 10; i++) {
            v[i * 2] = 1f;
            y[i] = i < 9 ? 0 : 1;
        }
        Evaluation e = Evaluation.topOne(identityClassifier(2), "identity", InMemory.of(v, y, 2), "data", 1, 0, null, 2);
        assertEquals(0.9, e.accuracy(), 1e-12);
        assertEquals(1.0, e.recall(0));
        assertEquals(0.0, e.recall(1));
        assertEquals(0.9, e.precision(0), 1e-12);
        assertTrue(Double.isNaN(e.precision(1)), "class 1 was never predicted");
        assertEquals(0.5, e.balancedAccuracy(), 1e-12);
    }

    @Test
    void classesTheDataLacksHaveNoRecallAndDoNotCountInTheBalancedAccuracy() {
        Evaluation e = Evaluation.topOne(identityClassifier(4), "identity", InMemory.of(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, new int[] {0, 0}, 4), "data", 1, 0, null, 1);
        assertEquals(4, e.classes());
        assertTrue(Double.isNaN(e.recall(2)));
        assertEquals(0.5, e.recall(0));
        assertEquals(0.5, e.balancedAccuracy(), 1e-12, "only class 0 is in the data");
    }

    /**
     * A float LSTM over one step whose cell state keeps adding up when it is not reset: from its initial
     * state it scores class 1 above class 0 for the input 0.3; run again on the state of a first run, class 0.
     */
    static Graph statefulClassifier() {
        GraphBuilder b = new GraphBuilder("stateful");
        int x = b.input("x", DType.F32, 1, 1, 1);
        int[] ins = new int[org.tinyfit.graph.Lstm.UNIDIRECTIONAL_INPUTS];
        java.util.Arrays.fill(ins, -1);
        ins[0] = x;
        float[][] w = {{0, 0}, {0, 0}, {1, 0}, {0, 0}};
        float[][] r = {{0, 0, 0, 0}, {0, 0, 0, 0}, {5, 0, 0, 0}, {0, 0, 0, 0}};
        float[][] bias = {{10, 10}, {10, 10}, {0, 0.35f}, {10, 10}};
        for (int k = 0; k < 4; k++) {
            ins[1 + k] = b.constant("w" + k, DType.F32, Shape.of(2, 1), floats(w[k]));
            ins[5 + k] = b.constant("r" + k, DType.F32, Shape.of(2, 2), floats(r[k]));
            ins[12 + k] = b.constant("b" + k, DType.F32, Shape.of(2), floats(bias[k]));
        }
        ins[18] = b.tensor(new org.tinyfit.graph.Tensor(0, "h", DType.F32, Shape.of(1, 2), null, null, true));
        ins[19] = b.tensor(new org.tinyfit.graph.Tensor(0, "c", DType.F32, Shape.of(1, 2), null, null, true));
        int seq = b.node(new Op.UnidirectionalSequenceLstm(Op.Act.TANH, 0f, 0f, false, false, false), "seq", ins);
        int shape = b.constant("shape", DType.I32, Shape.of(2), ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(2).array());
        return b.output(b.node(new Op.Reshape(new int[] {1, 2}), "scores", seq, shape)).build();
    }

    private static byte[] floats(float[] v) {
        ByteBuffer out = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) out.putFloat(f);
        return out.array();
    }

    @Test
    void aStatefulModelStartsEverySampleFromItsInitialState() {
        Graph g = statefulClassifier();
        org.tinyfit.memory.Schedule s = org.tinyfit.memory.Schedule.stored(g);
        org.tinyfit.runtime.Interpreter it = new org.tinyfit.runtime.Interpreter(g, s, new org.tinyfit.memory.TflmGreedyPlanner().plan(g, s));
        byte[] x = floats(new float[] {0.3f});
        ByteBuffer first = ByteBuffer.wrap(it.run(new byte[][] {x})[0]).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer second = ByteBuffer.wrap(it.run(new byte[][] {x})[0]).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(first.getFloat(4) > first.getFloat(0) && second.getFloat(0) > second.getFloat(4), "the state changes the prediction");
        float[] v = new float[12];
        java.util.Arrays.fill(v, 0.3f);
        for (int threads : new int[] {1, 3}) {
            Evaluation e = Evaluation.topOne(g, "stateful", InMemory.of(v, new int[12], 1, 1), "data", 1, 0, null, threads);
            assertEquals(0, e.correct(), threads + " threads: every sample predicts class 1 from the initial state");
        }
    }
}
