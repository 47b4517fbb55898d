package org.tinyfit.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tinyfit.device.Device;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.Provenance;
import org.tinyfit.io.OptimizedModel;
import org.tinyfit.report.ModelReport;
import org.tinyfit.report.Report;
import org.tinyfit.report.Series;
import org.tinyfit.search.Deployment;
import org.tinyfit.search.Finalist;
import org.tinyfit.search.Footprint;
import org.tinyfit.search.Limits;
import org.tinyfit.search.Pareto;
import org.tinyfit.search.Record;
import org.tinyfit.search.Search;
import org.tinyfit.search.SearchData;
import org.tinyfit.search.SearchRun;
import org.tinyfit.search.SearchSpace;
import org.tinyfit.train.EpochResult;
import org.tinyfit.train.Trainer;

/**
 * The whole pipeline on one data set and one board: search under the board's limits, train the
 * chosen network longer, lay out its deployment, write the model and a report. Each stage tells
 * {@link Stages} when it starts and ends.
 */
public final class Demo {
    private Demo() {}

    /** Hears about the stages. */
    public interface Stages {
        default void start(String stage, String detail) {}

        default void candidate(Record r, Search.Summary s) {}

        default void epoch(EpochResult r, int epochs) {}

        default void end(String stage, String result) {}
    }

    /**
     * @param data          the data spec
     * @param searchLimit   training samples the search's candidates see (null: all)
     * @param candidates    trained candidates of the search
     * @param searchEpochs  the most epochs a candidate trains for
     * @param budgetSeconds the search's time budget (0: none)
     * @param finalEpochs   epochs of the final training
     * @param finalLimit    training samples of the final training (null: all)
     * @param qatEpochs     how many of the final epochs are quantization-aware (the int8 model runs forward)
     */
    public record Options(String data, String dataName, Device device, Limits limits, Path out, long seed, int threads,
                          Integer searchLimit, int candidates, int searchEpochs, double budgetSeconds, int finalEpochs, Integer finalLimit, int qatEpochs) {}

    /** What the demo made: the figures that matter and where its files went. */
    public record Result(String data, String device, int trained, int rejected, String network, double testAccuracy,
                         long sramBytes, long storedOrderSramBytes, long maxRamBytes, long flashBytes, long maxFlashBytes,
                         double latencyMillis, Path model, Path report, Path searchDir, CDeployment c) {}

