package org.tinyfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.search.Int8Model;
import org.tinyfit.search.Journal;
import org.tinyfit.search.Limits;
import org.tinyfit.search.LocalEvaluator;
import org.tinyfit.search.Pareto;
import org.tinyfit.search.Record;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchData;
import org.tinyfit.search.SearchRun;
import org.tinyfit.search.SearchSpace;
import org.tinyfit.tflite.TfliteReader;

/**
 * Plain aging evolution, aging evolution with the predictor ranking mutations, and the full
 * strategy (predictor, weight inheritance and successive halving), with the same data, limits, seeds
 * and budget: the best validation accuracy each reaches, and that model's int8 test accuracy (the
 * test part is never used for selection).
 *
 * <p>BUDGET is a number of candidates ({@code 16}), seconds of searching ({@code 120s}: the same
 * wall-clock time for each run, so it depends on the machine's load), or training work in
 * multiply-accumulates ({@code 1T}, {@code 500G}): each evaluation counts its network's MACs per
 * sample times (3 x epochs trained x training rows + validation rows per validation pass), forward
 * and backward taken as three forward passes; a run stops at the first generation that starts with
 * its budget spent, and its figures count only the candidates that end within the budget
 * ({@link #withinBudget}). A work budget is the fair one for the comparison: it does not depend on the
 * machine's load, and a strategy that stops weak candidates early gets to try more of them.
 *
 * <p>{@code bench/run main SearchStrategies DATA DEVICE MAX_RAM_BYTES MAX_FLASH_BYTES BUDGET SEEDS [LIMIT [MAX_EPOCHS [POPULATION]]]}
 * where SEEDS is a count ({@code 3}: seeds 1 to 3) or a range ({@code 4-6}); population 12 and
 * tournament 4 by default (a smaller population lets a short search get past its random start).
 */
public final class SearchStrategies {
    public static void main(String[] args) throws Exception {
        String data = args[0];
        Device device = DeviceCatalog.builtin().find(args[1]);
        Limits limits = new Limits(Long.parseLong(args[2]), Long.parseLong(args[3]), 0, "tflm");
        String budget = args[4];
        boolean timed = budget.endsWith("s");
        double work = workBudget(budget);
        int candidates = timed || work > 0 ? 0 : Integer.parseInt(budget);
        double seconds = timed ? Double.parseDouble(budget.substring(0, budget.length() - 1)) : 0;
        int firstSeed, lastSeed;
        if (args[5].contains("-")) {
            firstSeed = Integer.parseInt(args[5].substring(0, args[5].indexOf('-')));
            lastSeed = Integer.parseInt(args[5].substring(args[5].indexOf('-') + 1));
        } else {
            firstSeed = 1;
            lastSeed = Integer.parseInt(args[5]);
        }
        Integer limit = args.length > 6 ? Integer.valueOf(args[6]) : null;
        int maxEpochs = args.length > 7 ? Integer.parseInt(args[7]) : 3;
        int population = args.length > 8 ? Integer.parseInt(args[8]) : 12, sample = Math.max(2, population / 3);
        int threads = Runtime.getRuntime().availableProcessors();
        Path tmp = Files.createTempDirectory("strategies");
        System.out.printf(Locale.ROOT, "%s on %s, %s, %s per run, at most %d epochs, population %d, %d threads%n", data, device.id(),
                limits.describe(), timed ? seconds + " s" : work > 0 ? String.format(Locale.ROOT, "%.3g MACs of training work", work)
                        : candidates + " candidates", maxEpochs, population, threads);
        System.out.printf(Locale.ROOT, "%-6s %-10s %10s %10s %10s %8s %8s %10s %8s%n", "seed", "strategy", "best val", "its test", "mean top3",
                "trained", "stopped", "MACs", "seconds");
        List<double[]> vals = new ArrayList<>(), tests = new ArrayList<>();
        for (int seed = firstSeed; seed <= lastSeed; seed++) {
            SearchData d = SearchRun.data(data, limit, 0.1, seed);
            SearchSpace space = new SearchSpace(d.sampleShape(), d.classes(), maxEpochs);
            double[] best = new double[Search.Strategy.values().length], bestTest = new double[best.length];
            for (Search.Strategy st : Search.Strategy.values()) {
                Search s = new Search(space, device, limits,
                        new Search.Config(seed, population, sample, threads, work > 0 ? Integer.MAX_VALUE : candidates, seconds, st));
                long t0 = System.nanoTime();
                List<Record> rs;
                try (Journal j = Journal.open(tmp.resolve(st + "-" + seed + ".db"), s.fingerprint(d.description()));
                     LocalEvaluator e = new LocalEvaluator(space, d, threads)) {
                    rs = s.run(j, e, new Search.Listener() {
                        @Override public boolean enough(List<Record> all, double elapsedSeconds) {
                            return work > 0 && spent(all, d, st) >= work;
                        }
                    });
                }
                double total = spent(rs, d, st);
                if (work > 0) rs = withinBudget(rs, d, st, work);
                List<Double> accs = new ArrayList<>(rs.stream().filter(Record::trained).map(Record::accuracy).toList());
                accs.sort(Comparator.reverseOrder());
                double top3 = accs.stream().limit(3).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                Record b = Pareto.best(rs);
                best[st.ordinal()] = b.accuracy();
                bestTest[st.ordinal()] = d.test() == null ? Double.NaN
                        : Int8Model.accuracy(TfliteReader.read(b.evaluation().model(), "best"), d.test(), d, threads);
                long stopped = rs.stream().filter(r -> r.status() == Record.Status.STOPPED).count();
                System.out.printf(Locale.ROOT, "%-6d %-10s %9.2f%% %9.2f%% %9.2f%% %8d %8d %10.3g %8.0f%n", seed, st, 100 * best[st.ordinal()],
                        100 * bestTest[st.ordinal()], 100 * top3, accs.size(), stopped, spent(rs, d, st), (System.nanoTime() - t0) / 1e9);
                if (work > 0) System.out.printf(Locale.ROOT, "%-6s %-10s (the whole run spent %.3g MACs: the rows above count only the candidates it finished within the budget)%n",
                        "", "", total);
            }
            vals.add(best);
            tests.add(bestTest);
        }
        for (Search.Strategy st : Search.Strategy.values()) {
            if (st == Search.Strategy.AGING) continue;
            int i = st.ordinal();
            double mean = vals.stream().mapToDouble(b -> b[i] - b[0]).average().orElse(Double.NaN);
            double meanTest = tests.stream().mapToDouble(b -> b[i] - b[0]).average().orElse(Double.NaN);
            int[] v = signs(vals, i), t = signs(tests, i);
            System.out.printf(Locale.ROOT, "%s - AGING: %+.2f points of best validation accuracy on average (better on %d, worse on %d, tied on %d "
                    + "of %d seeds), %+.2f points of that model's test accuracy (better on %d, worse on %d, tied on %d)%n", st, 100 * mean,
                    v[0], v[1], v[2], vals.size(), 100 * meanTest, t[0], t[1], t[2]);
        }
    }

