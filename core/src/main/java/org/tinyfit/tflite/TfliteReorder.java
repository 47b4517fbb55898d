package org.tinyfit.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tinyfit.graph.Graph;

/**
 * Changes the execution order of a .tflite model in place: the result is byte for byte the original
 * except for the entries of subgraph 0's operators vector, which are permuted (each entry's relative
 * offset recomputed). Weights, tensors and options are untouched, so the file stays as the converter
 * wrote it.
 */
public final class TfliteReorder {
    private TfliteReorder() {}

    /**
     * The original model with its operators run in {@code order}: {@code order[i]} is the index of the
     * original operator to run i-th. The order must be a permutation in which every tensor is written
     * before it is read.
     */
    public static byte[] withOperatorOrder(byte[] original, int[] order) {
        Graph g = TfliteReader.read(original, "model.tflite");
        g.reordered(order); // checks the permutation and that the order respects the data flow
        FbFile file = new FbFile(original, "model.tflite");
        FbTable model = file.root(Schema.IDENTIFIER);
        FbTable sg = model.tables(Schema.MODEL_SUBGRAPHS, "subgraphs").get(0, "subgraph 0");
        FbTable.Tables ops = sg.tables(Schema.SUBGRAPH_OPERATORS, "operators");
        if (ops.size() != order.length) {
            throw new TfliteFormatException("model.tflite: the order lists " + order.length + " operators, the model has " + ops.size());
        }
        ByteBuffer in = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
        long[] targets = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            int entry = ops.start() + 4 * i;
            targets[i] = entry + Integer.toUnsignedLong(in.getInt(entry));
        }
        byte[] out = original.clone();
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < order.length; i++) {
            int entry = ops.start() + 4 * i;
            long rel = targets[order[i]] - entry;
            if (rel < 0 || rel > 0xFFFFFFFFL) {
                throw new TfliteFormatException("model.tflite: operator " + order[i] + " is stored before the operators vector, so it cannot move to position " + i + " (flatbuffer offsets point forward)");
            }
            o.putInt(entry, (int) rel);
        }
        return out;
    }
}
