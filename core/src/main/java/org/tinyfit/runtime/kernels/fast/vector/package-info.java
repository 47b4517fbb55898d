/**
 * Float kernels on the JDK's Vector API ({@code jdk.incubator.vector}), loaded only when {@link
 * org.tinyfit.runtime.kernels.fast.Simd#AVAILABLE}: nothing outside this package names a class of the
 * module. The lanes run across output channels (or elements), never across a sum: each output is
 * summed in the reference kernel's order, one multiply and one add per term (no fused multiply-add,
 * which rounds once), so the results equal the reference's bit for bit, and a model gives the same
 * bytes with or without the module.
 */
package org.tinyfit.runtime.kernels.fast.vector;
