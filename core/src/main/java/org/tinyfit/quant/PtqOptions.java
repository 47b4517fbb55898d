package org.tinyfit.quant;

/**
 * Options of post-training quantization.
 *
 * @param method      how activation ranges are chosen from the calibration run
 * @param percentile  for {@link CalibrationMethod#PERCENTILE}: the share of observed values (in percent,
 *                    e.g. 99.99) the range keeps; the rest is split evenly below and above
 * @param perChannel  weights get one scale per output channel (TFLite's default); false: one per tensor
 * @param floatIo     keep float input and output, with a QUANTIZE after each input and a DEQUANTIZE
 *                    before each output; false (the default): int8 input and output, as TFLite's
 *                    full-integer converter with int8 inference types
 */
public record PtqOptions(CalibrationMethod method, double percentile, boolean perChannel, boolean floatIo) {
    public PtqOptions {
        if (method == null) throw new QuantizationException("no calibration method given");
        if (!(percentile > 50 && percentile <= 100)) {
            throw new QuantizationException("percentile " + percentile + " is outside (50, 100]");
        }
    }

    /** minmax calibration, per-channel weights, int8 input and output. */
    public static PtqOptions defaults() { return new PtqOptions(CalibrationMethod.MINMAX, 99.99, true, false); }

    public PtqOptions withMethod(CalibrationMethod m) { return new PtqOptions(m, percentile, perChannel, floatIo); }

    public PtqOptions withPerChannel(boolean p) { return new PtqOptions(method, percentile, p, floatIo); }

    public PtqOptions withFloatIo(boolean f) { return new PtqOptions(method, percentile, perChannel, f); }

    public PtqOptions withPercentile(double p) { return new PtqOptions(method, p, perChannel, floatIo); }
}
