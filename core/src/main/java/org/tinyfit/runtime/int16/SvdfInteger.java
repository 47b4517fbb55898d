package org.tinyfit.runtime.int16;

import org.tinyfit.quant.FixedPoint;

/**
 * SVDF with int8 input, int8 feature weights, int8 or int16 time weights and activation state,
 * int32 bias and int8 output (TFLite Micro's integer reference kernel). Each call shifts the state
 * left by one time step, writes the newest feature activations into the last slot of each filter's
 * memory, correlates the memory with the time weights, sums each unit's {@code rank} filters, adds
 * the bias and rescales to the output.
 */
public final class SvdfInteger {
    private SvdfInteger() {}

    /**
     * {@code stateMin}/{@code stateMax}: the state type's range (int8 or int16), to which the
     * rescaled feature activations are clamped.
     */
    public record Params(int rank, int featureMultiplier, int featureShift, int outputMultiplier, int outputShift,
                         int inputZeroPoint, int stateZeroPoint, int outputZeroPoint, int stateMin, int stateMax) {}

    /**
     * Prepare: {@code input * weights_feature / state} and {@code state * weights_time / output},
     * each product and quotient formed in float, then quantized.
     */
    public static Params prepare(int rank, float inputScale, int inputZeroPoint, float featureScale,
                                 float stateScale, int stateZeroPoint, boolean int16State, float timeScale,
                                 float outputScale, int outputZeroPoint) {
        if (rank <= 0) throw new IllegalArgumentException("SVDF rank must be positive, got " + rank);
        FixedPoint.Multiplier s1 = FixedPoint.quantizeMultiplier((double) (inputScale * featureScale / stateScale));
        FixedPoint.Multiplier s2 = FixedPoint.quantizeMultiplier((double) (stateScale * timeScale / outputScale));
        int min = int16State ? FixedPoint.INT16_MIN : FixedPoint.INT8_MIN;
        int max = int16State ? FixedPoint.INT16_MAX : FixedPoint.INT8_MAX;
        return new Params(rank, s1.multiplier(), s1.shift(), s2.multiplier(), s2.shift(), inputZeroPoint, stateZeroPoint,
                outputZeroPoint, min, max);
    }

    /**
     * One invocation. {@code input} [batch, inputSize]; {@code weightsFeature} [filters, inputSize];
     * {@code weightsTime} [filters, memory] (int8 or int16 values); {@code bias} [filters / rank] or
     * null; {@code state} [batch, filters * memory], updated in place; {@code out} [batch, units].
     */
    public static void run(byte[] input, int batch, int inputSize, byte[] weightsFeature, int filters,
                           int[] weightsTime, int memory, int[] bias, int[] state, byte[] out, Params p) {
        if (filters % p.rank != 0) throw new IllegalArgumentException(filters + " filters are not a multiple of rank " + p.rank);
        int units = filters / p.rank;
        int stateLen = batch * filters * memory;
        System.arraycopy(state, 1, state, 0, stateLen - 1);

        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < filters; f++) {
                int dot = 0;
                for (int c = 0; c < inputSize; c++) {
                    dot += weightsFeature[f * inputSize + c] * (input[b * inputSize + c] - p.inputZeroPoint);
                }
                dot = FixedPoint.multiplyByQuantizedMultiplier(dot, p.featureMultiplier, p.featureShift);
                dot = FixedPoint.clamp(dot, p.stateMin, p.stateMax);
                int stored = p.stateZeroPoint + dot;
                // stored into the state's element type: wraps like the C cast when the zero point pushes it out of range
                state[b * filters * memory + f * memory + memory - 1] = p.stateMax == FixedPoint.INT16_MAX ? (short) stored : (byte) stored;
            }
        }

        int[] scratch = new int[batch * filters];
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < filters; f++) {
                int sum = 0;
                int base = b * memory * filters + f * memory;
                for (int j = 0; j < memory; j++) {
                    sum += weightsTime[f * memory + j] * (state[base + j] - p.stateZeroPoint);
                }
                scratch[b * filters + f] = sum;
            }
        }

        for (int b = 0; b < batch; b++) {
            for (int u = 0; u < units; u++) {
                int acc = bias != null ? bias[u] : 0;
                for (int r = 0; r < p.rank; r++) acc += scratch[b * filters + u * p.rank + r];
                int v = FixedPoint.multiplyByQuantizedMultiplier(acc, p.outputMultiplier, p.outputShift) + p.outputZeroPoint;
                out[b * units + u] = (byte) FixedPoint.saturateInt8(v);
            }
        }
    }
}
