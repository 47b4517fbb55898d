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
 * Plain aging evolution against the full strategy (a predictor ranking mutations), with the same
 * data, limits, seeds and number of trained candidates: the best validation accuracy each reaches.
 *
 * <p>{@code bench/run main SearchStrategies DATA DEVICE MAX_RAM_BYTES MAX_FLASH_BYTES CANDIDATES SEEDS [LIMIT]}
 */
public final class SearchStrategies {
    public static void main(String[] args) throws Exception {
        String data = args[0];
        Device device = DeviceCatalog.builtin().find(args[1]);
        Limits limits = new Limits(Long.parseLong(args[2]), Long.parseLong(args[3]), 0, "tflm");
        int candidates = Integer.parseInt(args[4]), seeds = Integer.parseInt(args[5]);
        Integer limit = args.length > 6 ? Integer.valueOf(args[6]) : null;
        int threads = Runtime.getRuntime().availableProcessors();
        Path tmp = Files.createTempDirectory("strategies");
        System.out.printf(Locale.ROOT, "%s on %s, %s, %d trained candidates per run, %d threads%n", data, device.id(), limits.describe(), candidates, threads);
        System.out.printf(Locale.ROOT, "%-6s %-10s %10s %10s %8s%n", "seed", "strategy", "best val", "mean top3", "seconds");
        List<double[]> diffs = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            SearchData d = SearchRun.data(data, limit, 0.1, seed);
            SearchSpace space = new SearchSpace(d.sampleShape(), d.classes(), 3);
            double[] best = new double[2];
            for (Search.Strategy st : Search.Strategy.values()) {
                Search s = new Search(space, device, limits, new Search.Config(seed, 12, 4, threads, candidates, 0, st));
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
                System.out.printf(Locale.ROOT, "%-6d %-10s %9.2f%% %9.2f%% %8.0f%n", seed, st, 100 * best[st.ordinal()], 100 * top3,
                        (System.nanoTime() - t0) / 1e9);
            }
            diffs.add(best);
        }
        double mean = diffs.stream().mapToDouble(b -> b[1] - b[0]).average().orElse(Double.NaN);
        long wins = diffs.stream().filter(b -> b[1] > b[0]).count();
        System.out.printf(Locale.ROOT, "PREDICTED - AGING: %+.2f points of best validation accuracy on average; better on %d of %d seeds%n",
                100 * mean, wins, diffs.size());
    }
}
