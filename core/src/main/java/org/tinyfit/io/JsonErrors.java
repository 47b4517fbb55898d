package org.tinyfit.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON syntax error in the user's terms: where it is (line and column) and what was expected,
 * without the parser's internals (its class names, source descriptions and character codes).
 */
public final class JsonErrors {
    private JsonErrors() {}

    private static final Pattern UNEXPECTED_CHAR = Pattern.compile("Unexpected character \\('(.+?)' \\(code \\d+\\)\\): (.*)", Pattern.DOTALL);
    private static final Pattern UNRECOGNIZED = Pattern.compile("Unrecognized token '(.*?)'.*", Pattern.DOTALL);
    private static final Pattern END_IN = Pattern.compile("Unexpected end-of-input.*close marker for (Array|Object).*", Pattern.DOTALL);

    /** To follow "not valid JSON": {@code " at line 1, column 23: the text ends before a ']' closes a list"}, or {@code ": ..."} when the parser gives no position. */
    public static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ": " : " at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        return where + what(e.getOriginalMessage() == null ? "" : e.getOriginalMessage());
    }

    static String what(String msg) {
        Matcher m = END_IN.matcher(msg);
        if (m.matches()) return m.group(1).equals("Array") ? "the text ends before a ']' closes a list" : "the text ends before a '}' closes an object";
        if (msg.startsWith("Unexpected end-of-input")) return "the text ends too early";
        m = UNEXPECTED_CHAR.matcher(msg);
        if (m.matches()) {
            String c = m.group(1), expected = m.group(2);
            if (expected.contains("double-quote to start field name")) return "unexpected '" + c + "'; a key must be a string in double quotes";
            if (expected.contains("expected a valid value")) {
                return "unexpected '" + c + "' where a value should be" + (c.equals("]") || c.equals("}") ? " (a comma too many before it?)" : "");
            }
            if (expected.contains("comma to separate")) return "unexpected '" + c + "'; expected a comma or the closing bracket";
            if (expected.contains("colon to separate")) return "unexpected '" + c + "'; expected ':' after the key";
            return "unexpected '" + c + "'";
        }
        m = UNRECOGNIZED.matcher(msg);
        if (m.matches()) return "'" + m.group(1) + "' is not a JSON value (text needs double quotes)";
        String first = msg.lines().findFirst().orElse("not valid JSON");
        int cut = first.indexOf(" at [Source");
        return cut >= 0 ? first.substring(0, cut) : first;
    }
}
