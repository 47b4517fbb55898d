package org.tinyfit.train;

import java.util.Locale;
import org.tinyfit.data.DataException;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Split;
import org.tinyfit.data.Splits;

/**
 * Which training samples are held out for validation: the last N in stored order, or a seeded,
 * stratified fraction (each class gives round(count × fraction) of its samples, so a data set
 * stored in class order still validates on every class).
 */
public sealed interface Holdout {
    /** The default of {@code tinyfit train}: a stratified tenth. */
    Holdout DEFAULT = new Stratified(0.1);

    /** The last {@code count} samples (0: no validation). */
    record Last(int count) implements Holdout {}

    /** A seeded stratified {@code fraction} of the samples, in [0, 1). */
    record Stratified(double fraction) implements Holdout {
        public Stratified {
            if (!(fraction >= 0 && fraction < 1)) throw new DataException("--val stratified:F: the fraction F must be in [0, 1), got " + fraction);
        }
    }

    /** Parses {@code N} (the last N samples) or {@code stratified:F} (a fraction F in [0, 1)). */
    static Holdout parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("stratified:")) return new Stratified(Double.parseDouble(t.substring("stratified:".length())));
            return new Last(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new DataException("--val must be a count N (the last N samples) or stratified:F (a fraction F of each class), got '" + s + "'");
        }
    }

    /** Splits {@code data} into its training and validation parts; an empty validation part is null. */
    default Split split(Dataset data, long seed) {
        int n = data.size();
        Split s = switch (this) {
            case Last l -> {
                if (l.count() < 0 || l.count() >= n) throw new DataException("--val " + l.count() + " must be at least 0 and below the " + n + " training samples used");
                yield Splits.byIndex(data, i -> i >= n - l.count());
            }
            case Stratified f -> Splits.stratified(data, f.fraction(), seed);
        };
        if (s.train().size() == 0) throw new DataException("--val " + describe() + " leaves no training samples of " + n);
        return s;
    }

    /** As written on the command line. */
    default String describe() {
        return switch (this) {
            case Last l -> Integer.toString(l.count());
            case Stratified f -> "stratified:" + f.fraction();
        };
    }
}
