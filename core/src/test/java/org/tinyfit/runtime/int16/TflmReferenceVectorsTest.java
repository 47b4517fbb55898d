package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;

/**
 * Kernels without a TFLite Micro integration model, checked against outputs of TFLite Micro's own
 * reference kernels (built from the commit in shared/models/README.md, x86-64, default double
 * rounding) on deterministic inputs, with the parameters tinyfit's Prepare computes. The same
 * comparison on several hundred random cases per kernel found no difference; these vectors keep it.
 */
class TflmReferenceVectorsTest {

    private static int x;

    private static short[] shorts(int seed, int n, int div) {
        x = 12345 + seed;
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            a[i] = (short) (((x >>> 8) & 0xffff) / div);
        }
        return a;
    }

    private static byte[] bytes(int seed, int n) {
        x = 777 + seed;
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            a[i] = (byte) ((x >>> 16) & 0xff);
        }
        return a;
    }

    private static long[] longs(int seed, int n, long mag) {
        x = 999 + seed;
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            a[i] = (long) ((x >>> 8) & 0xffff) * mag / 65536 - mag / 2;
        }
        return a;
    }

    private static float[] scales(int n, float base) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = base * (1 + 0.37f * i);
        return s;
    }

    static final short[] DEPTHWISE = {-3767, -6088, 364, -9681, -22369, 23442, 14429, -11684, -18767, 27463, -30135, 32767, 11741, -12888, 9946, -18740, 32767, -5786, 829, 19077, -25002, 24719, 16621, -5863, -6155, 18515, 6444, -21594, 32767, -32768, -16641, 8308, -11219, 32767, 32767, -32768, -6448, 11170, 32767, -32768, 23229, 23011, 8619, 2288, -32590, -640, 14863, -12092, -1978, -5313, 9547, -920, -31556, 32767, -1223, -3681, -21567, -708, 17104, 19267, -7375, 9960, 8626, -26878, 30794, -11122, 9008, -14580, -15314, 7004, 10460, -3645};
    static final short[] FULLY_CONNECTED_INT32_BIAS = {0, 2356, 0, 1975, 8937, 13557, 0, 0, 1754, 0};
    static final short[] FULLY_CONNECTED_PER_CHANNEL = {679, 1590, -1955, 1488, -1176, 115, 1344, -1788, 348, 560};
    static final short[] MUL_BROADCAST = {10304, 5987, 3865, 8256, 1805, 338, 2674, 2311, 9487, 4219, 610, 11328, 6733, 3697, 1155, 2794, 2091, 1483, 187, 1623, 1219, 11121, 6707, 9475};
    static final short[] AVERAGE_POOL = {1455, 727, -9703, -9219, -7163, -6450, 5339, -2408, -9972, -1610, 1278, -7010, 6803, 11949, -3759, 6786, -6599, 3051};
    static final short[] MAX_POOL = {24932, 21675, 24001, 21895, 30435, 20176, 24932, 21675, 20705, 23226, 30435, 31449, 25715, 26981, 13901, 26981, -1545, 23728};
    static final short[] MEAN_SPATIAL = {-4145, 4450, -322};
    static final short[] SOFTMAX = {223, 277, 926, 16955, 389, 3310, 10688, 920, 6981, 12833, 1910, 8644, 405, 1076, 1732, 1262, 878, 23471, 1756, 1333, 2338};
    static final short[] CONV_GROUPED_INT32_BIAS = {0, 0, 5378, 207, 13344, 15000, 1669, 0, 9495, 6111, 0, 0, 4889, 4736, 15000, 0, 15000, 0, 5661, 0, 15000, 0, 15000, 0, 0, 15000, 15000, 0, 15000, 0, 13880, 0, 13993, 0, 15000, 0, 0, 6807, 15000, 0, 0, 1202, 15000, 0, 4829, 0, 15000, 0};

    @Test
    void depthwiseWithDepthMultiplierAndStride() {
        Op.DepthwiseConv2D op = new Op.DepthwiseConv2D(Op.Padding.SAME, 2, 1, 1, 1, 2, Op.Act.NONE);
        DepthwiseConvInt16.Params p = DepthwiseConvInt16.prepare(op, 5, 4, 3, 3, 3, 6, 0.0008f, scales(6, 0.004f), 0.0011f, 0);
        short[] out = new short[3 * 4 * 6];
        DepthwiseConvInt16.run(shorts(1, 60, 1), new int[] {1, 5, 4, 3}, bytes(1, 54), new int[] {1, 3, 3, 6}, longs(1, 6, 1L << 20),
                out, new int[] {1, 3, 4, 6}, p);
        assertArrayEquals(DEPTHWISE, out);
    }

    @Test
    void fullyConnectedPerTensorWithInt32BiasAndRelu() {
        FullyConnectedInt16.Params p = FullyConnectedInt16.prepare(new Op.FullyConnected(Op.Act.RELU, false), 5, 0.0005f, 0,
                new float[] {0.003f}, 0.0009f, 0, true);
        short[] out = new short[10];
        FullyConnectedInt16.run(shorts(2, 34, 1), bytes(2, 85), 5, 17, longs(2, 5, 1L << 22), out, p);
        assertArrayEquals(FULLY_CONNECTED_INT32_BIAS, out);
    }

    @Test
    void fullyConnectedPerChannelWithInt64Bias() {
        FullyConnectedInt16.Params p = FullyConnectedInt16.prepare(new Op.FullyConnected(Op.Act.NONE, false), 5, 0.0005f, 0,
                scales(5, 0.002f), 0.0009f, 0, false);
        short[] out = new short[10];
        FullyConnectedInt16.run(shorts(3, 34, 16), bytes(3, 85), 5, 17, longs(3, 5, 1L << 18), out, p);
        assertArrayEquals(FULLY_CONNECTED_PER_CHANNEL, out);
    }

    @Test
    void mulBroadcastsAMatrixAgainstAColumn() {
        MulInt16.Params p = MulInt16.prepare(0.001f, 0, 0.0007f, 0, 0.0002f, 0, Op.Act.NONE);
        short[] out = new short[24];
        MulInt16.run(shorts(4, 24, 64), new int[] {2, 3, 4}, shorts(5, 3, 16), new int[] {3, 1}, out, p);
        assertArrayEquals(MUL_BROADCAST, out);
    }

    @Test
    void averageAndMaxPoolWithSamePadding() {
        for (boolean avg : new boolean[] {true, false}) {
            Op.Pool2D op = new Op.Pool2D(avg ? Op.PoolKind.AVG : Op.PoolKind.MAX, Op.Padding.SAME, 2, 2, 3, 3, Op.Act.NONE);
            short[] out = new short[18];
            PoolInt16.run(shorts(6, 60, 1), new int[] {1, 5, 6, 2}, out, new int[] {1, 3, 3, 2}, PoolInt16.prepare(op, 5, 6, 0.001f, 0));
            assertArrayEquals(avg ? AVERAGE_POOL : MAX_POOL, out, avg ? "average" : "max");
        }
    }

    @Test
    void meanOverSpatialAxesWithZeroPoints() {
        int[] shape = {1, 4, 5, 3};
        short[] out = new short[3];
        MeanInt16.run(shorts(7, 60, 1), shape, out, MeanInt16.prepare(shape, new int[] {1, 2}, 0.0013f, 3, 0.0009f, -2));
        assertArrayEquals(MEAN_SPATIAL, out);
    }

    @Test
    void softmaxOverRowsOfSeven() {
        short[] out = new short[21];
        SoftmaxInt16.run(shorts(8, 21, 3), out, 7, SoftmaxInt16.prepare(1f / 4096, 0, 1f / 32768, 0, 1f));
        assertArrayEquals(SOFTMAX, out);
    }

    @Test
    void groupedConvolutionWithInt32BiasDilationAndRelu6() {
        Op.Conv2D op = new Op.Conv2D(Op.Padding.SAME, 1, 2, 2, 1, Op.Act.RELU6);
        ConvInt16.Params p = ConvInt16.prepare(op, 4, 5, 2, 3, 4, 0.0006f, scales(4, 0.003f), 0.0004f, 0, true);
        short[] out = new short[4 * 3 * 4];
        ConvInt16.run(shorts(9, 80, 2), new int[] {1, 4, 5, 4}, bytes(9, 48), new int[] {4, 2, 3, 2}, longs(9, 4, 1L << 12), out,
                new int[] {1, 4, 3, 4}, p);
        assertArrayEquals(CONV_GROUPED_INT32_BIAS, out);
    }
}
