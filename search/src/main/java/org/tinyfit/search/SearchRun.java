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
     */
    public record Options(String data, Device device, Limits limits, Path out, long seed, int threads, double budgetSeconds,
                          int maxCandidates, int maxEpochs, Integer limit, double validation) {}

    /** One written Pareto model with its figures. */
    /**
     * @param arenaBytes TFLite Micro's planned arena for the written file (with tinyfit's order and offline plan)
     * @param sramBytes  that arena plus TFLite Micro's persistent data (or tinyfit's C arena for runtime c)
     */
    public record Model(int candidate, String genome, String file, double validationAccuracy, Double testAccuracy, long arenaBytes,
                        long sramBytes, long storedOrderSramBytes, long flashBytes, long macs, long parameters, double latencyMillis) {}

    public record Result(int trained, int rejected, List<Model> pareto, Model best, Path journal, Path paretoJson,
                         @JsonIgnore List<Record> records) {}

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
        try (Journal journal = Journal.open(journalFile, search.fingerprint(data.description()));
             Evaluator evaluator = evaluators.open(o, space, data)) {
            records = search.run(journal, evaluator, listener);
        }
        try {
            return export(o, data, records, journalFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Result export(Options o, SearchData data, List<Record> records, Path journalFile) throws IOException {
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
        best = model(bestRecord, o.out().resolve("best.tflite"), o, data);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data.description());
        json.put("device", o.device().id());
        json.put("limits", o.limits());
        json.put("trained", trained);
        json.put("rejected", rejected);
        json.put("best", best);
        json.put("pareto", pareto);
        Path paretoJson = o.out().resolve("pareto.json");
        writeAtomically(paretoJson, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(json));
        return new Result(trained, rejected, pareto, best, journalFile, paretoJson, List.copyOf(records));
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
