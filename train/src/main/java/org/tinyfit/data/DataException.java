package org.tinyfit.data;

/** A data file or a data option is unusable; the message is one line saying what, where, and what to do. */
public class DataException extends RuntimeException {
    public DataException(String message) { super(message); }

    public DataException(String message, Throwable cause) { super(message, cause); }
}
