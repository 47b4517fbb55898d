/**
 * The Java runtime: runs a graph in one {@code byte[]} arena at the offsets of an {@link
 * org.tinyfit.memory.ArenaPlan}, with float and integer kernels bit-exact with TFLite Micro's
 * reference kernels.
 *
 * <ul>
 *   <li>{@link org.tinyfit.runtime.FixedPoint}: TFLite's integer arithmetic (quantized multipliers,
 *       rounding, saturation).</li>
 *   <li>{@link org.tinyfit.runtime.Kernel} / {@link org.tinyfit.runtime.PreparedKernel}: prepare a
 *       node once (checks, multipliers), then run it on an {@link org.tinyfit.runtime.Arena}.</li>
 *   <li>{@link org.tinyfit.runtime.KernelProvider}: extra kernels the interpreter asks first. The
 *       16-bit-activation kernels and SVDF (package {@code org.tinyfit.runtime.int16}) plug in
 *       through a provider: a class {@code org.tinyfit.runtime.int16.Int16Kernels} implementing
 *       {@code KernelProvider} with a public no-argument constructor, returning {@code null} for
 *       nodes it does not handle.</li>
 * </ul>
 */
package org.tinyfit.runtime;
