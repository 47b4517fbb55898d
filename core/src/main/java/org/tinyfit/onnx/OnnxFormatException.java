package org.tinyfit.onnx;

import org.tinyfit.graph.GraphException;

/**
 * An .onnx file is malformed, or uses something tinyfit cannot import: the message names the file
 * and the place, e.g. {@code net.onnx: node 'conv1' (Conv): the filter W is not a constant}. Names
 * come from the file, so the message is kept to one line of bounded length.
 */
public final class OnnxFormatException extends GraphException {
    /** The longest message; past it the rest is cut. */
    static final int MAX_MESSAGE = 4000;

    public OnnxFormatException(String message) { super(oneLine(message)); }

    public OnnxFormatException(String message, Throwable cause) { super(oneLine(message), cause); }

    /** Control characters escaped, the length bounded. */
    static String oneLine(String s) {
        if (s == null) return "malformed ONNX model";
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_MESSAGE + 16));
        for (int i = 0; i < s.length() && b.length() < MAX_MESSAGE; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (b.length() >= MAX_MESSAGE) b.append(" ...");
        return b.toString();
    }
}
