package org.tinyfit.latency;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class LeastSquaresTest {
    @Property(tries = 50)
    void consistentOverdeterminedSystemIsSolvedWhateverThePrior(@ForAll @DoubleRange(min = 0.1, max = 10) double x0,
                                                              @ForAll @DoubleRange(min = 0.1, max = 10) double x1,
                                                              @ForAll @DoubleRange(min = 0.1, max = 10) double p) {
        double[][] a = {{1, 2}, {3, 1}, {2, 5}, {7, 1}};
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) y[i] = a[i][0] * x0 + a[i][1] * x1;
        double[] x = LeastSquares.solve(a, y, new double[] {p, p}, 1e-12);
        assertEquals(x0, x[0], 1e-6 * x0);
        assertEquals(x1, x[1], 1e-6 * x1);
    }

    @Test
    void coefficientTheDataDoNotDetermineStaysAtItsPrior() {
        double[][] a = {{1, 0}, {2, 0}};
        double[] x = LeastSquares.solve(a, new double[] {3, 6}, new double[] {1, 42}, 0.1);
        assertEquals(42, x[1], 1e-9);
        assertTrue(x[0] > 2 && x[0] < 3, "the data pull the determined one from its prior 1 towards 3: " + x[0]);
    }

    @Test
    void negativeSolutionIsClampedAtZeroAndTheRestRefitted() {
        // y = 2*a0 - 1*a1 exactly; with x1 >= 0 the best is x1 = 0 and x0 fitted alone.
        double[][] a = {{1, 1}, {2, 1}, {3, 1}};
        double[] y = {1, 3, 5};
        double[] x = LeastSquares.solve(a, y, new double[] {1, 1}, 1e-9);
        assertEquals(0, x[1]);
        assertTrue(x[0] > 0);
    }
}
