package org.tinyfit.quant;

/** A model or calibration set that cannot be quantized; the message says what is wrong and where. */
public class QuantizationException extends RuntimeException {
    public QuantizationException(String message) { super(message); }

    public QuantizationException(String message, Throwable cause) { super(message, cause); }
}
