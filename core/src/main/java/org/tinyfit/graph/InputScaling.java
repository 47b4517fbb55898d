package org.tinyfit.graph;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A per-feature standardization a model expects its caller to apply before quantizing the input:
 * {@code x' = (x - shift[c]) * scale[c]}, where the feature {@code c} is the position in the input's
 * last dimension modulo {@code shift.length}. Tabular rows mix columns of very different ranges (an
 * amount in the hundreds of thousands beside a flag of 0 or 1); folded into the model, they would
 * share one int8 input scale and the small columns would round to nothing, so such a model takes
 * standardized values and carries the statistics (from its training part) in its metadata entry
 * {@link #KEY}. Evaluation applies them; the C project states them in {@code model.h}.
 */
public record InputScaling(float[] shift, float[] scale) {
    /** The metadata entry. */
    public static final String KEY = "tinyfit.input_scaling";

    public InputScaling {
        if (shift.length == 0 || shift.length != scale.length) {
            throw new GraphException("an input scaling needs one shift and one scale per feature, got " + shift.length + " and " + scale.length);
        }
        shift = shift.clone();
        scale = scale.clone();
    }

    @Override public float[] shift() { return shift.clone(); }

    @Override public float[] scale() { return scale.clone(); }

    public int features() { return shift.length; }

    /** {@code g} with this scaling recorded in its metadata. */
    public Graph attachTo(Graph g) {
        return g.withMetadata(Map.of(KEY, "shift=" + join(shift) + ";scale=" + join(scale)));
    }

    /** The scaling {@code g} expects, as written by {@link #attachTo} (also when read back from a file). */
    public static Optional<InputScaling> of(Graph g) {
        String v = g.metadata().get(KEY);
        if (v == null) v = g.metadata().get("tflite.metadata." + KEY);
        if (v == null) return Optional.empty();
        String[] parts = v.split(";");
        if (parts.length != 2 || !parts[0].startsWith("shift=") || !parts[1].startsWith("scale=")) {
            throw new GraphException("metadata " + KEY + " is not shift=...;scale=...: " + v);
        }
        try {
            return Optional.of(new InputScaling(floats(parts[0].substring(6)), floats(parts[1].substring(6))));
        } catch (NumberFormatException e) {
            throw new GraphException("metadata " + KEY + " has a value that is not a number: " + v);
        }
    }

    /** Standardizes {@code x} (whole samples) in place. */
    public void apply(double[] x) {
        int c = shift.length;
        for (int i = 0; i < x.length; i++) x[i] = (x[i] - shift[i % c]) * scale[i % c];
    }

    /** Standardizes {@code x} (whole samples) in place. */
    public void apply(float[] x) {
        int c = shift.length;
        for (int i = 0; i < x.length; i++) x[i] = (x[i] - shift[i % c]) * scale[i % c];
    }

    private static String join(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ",").append(Float.toString(v[i]));
        return b.toString();
    }

    private static float[] floats(String s) {
        String[] p = s.split(",");
        float[] f = new float[p.length];
        for (int i = 0; i < p.length; i++) f[i] = Float.parseFloat(p[i]);
        return f;
    }

    @Override public boolean equals(Object o) {
        return o instanceof InputScaling s && Arrays.equals(s.shift, shift) && Arrays.equals(s.scale, scale);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(shift) + Arrays.hashCode(scale); }
}
