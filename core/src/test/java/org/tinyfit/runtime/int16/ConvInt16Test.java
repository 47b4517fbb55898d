package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;

class ConvInt16Test {

    private static ConvInt16.Params unitScale(Op.Conv2D op, int inH, int inW, int fH, int fW, int oc, boolean int32Bias) {
        return ConvInt16.prepare(op, inH, inW, fH, fW, oc, 1f, new float[] {1f}, 1f, 0, int32Bias);
    }

    @Test
    void unitScalesGiveTheExactSameConvolution() {
        Random r = new Random(7);
        int inH = 5, inW = 4, c = 3, oc = 2, k = 3;
        short[] input = new short[inH * inW * c];
        for (int i = 0; i < input.length; i++) input[i] = (short) (r.nextInt(21) - 10);
        byte[] filter = new byte[oc * k * k * c];
        for (int i = 0; i < filter.length; i++) filter[i] = (byte) (r.nextInt(7) - 3);
        long[] bias = {5, -7};
        Op.Conv2D op = new Op.Conv2D(Op.Padding.SAME, 1, 1, 1, 1, Op.Act.NONE);
        short[] out = new short[inH * inW * oc];
        ConvInt16.run(input, new int[] {1, inH, inW, c}, filter, new int[] {oc, k, k, c}, bias, out,
                new int[] {1, inH, inW, oc}, unitScale(op, inH, inW, k, k, oc, false));
        for (int y = 0; y < inH; y++) {
            for (int x = 0; x < inW; x++) {
                for (int o = 0; o < oc; o++) {
                    long sum = bias[o];
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            int iy = y + ky - 1, ix = x + kx - 1;
                            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
                            for (int i = 0; i < c; i++) sum += (long) input[(iy * inW + ix) * c + i] * filter[((o * k + ky) * k + kx) * c + i];
                        }
                    }
                    assertEquals(sum, out[(y * inW + x) * oc + o], "at y=" + y + " x=" + x + " channel " + o);
                }
            }
        }
    }

    @Test
    void int32BiasAccumulatesInWrapping32Bits() {
        Op.Conv2D op = new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE);
        int[] shape = {1, 1, 1, 1};
        long[] bias = {Integer.MAX_VALUE};
        short[] out32 = new short[1];
        short[] out64 = new short[1];
        // output scale 2^16: the accumulator 2^31 becomes 2^15 (saturating to 32767) in 64 bits,
        // but wraps to -2^31 (giving -32768) in 32 bits
        ConvInt16.run(new short[] {1}, shape, new byte[] {1}, shape, bias, out32, shape,
                ConvInt16.prepare(op, 1, 1, 1, 1, 1, 1f, new float[] {1f}, 65536f, 0, true));
        ConvInt16.run(new short[] {1}, shape, new byte[] {1}, shape, bias, out64, shape,
                ConvInt16.prepare(op, 1, 1, 1, 1, 1, 1f, new float[] {1f}, 65536f, 0, false));
        assertEquals(-32768, out32[0]);
        assertEquals(32767, out64[0]);
    }

    @Test
    void perChannelScalesRescaleEachChannel() {
        Op.Conv2D op = new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE);
        ConvInt16.Params p = ConvInt16.prepare(op, 1, 1, 1, 1, 2, 1f, new float[] {0.5f, 0.25f}, 1f, 0, false);
        short[] out = new short[2];
        ConvInt16.run(new short[] {400}, new int[] {1, 1, 1, 1}, new byte[] {1, 1}, new int[] {2, 1, 1, 1}, null, out,
                new int[] {1, 1, 1, 2}, p);
        assertArrayEquals(new short[] {200, 100}, out);
    }

    @Test
    void groupedConvolutionReadsOnlyItsGroupsChannels() {
        Op.Conv2D op = new Op.Conv2D(Op.Padding.VALID, 1, 1, 1, 1, Op.Act.NONE);
        // 4 input channels, filter depth 2 -> 2 groups; 2 output channels, one per group
        short[] input = {1, 2, 3, 4};
        byte[] filter = {1, 1, 1, 1};
        short[] out = new short[2];
        ConvInt16.run(input, new int[] {1, 1, 1, 4}, filter, new int[] {2, 1, 1, 2}, null, out, new int[] {1, 1, 1, 2},
                unitScale(op, 1, 1, 1, 1, 2, false));
        assertArrayEquals(new short[] {3, 7}, out);
    }
}
