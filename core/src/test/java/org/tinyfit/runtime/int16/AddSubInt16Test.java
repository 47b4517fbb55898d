package org.tinyfit.runtime.int16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.tinyfit.graph.Op;

class AddSubInt16Test {

    private static final AddSubInt16.Params UNIT_ADD = AddSubInt16.prepareAdd(1f, 0, 1f, 0, 1f, 0, Op.Act.NONE);
    private static final AddSubInt16.Params UNIT_SUB = AddSubInt16.prepareSub(1f, 0, 1f, 0, 1f, 0, Op.Act.NONE);

    @Property
    void addWithUnitScalesIsTheSaturatingSum(@ForAll short a, @ForAll short b) {
        assertEquals(Math.max(-32768, Math.min(32767, a + b)), AddSubInt16.apply(a, b, UNIT_ADD));
    }

    @Property
    void subWithUnitScalesIsTheSaturatingDifference(@ForAll short a, @ForAll short b) {
        assertEquals(Math.max(-32768, Math.min(32767, a - b)), AddSubInt16.apply(a, b, UNIT_SUB));
    }

    @Test
    void addPrepareUsesLeftShift15AndTwiceTheLargerScale() {
        AddSubInt16.Params p = AddSubInt16.prepareAdd(0.5f, 0, 0.25f, 0, 1f, 0, Op.Act.NONE);
        assertEquals(15, p.leftShift());
        // 0.5 / 1.0 = 0.5 -> 2^30 with shift 0; 0.25 / 1.0 -> 2^30 with shift -1; 1.0 / 2^15 -> 2^30 with shift -14
        assertEquals(1 << 30, p.input1Multiplier());
        assertEquals(0, p.input1Shift());
        assertEquals(1 << 30, p.input2Multiplier());
        assertEquals(-1, p.input2Shift());
        assertEquals(1 << 30, p.outputMultiplier());
        assertEquals(-14, p.outputShift());
    }

    @Test
    void reluClampsAtTheOutputZeroPoint() {
        AddSubInt16.Params p = AddSubInt16.prepareAdd(1f, 0, 1f, 0, 1f, 0, Op.Act.RELU);
        assertEquals(0, AddSubInt16.apply(-5, 2, p));
        assertEquals(7, AddSubInt16.apply(5, 2, p));
    }

    @Test
    void rescalesToTheOutputScale() {
        // 100 * 0.5 + 60 * 0.25 = 65 real; at output scale 0.125 that is 520
        AddSubInt16.Params p = AddSubInt16.prepareAdd(0.5f, 0, 0.25f, 0, 0.125f, 0, Op.Act.NONE);
        assertEquals(520, AddSubInt16.apply(100, 60, p));
    }

    @Test
    void broadcastsTheLastDimensionAcrossRows() {
        short[] a = {1, 2, 3, 10, 20, 30};
        short[] b = {100, 200, 300};
        short[] out = new short[6];
        AddSubInt16.run(a, new int[] {2, 3}, b, new int[] {3}, out, UNIT_SUB);
        assertArrayEquals(new short[] {-99, -198, -297, -90, -180, -270}, out);
    }

    @Test
    void broadcastsBothInputsAgainstEachOther() {
        short[] a = {1, 2}; // [2,1]
        short[] b = {10, 20, 30}; // [1,3]
        short[] out = new short[6];
        AddSubInt16.run(a, new int[] {2, 1}, b, new int[] {1, 3}, out, UNIT_ADD);
        assertArrayEquals(new short[] {11, 21, 31, 12, 22, 32}, out);
    }

    @Test
    void rejectsShapesThatDoNotBroadcast() {
        assertThrows(IllegalArgumentException.class,
                () -> AddSubInt16.run(new short[6], new int[] {2, 3}, new short[2], new int[] {2}, new short[6], UNIT_ADD));
    }

    @Test
    void subComputesItsRescaleFactorsInFloatLikeTfliteMicro() {
        // the scales of TFLite Micro's seanet sub0 model: float and double arithmetic round differently
        float s1 = 0.0009693715837784111f, s2 = 8.709842404641677e-06f, so = 0.0005941494018770754f;
        AddSubInt16.Params micro = AddSubInt16.prepareSub(s1, 0, s2, 0, so, 0, Op.Act.NONE);
        AddSubInt16.Params lite = AddSubInt16.prepareSubAsTflite(s1, 0, s2, 0, so, 0, Op.Act.NONE);
        AddSubInt16.Params add = AddSubInt16.prepareAdd(s1, 0, s2, 0, so, 0, Op.Act.NONE);
        assertEquals(add.input2Multiplier(), lite.input2Multiplier());
        assertEquals(add.outputMultiplier(), lite.outputMultiplier());
        boolean differs = micro.input1Multiplier() != lite.input1Multiplier() || micro.input2Multiplier() != lite.input2Multiplier()
                || micro.outputMultiplier() != lite.outputMultiplier();
        org.junit.jupiter.api.Assertions.assertTrue(differs, "float and double rescale factors should differ for these scales");
    }
}
