package org.tinyfit.codegen;

import org.tinyfit.graph.GraphException;

/** A model the C generator cannot turn into code (an operator or type it has no kernel for); the message is one line. */
public final class CodegenException extends GraphException {
    public CodegenException(String message) { super(message); }
}
