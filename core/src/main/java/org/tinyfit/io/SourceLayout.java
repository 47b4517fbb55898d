package org.tinyfit.io;

import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Shape;
import org.tinyfit.graph.Tensor;
import org.tinyfit.onnx.OnnxReader;

/**
 * The order a model's own file gives a graph input's or output's dimensions in, and the moves between
 * it and the order tinyfit holds the tensor in. An ONNX image is NCHW in the file and NHWC in tinyfit
 * (a 1-D signal NCL and NLC); a .tflite tensor is held as its file gives it.
 */
public final class SourceLayout {
    private SourceLayout() {}

    /** The tensor's layout in the model file ({@code NCHW} or {@code NCL}) when tinyfit holds it otherwise, else null. */
    public static String name(Graph g, int tensor) {
        int[] perm = OnnxReader.permutation(g, tensor);
        if (perm == null) return null;
        return perm.length == 4 ? "NCHW" : "NCL";
    }

    /** The tensor's dimensions in the model file's order. */
    public static int[] dims(Graph g, int tensor) {
        int[] held = g.tensor(tensor).shape().dims();
        int[] perm = OnnxReader.permutation(g, tensor);
        if (perm == null) return held;
        int[] out = new int[held.length];
        for (int i = 0; i < perm.length; i++) out[perm[i]] = held[i];
        return out;
    }

    /** The tensor as the model file describes it: the same tensor with its dimensions in the file's order. */
    public static Tensor asInFile(Graph g, int tensor) {
        return g.tensor(tensor).withShape(Shape.of(dims(g, tensor)));
    }

    /** Values in the file's order (row-major over {@link #dims}) rearranged to tinyfit's order. */
    public static double[] toHeld(Graph g, int tensor, double[] values) {
        int[] perm = OnnxReader.permutation(g, tensor);
        return perm == null ? values : OnnxReader.permute(values, dims(g, tensor), perm);
    }

    /** A tensor's bytes in the file's order rearranged to tinyfit's order, element by element. */
    public static byte[] toHeld(Graph g, int tensor, byte[] bytes) {
        int[] perm = OnnxReader.permutation(g, tensor);
        return perm == null ? bytes : move(bytes, dims(g, tensor), perm, g.tensor(tensor).dtype().bytes());
    }

    /** A tensor's bytes in tinyfit's order rearranged to the file's order, element by element. */
    public static byte[] toFile(Graph g, int tensor, byte[] bytes) {
        int[] perm = OnnxReader.permutation(g, tensor);
        if (perm == null) return bytes;
        return move(bytes, g.tensor(tensor).shape().dims(), OnnxReader.inverse(perm), g.tensor(tensor).dtype().bytes());
    }

    /** Row-major elements of shape {@code dims} moved to shape {@code out[i] = dims[perm[i]]}. */
    private static byte[] move(byte[] bytes, int[] dims, int[] perm, int elementBytes) {
        int n = bytes.length / elementBytes;
        double[] index = new double[n];
        for (int i = 0; i < n; i++) index[i] = i;
        double[] from = OnnxReader.permute(index, dims, perm);
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < n; i++) System.arraycopy(bytes, (int) from[i] * elementBytes, out, i * elementBytes, elementBytes);
        return out;
    }
}
