package org.tinyfit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The streams are part of what a seed means: the numbers below are what the generators gave before
 * they became one class, and every model trained from a seed depends on them staying the same.
 */
class SeededRandomTest {
    @Test void theStreamsForWeightsAndDropoutAreTheOnesTrainedModelsWereMadeWith() {
        SeededRandom r = SeededRandom.forKeys(7, 3, 11);
        assertEquals(-6046871528701626292L, r.nextLong());
        assertEquals(1048525340, Float.floatToIntBits(r.nextFloat()));
        assertEquals(-4611774482249394955L, Double.doubleToLongBits(r.nextGaussianBoxMuller()));
        assertEquals(4595554605202296664L, Double.doubleToLongBits(r.nextDouble()));
        assertEquals(1538670399141921792L, SeededRandom.forKeys(5, 2, 1, 9).nextLong());
    }

    @Test void theStreamsForSplitsBatchesAndAugmentationAreTheOnesTrainedModelsWereMadeWith() {
        long seed = SeededRandom.derive(7, 3, 11);
        assertEquals(-893366576695374828L, seed);
        SeededRandom r = new SeededRandom(seed);
        assertEquals(810, r.nextInt(1000));
        assertEquals(4608521186163022250L, Double.doubleToLongBits(r.nextGaussian()));
        assertEquals(4591501344214536478L, Double.doubleToLongBits(r.nextGaussian()));
        assertEquals(4606393760417054263L, Double.doubleToLongBits(r.nextDouble()));
    }

    @Test void reseedingRestartsTheStreamAndDropsTheSpareNormal() {
        SeededRandom r = new SeededRandom(42);
        double first = r.nextGaussian();
        r.reseed(42);
        assertEquals(first, r.nextGaussian());
        r.reseed(42);
        SeededRandom fresh = new SeededRandom(42);
        assertEquals(fresh.nextLong(), r.nextLong());
    }

    @Test void differentKeysGiveDifferentStreams() {
        assertNotEquals(SeededRandom.forKeys(1, 2, 3).nextLong(), SeededRandom.forKeys(1, 3, 2).nextLong());
        assertNotEquals(SeededRandom.derive(1, 2, 3), SeededRandom.derive(1, 3, 2));
    }

    @Test void uniformsStayInTheirRanges() {
        SeededRandom r = new SeededRandom(3);
        for (int i = 0; i < 10_000; i++) {
            float f = r.nextFloat();
            double d = r.nextDouble();
            int k = r.nextInt(7);
            assertTrue(f >= 0 && f < 1 && d >= 0 && d < 1 && k >= 0 && k < 7, f + " " + d + " " + k);
        }
    }
}
