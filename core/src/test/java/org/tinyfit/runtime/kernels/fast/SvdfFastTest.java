package org.tinyfit.runtime.kernels.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.tinyfit.runtime.int16.SvdfInteger;

/** The in-place SVDF gives the reference's output and state, bit for bit, over several invokes. */
class SvdfFastTest {
    @Property(tries = 60)
    void inPlaceSvdfEqualsTheReference(@ForAll long seed, @ForAll boolean int16State) {
        Random r = new Random(seed);
        int rank = 1 + r.nextInt(2), units = 1 + r.nextInt(6), filters = units * rank;
        int batch = 1 + r.nextInt(2), inputSize = 1 + r.nextInt(12), memory = 1 + r.nextInt(8);
        SvdfInteger.Params p = SvdfInteger.prepare(rank, 0.01f + r.nextFloat() * 0.1f, r.nextInt(41) - 20, 0.005f + r.nextFloat() * 0.05f,
                0.01f + r.nextFloat() * 0.1f, r.nextInt(21) - 10, int16State, 0.005f + r.nextFloat() * 0.05f, 0.02f + r.nextFloat() * 0.2f,
                r.nextInt(41) - 20);
        byte[] wf = new byte[filters * inputSize];
        r.nextBytes(wf);
        int[] wt = new int[filters * memory];
        for (int i = 0; i < wt.length; i++) wt[i] = int16State ? r.nextInt(65536) - 32768 : r.nextInt(256) - 128;
        int[] bias = r.nextBoolean() ? null : new int[units];
        if (bias != null) for (int i = 0; i < units; i++) bias[i] = r.nextInt(20001) - 10000;
        int stateLen = batch * filters * memory, esz = int16State ? 2 : 1;
        int[] refState = new int[stateLen];
        for (int i = 0; i < stateLen; i++) refState[i] = int16State ? r.nextInt(65536) - 32768 : r.nextInt(256) - 128;
        int inOff = r.nextInt(5), stOff = r.nextInt(5), outOff = r.nextInt(5);
        byte[] state = new byte[stOff + stateLen * esz + 3];
        ByteBuffer sb = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < stateLen; i++) {
            if (int16State) sb.putShort(stOff + 2 * i, (short) refState[i]);
            else state[stOff + i] = (byte) refState[i];
        }
        SvdfFast fast = new SvdfFast(batch, inputSize, wf, filters, wt, memory, bias, int16State, p);
        for (int step = 0; step < 3; step++) {
            byte[] input = new byte[batch * inputSize];
            r.nextBytes(input);
            byte[] refOut = new byte[batch * units];
            SvdfInteger.run(input, batch, inputSize, wf, filters, wt, memory, bias, refState, refOut, p);
            byte[] in = new byte[inOff + input.length];
            System.arraycopy(input, 0, in, inOff, input.length);
            byte[] out = new byte[outOff + refOut.length];
            fast.run(in, inOff, state, stOff, out, outOff);
            assertArrayEquals(refOut, java.util.Arrays.copyOfRange(out, outOff, out.length), "output at step " + step);
            int[] got = new int[stateLen];
            for (int i = 0; i < stateLen; i++) got[i] = int16State ? sb.getShort(stOff + 2 * i) : state[stOff + i];
            assertArrayEquals(refState, got, "state at step " + step);
        }
    }
}
