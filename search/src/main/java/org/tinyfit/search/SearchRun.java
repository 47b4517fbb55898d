package org.tinyfit.search;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tinyfit.data.DataException;
import org.tinyfit.data.DataSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.Split;
import org.tinyfit.data.Splits;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.tflite.TfliteReader;

/**
 * {@code tinyfit search} as a library call: opens the data, holds out a stratified validation
 * part, runs (or resumes) the search with its journal in {@code out}, and writes the Pareto
 * models, the best one and {@code pareto.json}, with every figure measured on the written files.
 */
public final class SearchRun {
    private SearchRun() {}

    /**
     * @param data          a data spec {@code Datasets.open} reads
     * @param limit         use only the first N training samples (null: all)
     * @param validation    fraction of the training samples held out (stratified) for selection
     * @param maxEpochs     the most epochs a candidate's recipe may ask for
     * @param finalEpochs   the best network is trained again from scratch for this many epochs after the
     *                      search, and that model is {@code best.tflite} (0: the best candidate's own model).
     *                      With a time budget, the search leaves the time this is estimated to take, and
     *                      the final training gets fewer epochs if less is left (none if no more than the
     *                      candidate's own).
     */
    public record Options(String data, Device device, Limits limits, Path out, long seed, int threads, double budgetSeconds,
                          int maxCandidates, int maxEpochs, Integer limit, double validation, int finalEpochs) {
        /** No final training: {@code best.tflite} is the best candidate's own model. */
        public Options(String data, Device device, Limits limits, Path out, long seed, int threads, double budgetSeconds,
                       int maxCandidates, int maxEpochs, Integer limit, double validation) {
            this(data, device, limits, out, seed, threads, budgetSeconds, maxCandidates, maxEpochs, limit, validation, 0);
        }

        public Options {
            if (finalEpochs < 0) throw new SearchException("the final training's epochs must be at least 0, got " + finalEpochs);
        }
    }

    /** One written Pareto model with its figures. */
    /**
     * @param arenaBytes TFLite Micro's planned arena for the written file (with tinyfit's order and offline plan)
     * @param sramBytes  that arena plus TFLite Micro's persistent data (or tinyfit's C arena for runtime c)
     */
    public record Model(int candidate, String genome, String file, double validationAccuracy, Double testAccuracy, long arenaBytes,
                        long sramBytes, long storedOrderSramBytes, long flashBytes, long macs, long parameters, double latencyMillis) {}

    /**
     * @param finalEpochs   the epochs the best network was trained for again after the search (0: none)
     * @param finalTraining what that training gave and which model became {@code best}; null without one
     */
    public record Result(int trained, int rejected, List<Model> pareto, Model best, int finalEpochs, FinalTraining finalTraining, Path journal,
                         Path paretoJson, @JsonIgnore List<Record> records) {}

    /**
     * The best network trained again after the search, and which model became {@code best.tflite}:
     * the one with the higher int8 validation accuracy (the search's own model on a tie). The test
     * part plays no part in the choice.
     *
     * @param searchValidationAccuracy    the best candidate's int8 validation accuracy from the search
     * @param retrainedValidationAccuracy the model trained again, its int8 validation accuracy on the same part
     * @param retrainedKept               whether {@code best.tflite} is the model trained again
     */
    public record FinalTraining(int epochs, double searchValidationAccuracy, double retrainedValidationAccuracy, boolean retrainedKept) {
        /** The choice: the model trained again only if it is more accurate on the validation part. */
        public static FinalTraining of(int epochs, double searchValidationAccuracy, double retrainedValidationAccuracy) {
            return new FinalTraining(epochs, searchValidationAccuracy, retrainedValidationAccuracy, retrainedValidationAccuracy > searchValidationAccuracy);
        }
    }

