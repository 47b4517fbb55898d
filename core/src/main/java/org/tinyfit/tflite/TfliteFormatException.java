package org.tinyfit.tflite;

import org.tinyfit.graph.GraphException;

/**
 * A .tflite file is malformed or cannot be represented: the message names the file and the place,
 * e.g. {@code person_detect.tflite: subgraph 0, tensor 12: buffer 99 is out of range (the model has 40 buffers)}.
 */
public final class TfliteFormatException extends GraphException {
    public TfliteFormatException(String message) { super(message); }

    public TfliteFormatException(String message, Throwable cause) { super(message, cause); }
}
