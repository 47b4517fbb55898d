package org.tinyfit.report;

import java.util.Locale;

/** Escaping and number formatting for the report's HTML and SVG. */
final class Html {
    private Html() {}

    /** Text made safe for an element's content or a quoted attribute. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A coordinate with two decimals, locale-independent. */
    static String num(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("not a finite coordinate: " + v);
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.endsWith(".00") ? s.substring(0, s.length() - 3) : s;
    }

    /** Bytes for a reader: "812 B", "54.0 KB", "1.25 MB" (KB = 1024 B). */
    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024L * 1024) return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        return String.format(Locale.ROOT, "%.2f MB", b / (1024.0 * 1024));
    }

    /** A count with thousands separators. */
    static String count(long n) { return String.format(Locale.ROOT, "%,d", n); }
}