    /** Opens the data as the search sees it. */
    public static SearchData data(String spec, Integer limit, double validation, long seed) {
        DataSource source = Datasets.open(spec);
        Dataset all = source.train();
        if (limit != null) {
            if (limit < 2) throw new SearchException("--limit " + limit + ": give at least 2 samples");
            int n = Math.min(limit, all.size());
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = i;
            all = all.subset(idx);
        }
        if (all.numClasses() < 2) throw new SearchException("the data has " + all.numClasses() + " class; a classifier needs at least 2");
        int[] counts = all.classCounts();
        int present = 0, only = -1;
        for (int c = 0; c < counts.length; c++) if (counts[c] > 0) { present++; only = c; }
        if (present < 2) {
            throw new SearchException("every one of the " + all.size() + " training samples has label " + only + ": the data has 1 class; a classifier needs at least 2");
        }
        if (!(validation > 0 && validation < 1)) throw new SearchException("the validation fraction must be between 0 and 1, got " + validation);
        Split s = Splits.stratified(all, validation, seed);
        if (s.validation().size() == 0 || s.train().size() == 0) {
            throw new SearchException("the data has too few samples (" + all.size() + ") to hold out a validation part");
        }
        Normalization norm = s.train().sampleShape().length == 3 ? Normalization.minMax(s.train()) : Normalization.standardize(s.train());
        return new SearchData(source.description(), s.train(), s.validation(), source.test().orElse(null), norm);
    }

    /** Runs the search with its candidates trained on this machine. */
    public static Result run(Options o, Search.Listener listener) throws InterruptedException {
        return run(o, listener, EvaluatorFactory.local());
    }

