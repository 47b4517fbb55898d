package org.tinyfit.cost;

import java.util.List;

/**
 * One row of a cost report: node {@code node} run at {@code step} of the schedule. {@code dtype} is
 * the latency table it is charged at (int8, int16, float32); {@code weightBytes} the bytes of the
 * constants it reads; {@code activationBytes} the bytes of the activations it reads and writes;
 * {@code parameters} the elements of its weight and bias constants.
 */
public record NodeCost(int step, int node, String op, String dtype, List<int[]> inputShapes, List<int[]> outputShapes,
                       long macs, long elementOps, long parameters, long weightBytes, long activationBytes, double latencyMicros) {
    public NodeCost {
        inputShapes = List.copyOf(inputShapes);
        outputShapes = List.copyOf(outputShapes);
    }
}
