/**
 * The Java runtime: runs a graph in one {@code byte[]} arena at the offsets of an {@link
 * org.tinyfit.memory.ArenaPlan}, in the order of a {@link org.tinyfit.memory.Schedule}, with kernels
 * that compute what TFLite Micro's reference kernels compute (byte for byte for integer models).
 *
 * <ul>
 *   <li>{@link org.tinyfit.runtime.Interpreter}: checks the schedule and the plan (no two live
 *       tensors share bytes, except an output written over a dying input where {@link
 *       org.tinyfit.memory.InPlace} allows), prepares every node, runs; a {@link
 *       org.tinyfit.runtime.StepListener} sees every intermediate tensor.</li>
 *   <li>{@link org.tinyfit.runtime.Kernel} / {@link org.tinyfit.runtime.PreparedKernel}: prepare a
 *       node once (checks, multipliers), then run it on an {@link org.tinyfit.runtime.Arena}.
 *       {@link org.tinyfit.runtime.BuiltinKernels} picks the float and int8 kernels: the reference
 *       ones (package {@code kernels}) or the fast ones beside them ({@code kernels.fast}).</li>
 *   <li>The integer arithmetic the kernels share (multipliers, rounding, clamp ranges) is in
 *       {@code org.tinyfit.quant}; the padding rule is {@link
 *       org.tinyfit.graph.ShapeInference#padBefore}.</li>
 *   <li>{@link org.tinyfit.runtime.KernelProvider}: kernels the interpreter asks first; {@link
 *       org.tinyfit.runtime.Int16Provider} brings in the 16-bit-activation kernels and SVDF of
 *       {@code org.tinyfit.runtime.int16}.</li>
 *   <li>{@link org.tinyfit.runtime.TensorValues}: tensor bytes to stored or real (dequantized) values and back, on the raw conversions of {@link org.tinyfit.graph.TensorBytes}.</li>
 * </ul>
 */
package org.tinyfit.runtime;
