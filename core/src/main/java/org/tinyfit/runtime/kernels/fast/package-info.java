/**
 * Fast kernels, beside the reference kernels of {@code org.tinyfit.runtime.kernels} (as TFLite Micro
 * keeps its optimized kernels in a folder beside its reference ones). Each starts from its
 * reference kernel's checks and parameters ({@code plan}), computes the same bytes by a faster
 * route (patches, channel-inner loops, lookup tables, work in place, threads for large layers), and
 * is tested against the reference beside it. {@link org.tinyfit.runtime.BuiltinKernels} and {@link
 * org.tinyfit.runtime.Int16Provider} pick them when the interpreter runs with fast kernels.
 *
 * <ul>
 *   <li>{@link org.tinyfit.runtime.kernels.fast.FastConv}: CONV_2D, float and int8.</li>
 *   <li>{@link org.tinyfit.runtime.kernels.fast.FastDepthwiseConv}: DEPTHWISE_CONV_2D, int8 (and
 *       float with depth multiplier 1 on the Vector API).</li>
 *   <li>{@link org.tinyfit.runtime.kernels.fast.FastFullyConnected}: FULLY_CONNECTED, float with
 *       constant weights and int8.</li>
 *   <li>{@link org.tinyfit.runtime.kernels.fast.FastBinary}: large int8 ADD, SUB, MUL by table.</li>
 *   <li>{@link org.tinyfit.runtime.kernels.fast.SvdfFast}: integer SVDF in place on the arena.</li>
 * </ul>
 *
 * <p>Float CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and same-shape ADD/SUB/MUL run on the JDK's
 * Vector API ({@code kernels.fast.vector}) when {@link org.tinyfit.runtime.kernels.fast.Simd#AVAILABLE},
 * with the same bytes as the reference; otherwise on the scalar routes above.
 */
package org.tinyfit.runtime.kernels.fast;
