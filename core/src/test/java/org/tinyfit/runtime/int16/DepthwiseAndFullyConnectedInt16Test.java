package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;
import org.tinyfit.quant.FixedPoint;

class DepthwiseAndFullyConnectedInt16Test {

    @Test
    void depthwiseKeepsChannelsApartAndAppliesTheMultiplier() {
        // 1x2x2x2 input, 2x2 filter, depth multiplier 2 -> 4 output channels, VALID -> 1x1 output
        Op.DepthwiseConv2D op = new Op.DepthwiseConv2D(Op.Padding.VALID, 1, 1, 1, 1, 2, Op.Act.NONE);
        DepthwiseConvInt16.Params p = DepthwiseConvInt16.prepare(op, 2, 2, 2, 2, 2, 4, 1f, new float[] {1f}, 1f, 0);
        short[] input = {1, 10, 2, 20, 3, 30, 4, 40}; // channel 0: 1..4, channel 1: 10..40
        byte[] filter = new byte[2 * 2 * 4];
        for (int k = 0; k < 4; k++) {
            filter[k * 4] = 1;     // oc 0 (ic 0, m 0): sum of channel 0 = 10
            filter[k * 4 + 1] = 2; // oc 1 (ic 0, m 1): 2 * 10 = 20
            filter[k * 4 + 2] = 1; // oc 2 (ic 1, m 0): 100
            filter[k * 4 + 3] = -1; // oc 3 (ic 1, m 1): -100
        }
        short[] out = new short[4];
        DepthwiseConvInt16.run(input, new int[] {1, 2, 2, 2}, filter, new int[] {1, 2, 2, 4}, new long[] {0, 0, 0, 5}, out,
                new int[] {1, 1, 1, 4}, p);
        assertArrayEquals(new short[] {10, 20, 100, -95}, out);
    }

    @Test
    void fullyConnectedIsADotProductPerOutputPlusBias() {
        Op.FullyConnected op = new Op.FullyConnected(Op.Act.NONE, false);
        FullyConnectedInt16.Params p = FullyConnectedInt16.prepare(op, 2, 1f, 0, new float[] {1f}, 1f, 0, false);
        short[] out = new short[4];
        // 2 batches of 3, weights [2,3]
        FullyConnectedInt16.run(new short[] {1, 2, 3, -1, -2, -3}, new byte[] {1, 1, 1, 1, 0, -1}, 2, 3, new long[] {100, 0}, out, p);
        assertArrayEquals(new short[] {106, -2, 94, 2}, out);
    }

    @Test
    void perTensorFullyConnectedFormsTheScaleProductInFloat() {
        Op.FullyConnected op = new Op.FullyConnected(Op.Act.NONE, false);
        // scales for which a float product and a double product quantize to different multipliers
        float in = 0.0074087814f, w = 0.0011047316f, o = 0.004200808f;
        FullyConnectedInt16.Params p = FullyConnectedInt16.prepare(op, 1, in, 0, new float[] {w}, o, 0, false);
        FullyConnectedInt16.Params perChannel = FullyConnectedInt16.prepare(op, 2, in, 0, new float[] {w, w}, o, 0, false);
        org.tinyfit.quant.FixedPoint.Multiplier inFloat = org.tinyfit.quant.FixedPoint.quantizeMultiplier((double) (in * w) / (double) o);
        assertEquals(inFloat.multiplier(), p.multipliers()[0]);
        // per-channel scales are multiplied in double, as for CONV_2D, and so differ here
        org.junit.jupiter.api.Assertions.assertNotEquals(p.multipliers()[0], perChannel.multipliers()[0]);
    }
}
