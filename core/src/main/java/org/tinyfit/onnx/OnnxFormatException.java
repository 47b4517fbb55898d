package org.tinyfit.onnx;

import org.tinyfit.graph.GraphException;

/**
 * An .onnx file is malformed, or uses something tinyfit cannot import: the message names the file
 * and the place, e.g. {@code net.onnx: node 'conv1' (Conv): the filter W is not a constant}.
 */
public final class OnnxFormatException extends GraphException {
    public OnnxFormatException(String message) { super(message); }

    public OnnxFormatException(String message, Throwable cause) { super(message, cause); }
}
