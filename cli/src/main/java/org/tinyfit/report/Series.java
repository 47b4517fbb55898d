package org.tinyfit.report;

import java.util.Arrays;

/** A named line of points for a chart: {@code y[i]} at {@code x[i]}. */
public record Series(String name, double[] x, double[] y) {
    public Series {
        if (x.length != y.length) throw new IllegalArgumentException("series " + name + ": " + x.length + " x values, " + y.length + " y values");
        x = x.clone();
        y = y.clone();
    }

    /** y values at x = 0, 1, 2, … */
    public static Series of(String name, double... y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) x[i] = i;
        return new Series(name, x, y);
    }

    @Override public double[] x() { return x.clone(); }

    @Override public double[] y() { return y.clone(); }

    int size() { return x.length; }

    double xAt(int i) { return x[i]; }

    double yAt(int i) { return y[i]; }

    @Override public boolean equals(Object o) {
        return o instanceof Series s && name.equals(s.name) && Arrays.equals(x, s.x) && Arrays.equals(y, s.y);
    }

    @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(y); }
}
