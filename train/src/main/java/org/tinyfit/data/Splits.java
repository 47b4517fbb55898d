package org.tinyfit.data;

import java.util.Arrays;
import java.util.function.IntPredicate;

/** Seeded ways to split a dataset; each part keeps the samples in their stored order. */
public final class Splits {
    private Splits() {}

    /** A random {@code validationFraction} of the samples for validation, the rest for training. */
    public static Split random(Dataset data, double validationFraction, long seed) {
        checkFraction(validationFraction);
        int n = data.size();
        int[] order = identity(n);
        shuffle(order, 0, n, new SeededRandom(SeededRandom.derive(seed, 0x5b117, 0)));
        int validation = (int) Math.round(n * validationFraction);
        boolean[] isValidation = new boolean[n];
        for (int i = 0; i < validation; i++) isValidation[order[i]] = true;
        return byIndex(data, i -> isValidation[i]);
    }

    /**
     * Like {@link #random} but per class: each class gives round(count × fraction) samples to
     * validation, so both parts keep the class proportions.
     */
    public static Split stratified(Dataset data, double validationFraction, long seed) {
        checkFraction(validationFraction);
        int n = data.size();
        int[] counts = data.classCounts();
        int[] start = new int[counts.length + 1];
        for (int k = 0; k < counts.length; k++) start[k + 1] = start[k] + counts[k];
        int[] byClass = new int[n];
        int[] fill = Arrays.copyOf(start, counts.length);
        for (int i = 0; i < n; i++) byClass[fill[data.label(i)]++] = i;
        boolean[] isValidation = new boolean[n];
        SeededRandom random = new SeededRandom(0);
        for (int k = 0; k < counts.length; k++) {
            random.reseed(SeededRandom.derive(seed, 0x57a7, k));
            shuffle(byClass, start[k], start[k + 1], random);
            int take = (int) Math.round(counts[k] * validationFraction);
            for (int i = 0; i < take; i++) isValidation[byClass[start[k] + i]] = true;
        }
        return byIndex(data, i -> isValidation[i]);
    }

    /** Sample {@code i} goes to validation exactly when {@code isValidation.test(i)}. */
    public static Split byIndex(Dataset data, IntPredicate isValidation) {
        int n = data.size();
        int[] train = new int[n], validation = new int[n];
        int t = 0, v = 0;
        for (int i = 0; i < n; i++) {
            if (isValidation.test(i)) validation[v++] = i;
            else train[t++] = i;
        }
        return new Split(data.subset(Arrays.copyOf(train, t)), data.subset(Arrays.copyOf(validation, v)));
    }

    /** Sample {@code i} goes to validation when {@code i % modulus == remainder} (e.g. a data set's published split). */
    public static Split everyNth(Dataset data, int modulus, int remainder) {
        if (modulus < 2 || remainder < 0 || remainder >= modulus) {
            throw new DataException("an index split needs modulus >= 2 and 0 <= remainder < modulus, got "
                    + modulus + " and " + remainder);
        }
        return byIndex(data, i -> i % modulus == remainder);
    }

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** Fisher-Yates over a[from, to). */
    static void shuffle(int[] a, int from, int to, SeededRandom random) {
        for (int i = to - 1; i > from; i--) {
            int j = from + random.nextInt(i - from + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void checkFraction(double f) {
        if (!(f >= 0 && f <= 1)) throw new DataException("validation fraction must be in [0, 1], got " + f);
    }
}