    /** Runs the search with its candidates trained by the evaluator {@code evaluators} makes (this machine, a Spark cluster). */
    public static Result run(Options o, Search.Listener listener, EvaluatorFactory evaluators) throws InterruptedException {
        SearchData data;
        try {
            data = data(o.data(), o.limit(), o.validation(), o.seed());
        } catch (DataException e) {
            throw new SearchException(e.getMessage(), e);
        }
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), o.maxEpochs());
        int parallel = Math.max(1, o.threads());
        Search search = new Search(space, o.device(), o.limits(), new Search.Config(o.seed(), 12, 4, parallel, o.maxCandidates(), o.budgetSeconds()));
        List<Record> records;
        Path journalFile = o.out().resolve("journal.db");
        if (o.budgetSeconds() > 0 && !Files.exists(journalFile)) checkBudget(o, space, data, parallel);
        long t0 = System.nanoTime();
        Search.Listener watched = new Search.Listener() {
            @Override public void candidate(Record r, Search.Summary s) { listener.candidate(r, s); }

            @Override public boolean enough(List<Record> all, double elapsedSeconds) {
                if (listener.enough(all, elapsedSeconds)) return true;
                if (o.finalEpochs() == 0 || o.budgetSeconds() <= 0) return false;
                return elapsedSeconds + generationSeconds(all, parallel) + finalReserve(Pareto.best(all), o.finalEpochs(), parallel, o.threads())
                        >= o.budgetSeconds();
            }
        };
        try (Journal journal = Journal.open(journalFile, search.fingerprint(data.description()));
             Evaluator evaluator = evaluators.open(o, space, data)) {
            records = search.run(journal, evaluator, watched);
        }
        try {
            return export(o, data, space, records, journalFile, listener, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails before the search starts when its time budget cannot hold one evaluation: not even the
     * space's smallest network, trained for one epoch with the threads one of the first generation's
     * candidates gets, would finish in it. A search resumed from its journal is not checked.
     */
    static void checkBudget(Options o, SearchSpace space, SearchData data, int parallel) {
        double need = LocalEvaluator.epochSeconds(space, data, space.smallest(), Math.max(1, o.threads() / parallel), o.seed());
        if (need > o.budgetSeconds()) {
            throw new SearchException(String.format(Locale.ROOT, "a budget of %s is too small for one evaluation: training even the smallest network "
                    + "(%s) for one epoch on the %,d training samples takes about %s here; give a larger --budget, e.g. %s",
                    seconds(o.budgetSeconds()), space.smallest().key(), data.train().size(), seconds(need), seconds(suggested(need))));
        }
    }

    /** A round budget that holds several evaluations of {@code seconds} each: at least ten of them, in whole minutes. */
    static double suggested(double seconds) {
        return Math.max(60, Math.ceil(seconds * 10 / 60) * 60);
    }

    private static String seconds(double s) {
        if (s < 60) return String.format(Locale.ROOT, "%.0fs", Math.max(1, Math.ceil(s)));
        long m = (long) Math.ceil(s / 60);
        if (m < 60) return m + "m";
        return m % 60 == 0 ? m / 60 + "h" : m / 60 + "h" + m % 60 + "m";
    }

    /** The longest evaluation of the last generation: about what one more generation takes. */
    static double generationSeconds(List<Record> all, int parallel) {
        double most = 0;
        for (int i = Math.max(0, all.size() - parallel); i < all.size(); i++) {
            Evaluation e = all.get(i).evaluation();
            if (e != null) most = Math.max(most, e.seconds());
        }
        return most;
    }

    /**
     * The time training {@code best}'s network again for {@code epochs} epochs is expected to take:
     * its seconds per epoch in the search, where it shared the threads with the rest of its
     * generation, and the final training has them all (counted as 3/4 of the time, not 1/parallel:
     * threads do not scale perfectly, and a shared machine gives them less).
     */
    static double finalSeconds(Record best, int epochs, int parallel, int threads) {
        if (best == null || best.evaluation() == null) return 0;
        double perEpoch = best.evaluation().seconds() / Math.max(1, best.candidate().genome().recipe().epochs());
        boolean moreThreads = Math.max(1, threads / Math.max(1, parallel)) < threads;
        return perEpoch * epochs * (moreThreads ? 0.75 : 1.0);
    }

    /**
     * The time the search leaves free for the final training: the estimate of {@link #finalSeconds}
     * and half as much again. The estimate comes from one timing of the candidate (on a shared
     * machine; for a candidate that went through successive halving, of the part after its first
     * rung only), and the clock the budget runs on also pays for opening the journal and writing
     * the Pareto models, so with no margin a fast candidate's final training finds its time used up.
     */
    static double finalReserve(Record best, int epochs, int parallel, int threads) {
        return 1.5 * finalSeconds(best, epochs, parallel, threads);
    }

    /**
     * The epochs the final training gets: {@code wanted}, fewer if the budget's rest does not hold
     * them, 0 (none) if no more than the candidate's own fit.
     */
    static int finalEpochs(Record best, int wanted, double budgetSeconds, double elapsedSeconds, int parallel, int threads) {
        if (wanted == 0 || best == null || best.evaluation() == null) return 0;
        int epochs = wanted;
        if (budgetSeconds > 0) {
            double perEpoch = finalSeconds(best, 1, parallel, threads);
            double left = budgetSeconds - elapsedSeconds;
            if (perEpoch > 0) epochs = (int) Math.min(wanted, Math.floor(left / perEpoch));
        }
        return epochs > best.candidate().genome().recipe().epochs() ? epochs : 0;
    }

    private static Result export(Options o, SearchData data, SearchSpace space, List<Record> records, Path journalFile, Search.Listener listener,
                                 double elapsedSeconds) throws IOException {
        int trained = 0, rejected = 0;
        for (Record r : records) if (r.trained()) trained++; else if (r.status() == Record.Status.REJECTED) rejected++;
        if (trained == 0) {
            throw new SearchException("the budget ended before any candidate was trained (" + rejected + " rejected); give a larger --budget");
        }
        Path dir = o.out().resolve("pareto");
        Files.createDirectories(dir);
        List<Model> pareto = new ArrayList<>();
        Record bestRecord = Pareto.best(records);
        Model best = null;
        for (Record r : Pareto.front(records)) {
            Path file = dir.resolve("candidate-" + r.candidate().id() + ".tflite");
            Model m = model(r, file, o, data);
            pareto.add(m);
            if (r == bestRecord) best = m;
        }
        int parallel = Math.max(1, o.threads());
        int epochs = finalEpochs(bestRecord, o.finalEpochs(), o.budgetSeconds(), elapsedSeconds, parallel, o.threads());
        FinalTraining finalTraining = null;
        if (epochs > 0) {
            Genome g = bestRecord.candidate().genome();
            Finalist f = Finalist.train(space, data, g, epochs, bestRecord.candidate().seed(), o.threads(), new org.tinyfit.train.Trainer.Listener() {
                @Override public void epoch(org.tinyfit.train.EpochResult r) { listener.finalEpoch(r, epochs); }
            });
            finalTraining = FinalTraining.of(epochs, bestRecord.evaluation().valAccuracy(), f.validationAccuracy());
            best = finalTraining.retrainedKept() ? finalModel(bestRecord, f, epochs, o.out().resolve("best.tflite"), o, data)
                    : model(bestRecord, o.out().resolve("best.tflite"), o, data);
        } else {
            best = model(bestRecord, o.out().resolve("best.tflite"), o, data);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data.description());
        json.put("device", o.device().id());
        json.put("limits", o.limits());
        json.put("trained", trained);
        json.put("rejected", rejected);
        json.put("best", best);
        json.put("finalEpochs", epochs);
        json.put("finalTraining", finalTraining);
        json.put("pareto", pareto);
        Path paretoJson = o.out().resolve("pareto.json");
        writeAtomically(paretoJson, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json));
        return new Result(trained, rejected, pareto, best, epochs, finalTraining, journalFile, paretoJson, List.copyOf(records));
    }

    /** Writes the best network as trained again; its figures are measured on the file written. */
    private static Model finalModel(Record r, Finalist f, int epochs, Path file, Options o, SearchData data) throws IOException {
        Genome g = r.candidate().genome();
        Provenance p = Provenance.of("tinyfit search on " + o.device().id() + " (" + o.limits().describe() + "), candidate " + r.candidate().id()
                + " trained again for " + epochs + " epochs").withData(data.description()).withSpec(g.toJson())
                .withTraining(g.recipe() + ", " + epochs + " epochs, seed " + r.candidate().seed());
        OptimizedModel written = Deployment.write(f.int8(), p, file);
        Double test = null;
        if (data.test() != null) test = Int8Model.accuracy(TfliteReader.read(file), data.test(), data, Runtime.getRuntime().availableProcessors());
        Footprint fp = Footprint.of(f.int8(), o.device(), o.limits().runtime());
        return new Model(r.candidate().id(), g.key(), o.out().relativize(file).toString(), f.validationAccuracy(), test, written.writtenArenaBytes(),
                fp.sramBytes(), fp.storedOrderSramBytes(), fp.flashBytes(), fp.macs(), fp.parameters(), fp.latencyMillis());
    }

    /** Writes a candidate's int8 model for the device; its test accuracy and arena are measured on the file written. */
    private static Model model(Record r, Path file, Options o, SearchData data) throws IOException {
        Path out = o.out();
        Provenance p = Provenance.of("tinyfit search on " + o.device().id() + " (" + o.limits().describe() + "), candidate " + r.candidate().id())
                .withData(data.description()).withSpec(r.candidate().genome().toJson()).withTraining(r.candidate().genome().recipe().toString()
                        + " seed " + r.candidate().seed());
        OptimizedModel written = Deployment.write(TfliteReader.read(r.evaluation().model(), "candidate-" + r.candidate().id()), p, file);
        Double test = null;
        if (data.test() != null) test = Int8Model.accuracy(TfliteReader.read(file), data.test(), data, Runtime.getRuntime().availableProcessors());
        Footprint f = r.footprint();
        return new Model(r.candidate().id(), r.candidate().genome().key(), out.relativize(file).toString(), r.evaluation().valAccuracy(), test,
                written.writtenArenaBytes(), f.sramBytes(),
                f.storedOrderSramBytes(), f.flashBytes(), f.macs(), f.parameters(), f.latencyMillis());
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
