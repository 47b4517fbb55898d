package org.tinyfit.search;

/** A search that cannot start or go on for a reason the user can fix; the message says what. */
public class SearchException extends RuntimeException {
    public SearchException(String message) { super(message); }

    public SearchException(String message, Throwable cause) { super(message, cause); }
}
