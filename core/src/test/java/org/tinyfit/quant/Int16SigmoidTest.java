package org.tinyfit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Int16SigmoidTest {

    @Test
    void theTableIsSigmoidAtStepsOfOneTwentyFourthInUnsigned16Bits() {
        assertEquals(256, Int16Sigmoid.TABLE.length);
        assertEquals(32768, Int16Sigmoid.TABLE[0]);
        assertEquals(65535, Int16Sigmoid.TABLE[255]);
        for (int i = 0; i < 256; i++) {
            double exact = 65536 / (1 + Math.exp(-i / 24.0));
            assertTrue(Math.abs(Int16Sigmoid.TABLE[i] - exact) <= 1.2, "entry " + i + ": " + Int16Sigmoid.TABLE[i] + " vs " + exact);
            if (i > 0) assertTrue(Int16Sigmoid.TABLE[i] >= Int16Sigmoid.TABLE[i - 1], "monotone at " + i);
        }
    }

    @Test
    void sigmoidAndTanhOfQ3_12InputsAreCloseToTheRealFunctions() {
        for (int x = -32768; x <= 32767; x += 7) {
            double real = x / 4096.0;
            double s = Int16Sigmoid.sigmoid((short) x, Int16Sigmoid.Q3_12) / 32768.0;
            double t = Int16Sigmoid.tanh((short) x, Int16Sigmoid.Q3_12) / 32768.0;
            assertEquals(1 / (1 + Math.exp(-real)), s, 2e-4, "sigmoid(" + real + ")");
            assertEquals(Math.tanh(real), t, 4e-4, "tanh(" + real + ")");
        }
        assertEquals(16384, Int16Sigmoid.sigmoid((short) 0, Int16Sigmoid.Q3_12));
        assertEquals(0, Int16Sigmoid.tanh((short) 0, Int16Sigmoid.Q3_12));
    }

    @Test
    void aCellStateScaleOfTwoToTheMinus11ReadsTwiceAsFar() {
        Int16Sigmoid.InputScaling s = Int16Sigmoid.lstmTanhScaling(-11);
        for (int x = -16000; x <= 16000; x += 13) {
            assertEquals(Int16Sigmoid.tanh((short) (2 * x), Int16Sigmoid.Q3_12), Int16Sigmoid.tanh((short) x, s), "x = " + x);
        }
        Int16Sigmoid.InputScaling fine = Int16Sigmoid.lstmTanhScaling(-13);
        assertEquals(Math.tanh(8000 / 8192.0), Int16Sigmoid.tanh((short) 8000, fine) / 32768.0, 1e-3, "a 2^-13 cell state is read at half scale");
    }
}
