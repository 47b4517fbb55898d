package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SvdfIntegerTest {

    /** Unit scales: every rescale is exact, so the result is plain integer arithmetic. */
    private static SvdfInteger.Params unit(int rank, boolean int16State) {
        return SvdfInteger.prepare(rank, 1f, 0, 1f, 1f, 0, int16State, 1f, 1f, 0);
    }

    @Test
    void stateShiftsLeftAndTheNewestFeatureGoesLast() {
        // 1 batch, 2 inputs, 2 filters (rank 1 -> 2 units), memory 3
        byte[] input = {2, 3};
        byte[] weightsFeature = {1, 1, 1, -1}; // filter 0: 2+3=5, filter 1: 2-3=-1
        int[] weightsTime = {1, 1, 1, 0, 0, 2}; // filter 0 sums its memory, filter 1 doubles the newest
        int[] state = {10, 20, 30, 40, 50, 60};
        byte[] out = new byte[2];
        SvdfInteger.run(input, 1, 2, weightsFeature, 2, weightsTime, 3, new int[] {100, -100}, state, out, unit(1, true));
        // shift: [20,30,40, 50,60,?]; newest: filter 0 -> slot 2 = 5, filter 1 -> slot 5 = -1
        assertArrayEquals(new int[] {20, 30, 5, 50, 60, -1}, state);
        // unit 0: 100 + 20 + 30 + 5 = 155 -> saturates to 127; unit 1: -100 + 2 * -1 = -102
        assertArrayEquals(new byte[] {127, -102}, out);
    }

    @Test
    void rankSumsEachUnitsFilters() {
        byte[] input = {1};
        byte[] weightsFeature = {3, 4}; // 2 filters, rank 2 -> 1 unit
        int[] weightsTime = {1, 1};     // memory 1
        int[] state = {0, 0};
        byte[] out = new byte[1];
        SvdfInteger.run(input, 1, 1, weightsFeature, 2, weightsTime, 1, null, state, out, unit(2, false));
        assertArrayEquals(new byte[] {7}, out);
    }

    @Test
    void int8StateClampsTheFeatureAndWrapsWithTheZeroPoint() {
        // feature 100 * 2 = 200 clamps to 127; with state zero point 10 the stored value 137 wraps to -119 in int8
        SvdfInteger.Params p = SvdfInteger.prepare(1, 1f, 0, 1f, 1f, 10, false, 1f, 1f, 0);
        int[] state = {0};
        byte[] out = new byte[1];
        SvdfInteger.run(new byte[] {100}, 1, 1, new byte[] {2}, 1, new int[] {1}, 1, null, state, out, p);
        assertArrayEquals(new int[] {-119}, state);
        assertArrayEquals(new byte[] {-128}, out); // -119 - 10 = -129 -> saturates
    }
}
