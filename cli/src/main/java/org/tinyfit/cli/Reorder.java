package org.tinyfit.cli;

/** The bytes of a .tflite model with its operators in another order, nothing else changed. */
final class Reorder {
    private Reorder() {}

    static byte[] withOperatorOrder(byte[] original, int[] order, boolean changed) {
        if (!changed) return original.clone();
        throw new UserException("this build cannot write a reordered .tflite yet (org.tinyfit.tflite.TfliteReorder is missing); the order is "
                + java.util.Arrays.toString(order));
    }
}
