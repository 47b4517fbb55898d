package org.tinyfit.graph;

/** A graph, a model file or an op is invalid; the message says what, where, and what to do. */
public class GraphException extends RuntimeException {
    public GraphException(String message) { super(message); }

    public GraphException(String message, Throwable cause) { super(message, cause); }
}
