package org.tinyfit.quant;

import java.util.Locale;

/**
 * How an activation's range is chosen from the values calibration observed: the extremes
 * ({@link #MINMAX}, TFLite's converter), a central percentile of them ({@link #PERCENTILE}), or the
 * clipping range whose quantization error over the observed values is least ({@link #MSE}).
 */
public enum CalibrationMethod {
    MINMAX, PERCENTILE, MSE;

    public String lower() { return name().toLowerCase(Locale.ROOT); }

    /** The method named {@code text} (minmax, percentile or mse, any case). */
    public static CalibrationMethod parse(String text) {
        for (CalibrationMethod m : values()) if (m.lower().equalsIgnoreCase(text)) return m;
        throw new QuantizationException("calibration method '" + text + "' is unknown; use minmax, percentile or mse");
    }
}