    public static Result run(Options o, Stages stages) throws IOException, InterruptedException {
        Files.createDirectories(o.out());
        Path searchDir = o.out().resolve("search");
        stages.start("search", String.format(Locale.ROOT, "%d candidates on %s under %s", o.candidates(), o.dataName(), o.limits().describe()));
        SearchRun.Result sr = SearchRun.run(new SearchRun.Options(o.data(), o.device(), o.limits(), searchDir, o.seed(), o.threads(),
                o.budgetSeconds(), o.candidates(), o.searchEpochs(), o.searchLimit(), 0.1), new Search.Listener() {
                    @Override public void candidate(Record r, Search.Summary s) { stages.candidate(r, s); }
                });
        List<Record> records = sr.records();
        Record best = Pareto.best(records);
        stages.end("search", String.format(Locale.ROOT, "%d trained, %d rejected before training; best %s at %.2f%% validation accuracy",
                sr.trained(), sr.rejected(), best.candidate().genome().key(), 100 * best.accuracy()));

        SearchData data = SearchRun.data(o.data(), o.finalLimit(), 0.1, o.seed());
        SearchSpace space = new SearchSpace(data.sampleShape(), data.classes(), o.searchEpochs());
        stages.start("train", String.format(Locale.ROOT, "the best network for %d epoch%s on %,d samples%s", o.finalEpochs(), o.finalEpochs() == 1 ? "" : "s",
                data.train().size(), o.qatEpochs() == 0 ? "" : String.format(Locale.ROOT, ", the last %d quantization-aware", o.qatEpochs())));
        Finalist f = Finalist.train(space, data, best.candidate().genome(), o.finalEpochs(), o.qatEpochs(), o.seed(), o.threads(), new Trainer.Listener() {
            @Override public void epoch(EpochResult r) { stages.epoch(r, o.finalEpochs()); }
        });
        stages.end("train", String.format(Locale.ROOT, "int8 test accuracy %.2f%%", 100 * f.testAccuracy()));

        stages.start("deploy", "the model's memory plan on " + o.device().name());
        Graph deployed = f.int8();
        Footprint fp = Footprint.of(deployed, o.device(), o.limits().runtime());
        Path model = o.out().resolve("model.tflite");
        Provenance provenance = Provenance.of("tinyfit demo").withData(o.dataName() + " (" + o.data() + ")")
                .withSpec(f.genome().toJson()).withTraining(f.genome().recipe() + ", " + o.finalEpochs() + " epochs"
                + (o.qatEpochs() == 0 ? "" : " (the last " + o.qatEpochs() + " quantization-aware)") + ", seed " + o.seed());
        OptimizedModel written = Deployment.write(deployed, provenance, model);
        stages.end("deploy", String.format(Locale.ROOT, "int8 model.tflite: TFLite Micro arena %,d B%s; SRAM %,d B (as stored: %,d B), flash %,d B, %.1f ms",
                written.writtenArenaBytes(), written.offlinePlanWritten() ? " (tinyfit's plan written in)" : "", fp.sramBytes(),
                fp.storedOrderSramBytes(), fp.flashBytes(), fp.latencyMillis()));

        CDeployment c = CDeployment.run(deployed, data, o.out().resolve("c"), stages);

        stages.start("report", "report.html");
        Path reportFile = o.out().resolve("report.html");
        report(o, sr, records, f, deployed, fp).write(reportFile);
        stages.end("report", reportFile.toString());
        return new Result(o.dataName(), o.device().name(), sr.trained(), sr.rejected(), best.candidate().genome().key(), f.testAccuracy(),
                fp.sramBytes(), fp.storedOrderSramBytes(), o.limits().maxRamBytes(), fp.flashBytes(), o.limits().maxFlashBytes(),
                fp.latencyMillis(), model, reportFile, searchDir, c);
    }

    private static Report report(Options o, SearchRun.Result sr, List<Record> records, Finalist f, Graph deployed, Footprint fp) {
        Report r = new Report("tinyfit demo: " + o.dataName() + " on " + o.device().name());
        r.fact("test accuracy", String.format(Locale.ROOT, "%.2f%%", 100 * f.testAccuracy()))
                .fact("SRAM", String.format(Locale.ROOT, "%,d of %,d B", fp.sramBytes(), o.limits().maxRamBytes()))
                .fact("flash", String.format(Locale.ROOT, "%,d of %,d B", fp.flashBytes(), o.limits().maxFlashBytes()))
                .fact("latency", String.format(Locale.ROOT, "%.1f ms (estimated)", fp.latencyMillis()))
                .fact("network", f.genome().key());
        List<Report.Candidate> cands = new ArrayList<>();
        for (Record c : records) {
            if (c.trained()) cands.add(new Report.Candidate("candidate " + c.candidate().id() + " " + c.candidate().genome().key(),
                    c.footprint().sramBytes(), 100 * c.accuracy()));
        }
        r.searchScatter(cands);
        int n = f.history().size();
        double[] trainAcc = new double[n], valAcc = new double[n], trainLoss = new double[n], valLoss = new double[n];
        for (int i = 0; i < n; i++) {
            EpochResult e = f.history().get(i);
            trainAcc[i] = 100 * e.trainAccuracy();
            valAcc[i] = 100 * e.valAccuracy();
            trainLoss[i] = e.trainLoss();
            valLoss[i] = e.valLoss();
        }
        r.trainingCurves("Training: accuracy", "accuracy (%)", List.of(Series.of("train", trainAcc), Series.of("validation", valAcc)));
        r.trainingCurves("Training: loss", "loss", List.of(Series.of("train", trainLoss), Series.of("validation", valLoss)));
        ModelReport.add(r, deployed, o.device(), o.limits().maxRamBytes(), o.limits().maxFlashBytes(), -1, ModelReport.Plans.of(deployed));
        return r;
    }
}
