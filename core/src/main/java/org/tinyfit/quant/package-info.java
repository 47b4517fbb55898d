/**
 * Quantized integer arithmetic, bit for bit as TFLite and TFLite Micro compute it; the one place
 * where a real scale becomes a fixed-point multiplier and shift, and where a multiplier is applied.
 * The runtime's int8 and int16 kernels, quantization-aware training, the quantizer and generated C
 * code all take their multipliers, shifts, rounding and clamp ranges from here, so they agree to the
 * last bit.
 *
 * <ul>
 *   <li>{@link org.tinyfit.quant.FixedPoint}: {@code QuantizeMultiplier} (frexp, round half away
 *       from zero), {@code MultiplyByQuantizedMultiplier} in TFLite Micro's double-rounding form
 *       (a saturating rounding doubling high multiply that rounds half up, then a rounding right
 *       shift that rounds half away from zero) and the single-rounding form, the 64-bit form of the
 *       16-bit-activation kernels, saturation, and the fused activations' clamp ranges
 *       ({@code CalculateActivationRangeQuantized}).</li>
 *   <li>{@link org.tinyfit.quant.Gemmlowp}: gemmlowp's fixed-point exp, logistic, tanh and
 *       reciprocal, as the integer softmax, logistic and tanh kernels use them.</li>
 *   <li>{@link org.tinyfit.quant.ChannelMultipliers}: one multiplier and shift per output channel
 *       of a convolution-like op ({@code PopulateConvolutionQuantizationParams}, and {@code
 *       GetQuantizedConvolutionMultipler} for per-tensor fully connected weights).</li>
 *   <li>{@link org.tinyfit.quant.ConvQuant}: a convolution-like node's whole requantization
 *       (offsets, multipliers, activation range) and its last step, {@code requantize}.</li>
 *   <li>{@link org.tinyfit.quant.QuantParams}: a tensor's integer range, scale and zero point, with
 *       errors that name the node.</li>
 * </ul>
 *
 * <p>Post-training quantization lives here too: {@link org.tinyfit.quant.PostTrainingQuantization}
 * (the entry point: a float graph and calibration samples in, an int8 graph out),
 * {@link org.tinyfit.quant.Calibration} (activation ranges observed by running the float graph:
 * minmax, percentile, mse), {@link org.tinyfit.quant.Quantizer} (TFLite's full-integer rules) and
 * {@link org.tinyfit.quant.AffineParams} (scales and zero points chosen from ranges, and the
 * integers they give to float data).
 *
 * <p>Shifts follow TFLite: positive is a left shift, negative a right shift, and a multiplier
 * {@code m} with shift {@code s} stands for the real number {@code m * 2^(s - 31)}.
 */
package org.tinyfit.quant;
