package org.tinyfit.graph;

import java.util.Arrays;

/**
 * A tensor shape. Dimensions are non-negative; the element count must fit in a {@code long}
 * and in the limits the graph sets ({@link #MAX_ELEMENTS}), so no later allocation can overflow.
 */
public record Shape(int[] dims) {
    /** The largest element count tinyfit accepts for one tensor (2^31 - 1, the size of a Java array). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    public Shape {
        dims = dims.clone();
        for (int d : dims) {
            if (d < 0) throw new GraphException("shape " + Arrays.toString(dims) + " has a negative dimension");
        }
        long n = 1;
        for (int d : dims) {
            n = Math.multiplyExact(n, (long) d);
            if (n > MAX_ELEMENTS) {
                throw new GraphException("shape " + Arrays.toString(dims) + " has more than " + MAX_ELEMENTS + " elements");
            }
        }
    }

    public static Shape of(int... dims) { return new Shape(dims); }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i < 0 ? dims.length + i : i]; }

    @Override public int[] dims() { return dims.clone(); }

    /** Number of elements (1 for a scalar). */
    public int elements() {
        long n = 1;
        for (int d : dims) n *= d;
        return (int) n;
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) b.append(i == 0 ? "" : ",").append(dims[i]);
        return b.append(']').toString();
    }
}
