package org.tinyfit.cli;

/** A mistake the user can fix; its message is printed as one line. */
public class UserException extends RuntimeException {
    public UserException(String message) { super(message); }
}
