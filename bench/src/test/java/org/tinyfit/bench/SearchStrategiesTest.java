package org.tinyfit.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchStrategiesTest {
    @Test
    void signsCountBetterWorseAndTiedAgainstAging() {
        List<double[]> seeds = List.of(
                new double[] {0.900, 0.925, 0.900},
                new double[] {0.925, 0.900, 0.925},
                new double[] {0.900, 0.900, 0.950},
                new double[] {0.850, 0.875, 0.800});
        assertArrayEquals(new int[] {2, 1, 1}, SearchStrategies.signs(seeds, 1));
        assertArrayEquals(new int[] {1, 1, 2}, SearchStrategies.signs(seeds, 2));
    }

    @Test
    void signsSkipSeedsWithoutATestPart() {
        List<double[]> seeds = List.of(new double[] {Double.NaN, Double.NaN, Double.NaN}, new double[] {0.5, 0.6, 0.4});
        assertArrayEquals(new int[] {1, 0, 0}, SearchStrategies.signs(seeds, 1));
        assertArrayEquals(new int[] {0, 1, 0}, SearchStrategies.signs(seeds, 2));
    }

    @Test
    void workBudgetReadsUnitsAndLeavesOtherBudgetsAlone() {
        assertEquals(2e12, SearchStrategies.workBudget("2T"));
        assertEquals(3e10, SearchStrategies.workBudget("30G"));
        assertEquals(1.5e11, SearchStrategies.workBudget("1.5e11"));
        assertEquals(0, SearchStrategies.workBudget("16"));
        assertEquals(0, SearchStrategies.workBudget("120s"));
    }
}
