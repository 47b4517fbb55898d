package org.tinyfit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.tinyfit.device.Device;
import org.tinyfit.device.DeviceCatalog;
import org.tinyfit.search.Journal;
import org.tinyfit.search.Limits;
import org.tinyfit.search.LocalEvaluator;
import org.tinyfit.search.Pareto;
import org.tinyfit.search.Record;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchData;
import org.tinyfit.search.SearchRun;
import org.tinyfit.search.SearchSpace;

/**
 * Plain aging evolution, aging evolution with the predictor ranking mutations, and the full
 * strategy (predictor and successive halving), with the same data, limits, seeds and budget: the
 * best validation accuracy each reaches. BUDGET is a number of candidates ({@code 16}) or of
 * seconds of searching ({@code 120s}); with seconds, each run is given the same wall-clock time.
 *
 * <p>{@code bench/run main SearchStrategies DATA DEVICE MAX_RAM_BYTES MAX_FLASH_BYTES BUDGET SEEDS [LIMIT [MAX_EPOCHS [POPULATION]]]}
 * (population 12 and tournament 4 by default; a smaller population lets a short search get past its random start)
 */
public final class SearchStrategies {
    public static void main(String[] args) throws Exception {
        String data = args[0];
        Device device = DeviceCatalog.builtin().find(args[1]);
        Limits limits = new Limits(Long.parseLong(args[2]), Long.parseLong(args[3]), 0, "tflm");
        boolean timed = args[4].endsWith("s");
        int candidates = timed ? 0 : Integer.parseInt(args[4]), seeds = Integer.parseInt(args[5]);
        double seconds = timed ? Double.parseDouble(args[4].substring(0, args[4].length() - 1)) : 0;
        Integer limit = args.length > 6 ? Integer.valueOf(args[6]) : null;
        int maxEpochs = args.length > 7 ? Integer.parseInt(args[7]) : 3;
        int population = args.length > 8 ? Integer.parseInt(args[8]) : 12, sample = Math.max(2, population / 3);
        int threads = Runtime.getRuntime().availableProcessors();
        Path tmp = Files.createTempDirectory("strategies");
        System.out.printf(Locale.ROOT, "%s on %s, %s, %s per run, at most %d epochs, population %d, %d threads%n", data, device.id(),
                limits.describe(), timed ? seconds + " s" : candidates + " candidates", maxEpochs, population, threads);
        System.out.printf(Locale.ROOT, "%-6s %-10s %10s %10s %8s %8s %8s%n", "seed", "strategy", "best val", "mean top3", "trained", "stopped", "seconds");
        List<double[]> diffs = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            SearchData d = SearchRun.data(data, limit, 0.1, seed);
            SearchSpace space = new SearchSpace(d.sampleShape(), d.classes(), maxEpochs);
            double[] best = new double[Search.Strategy.values().length];
            for (Search.Strategy st : Search.Strategy.values()) {
                Search s = new Search(space, device, limits, new Search.Config(seed, population, sample, threads, candidates, seconds, st));
                long t0 = System.nanoTime();
                List<Record> rs;
                try (Journal j = Journal.open(tmp.resolve(st + "-" + seed + ".db"), s.fingerprint(d.description()));
                     LocalEvaluator e = new LocalEvaluator(space, d, threads)) {
                    rs = s.run(j, e, new Search.Listener() {});
                }
                List<Double> accs = new ArrayList<>(rs.stream().filter(Record::trained).map(Record::accuracy).toList());
                accs.sort(Comparator.reverseOrder());
                double top3 = accs.stream().limit(3).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                best[st.ordinal()] = Pareto.best(rs).accuracy();
                long stopped = rs.stream().filter(r -> r.status() == Record.Status.STOPPED).count();
                System.out.printf(Locale.ROOT, "%-6d %-10s %9.2f%% %9.2f%% %8d %8d %8.0f%n", seed, st, 100 * best[st.ordinal()], 100 * top3,
                        accs.size(), stopped, (System.nanoTime() - t0) / 1e9);
            }
            diffs.add(best);
        }
        for (Search.Strategy st : Search.Strategy.values()) {
            if (st == Search.Strategy.AGING) continue;
            int i = st.ordinal();
            double mean = diffs.stream().mapToDouble(b -> b[i] - b[0]).average().orElse(Double.NaN);
            long wins = diffs.stream().filter(b -> b[i] > b[0]).count();
            System.out.printf(Locale.ROOT, "%s - AGING: %+.2f points of best validation accuracy on average; better on %d of %d seeds%n",
                    st, 100 * mean, wins, diffs.size());
        }
    }
}
