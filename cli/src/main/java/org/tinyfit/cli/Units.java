package org.tinyfit.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes ("64KB", "1.5MB", "4096") and times ("90s", "20m", "2h", "1h30m", "100ms") as users write them. */
final class Units {
    private Units() {}

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KB|KIB|K|MB|MIB|M)?");
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    /** Bytes; KB and MB are 1024 and 1024² bytes, as in board datasheets. */
    static long bytes(String s, String option) {
        Matcher m = SIZE.matcher(s.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) throw new UserException(option + " " + s + ": give a size such as 65536, 64KB or 1MB");
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        double mult = unit.startsWith("K") ? 1024 : unit.startsWith("M") ? 1024 * 1024 : 1;
        long bytes = Math.round(v * mult);
        if (bytes < 1) throw new UserException(option + " " + s + ": a limit of no bytes cannot be met; give a size such as 64KB");
        return bytes;
    }

    /** A time limit in milliseconds ("20ms", "0.5s"); 0 is refused, since no model runs in no time (and 0 would read as no limit). */
    static double limitMillis(String s, String option) {
        double ms = seconds(s, option) * 1000;
        if (!(ms > 0)) throw new UserException(option + " " + s + ": a limit of no time cannot be met; give a time such as 20ms");
        return ms;
    }

    /** Seconds from "90s", "20m", "2h", "1h30m", "100ms" (a bare number is seconds). */
    static double seconds(String s, String option) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) return Double.parseDouble(t);
        Matcher m = TIME.matcher(t);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) break;
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> v / 1000;
                case "s" -> v;
                case "m" -> v * 60;
                default -> v * 3600;
            };
            end = m.end();
        }
        if (end == 0 || end != t.length()) throw new UserException(option + " " + s + ": give a time such as 90s, 20m, 2h or 1h30m");
        return total;
    }

    /** --scale S and --offset O, which map every data value v to S*v + O: finite, and S not 0 (that would make every sample the same). */
    static void checkScaling(double scale, double offset) {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) throw new UserException("--scale and --offset must be finite numbers, got " + scale + " and " + offset);
        if (scale == 0) throw new UserException("--scale 0 makes every sample " + offset + "; give the factor that maps the data to the model's input (e.g. 0.00392 for 8-bit pixels to 0..1)");
    }

    /** "1h05m", "12m30s", "45s". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return s + "s";
    }

    /** "1 thread", "2 threads", "12,000 samples": a count with its noun, plural unless the count is one. */
    static String count(long n, String noun) { return grouped(n) + " " + noun + (n == 1 ? "" : "s"); }

    /** "12,345". */
    static String grouped(long n) { return String.format(Locale.ROOT, "%,d", n); }
}
