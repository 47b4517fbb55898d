/**
 * Kernels for 16-bit activations with 8-bit weights (TFLite Micro's "16x8" scheme) and integer
 * SVDF, bit-exact with TFLite Micro's reference kernels.
 *
 * <p>Each op is a small class of static functions over plain arrays: {@code prepare} turns scales,
 * zero points and options into a parameter record exactly as TFLite Micro's Prepare does (which
 * multipliers are computed in float and which in double matters for the last bit), and {@code run}
 * computes. {@link org.tinyfit.runtime.int16.Int16Kernels} is the node-level entry point the
 * interpreter uses (through {@code org.tinyfit.runtime.Int16Provider}): {@code handles(node, graph)}
 * and {@code prepare(node, graph)}.
 *
 * <p>Ops: ADD, SUB, MUL (broadcasting), CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV
 * (int16 x int8, int64 or int32 bias), LEAKY_RELU, PAD, STRIDED_SLICE, AVERAGE_POOL_2D, MAX_POOL_2D,
 * MEAN, SOFTMAX (its exp and 1/(1+x) tables generated as TFLite does), QUANTIZE (int8/int16/int32
 * requantize, float to int16), and SVDF with int8 input and int8 or int16 state. Not here: int16
 * LOGISTIC and TANH, whose TFLite Micro kernels read a fixed sigmoid table.
 *
 * <p>One known difference between TFLite and TFLite Micro: int16 SUB's rescale factors are computed
 * in float by TFLite Micro and in double by TFLite, so outputs can differ by one.
 * {@link org.tinyfit.runtime.int16.Int16Kernels.Reference} selects either; the runtime uses TFLite
 * Micro's.
 */
package org.tinyfit.runtime.int16;