    /**
     * Over the seeds' results (one array per seed, indexed by strategy), how many times strategy
     * {@code i} was better than AGING (index 0), worse, and tied: the sign test needs all three, and
     * on a small validation part ties are common. A NaN (no test part) counts as none of them.
     */
    static int[] signs(List<double[]> perSeed, int i) {
        int[] out = new int[3];
        for (double[] b : perSeed) {
            if (Double.isNaN(b[i]) || Double.isNaN(b[0])) continue;
            out[b[i] > b[0] ? 0 : b[i] < b[0] ? 1 : 2]++;
        }
        return out;
    }

    /**
     * The candidates, in the order the search made them, up to the last one that ends within
     * {@code work} MACs of training work: a run checks its budget only between generations, so its
     * last generation may overshoot by a different amount for each strategy, and only this prefix
     * gives every strategy the same work.
     */
    static List<Record> withinBudget(List<Record> rs, SearchData d, Search.Strategy st, double work) {
        List<Record> sorted = new ArrayList<>(rs);
        sorted.sort(Comparator.comparingInt(r -> r.candidate().id()));
        List<Record> out = new ArrayList<>();
        for (Record r : sorted) {
            out.add(r);
            if (spent(out, d, st) > work) {
                out.remove(out.size() - 1);
                break;
            }
        }
        return out;
    }

    /** A MAC budget ({@code 1T}, {@code 500G}, {@code 2e12}), or 0 if BUDGET is not one. */
    static double workBudget(String budget) {
        char unit = Character.toUpperCase(budget.charAt(budget.length() - 1));
        double scale = switch (unit) {
            case 'T' -> 1e12;
            case 'G' -> 1e9;
            case 'M' -> 1e6;
            default -> 0;
        };
        if (scale > 0) return Double.parseDouble(budget.substring(0, budget.length() - 1)) * scale;
        return budget.contains("e") || budget.contains("E") ? Double.parseDouble(budget) : 0;
    }

    /**
     * The training work spent on {@code records}: for each candidate evaluated, MACs per sample x
     * (3 x epochs trained x training rows + validation rows x validation passes). A candidate the
     * full strategy stopped after its first rung trained that rung's epochs and was validated once; one
     * it promoted was validated after the rung and at the end.
     */
    static double spent(List<Record> records, SearchData d, Search.Strategy st) {
        double total = 0;
        long train = d.train().size(), val = d.validation().size();
        for (Record r : records) {
            if (r.evaluation() == null || r.footprint() == null) continue;
            int epochs = r.candidate().genome().recipe().epochs(), rung = Search.firstRung(epochs);
            boolean halved = st.halves() && rung < epochs;
            int trained = r.status() == Record.Status.STOPPED ? rung : epochs;
            int passes = r.status() == Record.Status.STOPPED || !halved ? 1 : 2;
            total += (double) r.footprint().macs() * (3.0 * trained * train + (double) passes * val);
        }
        return total;
    }
}
