package org.tinyfit.data;

/** A data file or a data option is unusable; the message is one line saying what, where, and what to do. */
public class DataException extends RuntimeException {
    public DataException(String message) { super(oneLine(message)); }

    public DataException(String message, Throwable cause) { super(oneLine(message), cause); }

    /** Control characters (from a damaged file's text) become '?', so the message stays one printable line. */
    private static String oneLine(String message) {
        if (message == null) return null;
        StringBuilder s = new StringBuilder(message.length());
        message.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.toString();
    }
}
