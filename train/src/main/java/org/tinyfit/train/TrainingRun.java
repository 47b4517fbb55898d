package org.tinyfit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.passes.InputNormalization;
import org.tinyfit.data.Augmentation;
import org.tinyfit.data.BatchLoader;
import org.tinyfit.data.DataException;
import org.tinyfit.data.DataSource;
import org.tinyfit.data.Dataset;
import org.tinyfit.data.Datasets;
import org.tinyfit.data.Normalization;
import org.tinyfit.data.Split;
import org.tinyfit.graph.Graph;
import org.tinyfit.graph.InputScaling;
import org.tinyfit.graph.Provenance;
import org.tinyfit.graph.Shape;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.tflite.TfliteWriter;

/**
 * One training run from a spec and a dataset to a deployable model: opens the data, holds out the
 * last samples for validation, normalizes, compiles the spec, trains with checkpoints (resuming from
 * the last one in the output directory), folds batch norm and removes dropout for inference, scores
 * the test part when there is one, and writes {@code summary.json} and {@code model.tflite} (with its
 * {@link Provenance}) to the output directory.
 */
public final class TrainingRun {
    private TrainingRun() {}

    /** How sample values are scaled before training (after augmentation). */
    public enum Normalize {
        /** {@link #UNIT} for images [h,w,c], {@link #STANDARDIZE} for anything else. */
        AUTO,
        /** Each channel's range on the training part to [0,1]. */
        UNIT,
        /** Each channel to mean 0, deviation 1 on the training part. */
        STANDARDIZE,
        NONE
    }

    /**
     * What to train.
     *
     * @param data        a dataset as {@link Datasets#open} reads it (a path with optional #options)
     * @param spec        the model spec, JSON
     * @param config      how to train; each of its augmentations applies only if it fits the samples (image ones to images, sequence ones to sequences)
     * @param holdout     which training samples to hold out for validation ({@link Holdout#DEFAULT}: a stratified tenth)
     * @param limit       train on the first this many training samples only (null: all)
     * @param out         the directory of checkpoints, summary and model
     * @param provenance  the version and command; the run adds the data, spec and training to it
     * @param qatEpochs   how many of the last epochs are quantization-aware ({@link QuantizationAwareTraining});
     *                    0: none, and no int8 model is written
     */
    public record Request(String data, Normalize normalize, String spec, TrainConfig config, Holdout holdout, Integer limit, Path out, Provenance provenance,
            int qatEpochs) {
        public Request {
            if (qatEpochs < 0 || qatEpochs > config.epochs()) {
                throw new IllegalArgumentException("quantization-aware epochs must be between 0 and the run's " + config.epochs() + ", got " + qatEpochs);
            }
        }

        /** Without quantization-aware training. */
        public Request(String data, Normalize normalize, String spec, TrainConfig config, Holdout holdout, Integer limit, Path out, Provenance provenance) {
            this(data, normalize, spec, config, holdout, limit, out, provenance, 0);
        }

        /** Holds out the last {@code validation} samples. */
        public Request(String data, Normalize normalize, String spec, TrainConfig config, int validation, Integer limit, Path out, Provenance provenance) {
            this(data, normalize, spec, config, new Holdout.Last(validation), limit, out, provenance, 0);
        }
    }

    /** The file the int8 model of a quantization-aware run goes to, beside {@code model.tflite}. */
    public static final String INT8_FILE = "model_int8.tflite";

    /** What a run is about to do, told to the listener before the first step. */
    public record Plan(ModelSpec spec, long trainableParameters, int trainSamples, int validationSamples, int stepsPerEpoch, TrainConfig config) {}

    /** Hears a run's plan, then its progress. */
    public interface Listener extends Trainer.Listener {
        default void started(Plan plan) {}

        /** Quantization-aware training starts at epoch {@code first} (0-based) of {@code epochs}; the epochs after it report int8 results. */
        default void quantizationAware(int first, int epochs) {}
    }

    /**
     * What a run ended with.
     *
     * @param testScore   the test loss and accuracy, or null when the data has no test part (the summary's
     *                    testCorrect counts the samples the exported model classified right)
     * @param testSamples the size of the test part (0 when there is none)
     * @param summary     what summary.json holds
     * @param int8        the int8 model of a quantization-aware run, or null
     */
    public record Result(Plan plan, TrainState state, double[] testScore, int testSamples, Graph model, ObjectNode summary, Int8 int8) {}

    /**
     * The int8 model a quantization-aware run wrote ({@link #INT8_FILE}), and what it scored.
     *
     * @param epochs the quantization-aware epochs, with the int8 model's validation loss and accuracy
     * @param test   the int8 model's accuracy on the test part, run in tinyfit's runtime as {@code eval} runs it; null without a test part
     */
    public record Int8(Graph model, List<EpochResult> epochs, Evaluation test) {}

    public static Result run(Request r, Listener listener) throws IOException {
        ModelSpec modelSpec = ModelSpec.parse(r.spec());
        DataSource source = Datasets.open(r.data());
        Dataset all = source.train();
        boolean images = all.sampleShape().length == 3;
        if (r.limit() != null && r.limit() < 1) throw new DataException("--limit " + r.limit() + ": train on at least 1 sample");
        if (all.numClasses() < 2) throw new DataException(source.description() + ": every label is 0, so there is only one class; a classifier needs at least two");
        int n = r.limit() == null ? all.size() : Math.min(all.size(), r.limit());
        Split split = r.holdout().split(n == all.size() ? all : all.subset(range(0, n)), r.config().seed());
        Dataset trainSet = split.train(), valSet = split.validation().size() == 0 ? null : split.validation();
        int val = split.validation().size();
        Dataset test = source.test().orElse(null);
        Normalization norm = switch (r.normalize()) {
            case UNIT -> Normalization.minMax(trainSet);
            case STANDARDIZE -> Normalization.standardize(trainSet);
            case NONE -> null;
            case AUTO -> images ? Normalization.minMax(trainSet) : Normalization.standardize(trainSet);
        };
        TrainConfig cfg = r.config().toBuilder().augmentations(fitting(r.config().augmentations(), all.sampleShape())).build();
        Graph graph = SpecCompiler.compile(modelSpec, cfg.seed());
        refuseStrayLabels(graph, all, test);
        Loss loss = new Loss.SoftmaxCrossEntropy(cfg.labelSmoothing(), cfg.balancedClassWeights() ? Loss.SoftmaxCrossEntropy.balancedWeights(trainSet.classCounts()) : null);
        try (Trainer trainer = new Trainer(graph, cfg, trainSet, valSet, norm, loss)) {
            Plan plan = new Plan(modelSpec, trainer.net().trainableCount(), trainSet.size(), val, trainer.stepsPerEpoch(), cfg);
            listener.started(plan);
            int floatEpochs = cfg.epochs() - r.qatEpochs();
            DivergenceWatch watch = new DivergenceWatch(listener);
            TrainState st = trainer.run(r.out(), watch, watch::diverged, floatEpochs);
            if (watch.diverged()) {
                Trainer.Progress p = watch.at;
                throw new TrainingException("training diverged: the loss became " + p.loss() + " in epoch " + (p.epoch() + 1) + ", step " + p.step()
                        + " (peak learning rate " + cfg.lr() + "); train again with a smaller learning rate" + (norm == null ? " or normalized data" : "")
                        + "; no model was written");
            }
            Provenance provenance = r.provenance().withData(source.description()).withSpec(modelSpec.toJson()).withTraining(cfg.fingerprint()
                    + (r.qatEpochs() > 0 ? " qat=" + r.qatEpochs() : ""));
            Graph inference = InferenceForm.of(trainer.net().toGraph());
            Int8Conversion.Result converted = null;
            List<EpochResult> qatEpochs = List.of();
            // tabular rows keep their standardization outside the model (see InputScaling): inside, one int8
            // input scale for the raw columns would round a 0/1 column beside an amount in the hundreds of thousands away
            InputScaling outside = norm != null && all.sampleShape().length == 1 ? new InputScaling(norm.shift(), norm.scale()) : null;
            if (r.qatEpochs() > 0) {
                try (QuantizationAwareTraining qat = outside == null
                        ? new QuantizationAwareTraining(inference, cfg, trainSet, valSet, norm, loss, PtqOptions.defaults())
                        : new QuantizationAwareTraining(inference, cfg, norm.applyTo(trainSet), valSet == null ? null : norm.applyTo(valSet), null, loss,
                                PtqOptions.defaults())) {
                    listener.quantizationAware(floatEpochs, cfg.epochs());
                    qatEpochs = qat.run(floatEpochs, listener);
                    inference = qat.net().toGraph();
                    converted = qat.convert();
                }
            }
            InputNormalization.Result inside = norm == null || outside != null ? null : InputNormalization.apply(inference, norm.shift(), norm.scale());
            Graph exported = provenance.attachTo(outside != null ? outside.attachTo(inference) : inside == null ? inference : inside.graph());
            double[] testScore = null;
            Evaluation testEval = null;
            if (test != null) {
                try (Net net = Net.compile(inference, cfg.threads())) {
                    testScore = Trainer.evaluate(net, BatchLoader.builder(test).batchSize(256).normalize(norm).build(), loss);
                }
                testEval = Evaluation.topOne(exported, "model.tflite", test, "the test part", 1, 0, null, cfg.threads());
                testScore[1] = testEval.accuracy();
            }
            Int8 int8 = null;
            if (converted != null) {
                Graph model8 = provenance.attachTo((outside == null ? converted.int8() : outside.attachTo(converted.int8())).withMetadata(Map.of("tinyfit.quantization", "quantization-aware training: the last "
                        + r.qatEpochs() + " of " + cfg.epochs() + " epochs ran the int8 model forward; per-channel weights, activation ranges tracked in training (moving average "
                        + QuantizationAwareTraining.RANGE_DECAY + "), int8 input and output")));
                Evaluation int8Test = test == null ? null : Evaluation.topOne(model8, INT8_FILE, test, "the test part", 1, 0, null, cfg.threads());
                int8 = new Int8(model8, qatEpochs, int8Test);
            }
            ObjectNode summary = summary(plan, st, testScore, testEval, norm, inside, int8);
            writeAtomically(r.out().resolve("summary.json"), summary.toPrettyString().getBytes(StandardCharsets.UTF_8));
            writeAtomically(r.out().resolve("model.tflite"), TfliteWriter.write(exported));
            if (int8 != null) writeAtomically(r.out().resolve(INT8_FILE), TfliteWriter.write(int8.model()));
            return new Result(plan, st, testScore, test == null ? 0 : test.size(), exported, summary, int8);
        }
    }

    /** Passes everything on to the run's listener, and notes the first step whose running loss is not a finite number: the weights are lost from there on. */
    private static final class DivergenceWatch implements Trainer.Listener {
        private final Trainer.Listener to;
        private Trainer.Progress at;

        DivergenceWatch(Trainer.Listener to) { this.to = to; }

        boolean diverged() { return at != null; }

        @Override public void step(Trainer.Progress p) {
            if (at == null && !Double.isFinite(p.loss())) at = p;
            to.step(p);
        }

        @Override public void epoch(EpochResult r) { to.epoch(r); }

        @Override public void checkpoint(Path file, TrainState st) { to.checkpoint(file, st); }

        @Override public void resumed(TrainState st) { to.resumed(st); }
    }

    /** A label the model has no output for is named by where it is (a CSV's line), since it is more often a typo than a wanted class. */
    private static void refuseStrayLabels(Graph graph, Dataset train, Dataset test) {
        Shape out = graph.tensor(graph.outputs()[0]).shape();
        int outputs = out.rank() == 0 ? 1 : out.dim(-1);
        for (Dataset d : test == null ? List.of(train) : List.of(train, test)) {
            int i = d.firstLabelAtLeast(outputs);
            if (i >= 0) {
                throw new DataException(d.where(i) + ": label " + d.label(i) + ", but the model has " + outputs + " output" + (outputs == 1 ? "" : "s")
                        + " (classes 0.." + (outputs - 1) + "); fix the label, or make the last dense layer " + (d.label(i) + 1) + " wide");
            }
        }
    }

    private static ObjectNode summary(Plan plan, TrainState st, double[] test, Evaluation testEval, Normalization norm, InputNormalization.Result inside, Int8 int8) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("model", plan.spec().name());
        root.put("parameters", plan.trainableParameters());
        root.put("config", plan.config().fingerprint());
        root.put("threads", plan.config().threads());
        ArrayNode eps = root.putArray("epochs");
        List<EpochResult> all = new java.util.ArrayList<>(st.history());
        if (int8 != null) all.addAll(int8.epochs());
        for (EpochResult r : all) {
            ObjectNode e = eps.addObject();
            if (int8 != null && int8.epochs().contains(r)) e.put("quantizationAware", true);
            e.put("epoch", r.epoch() + 1);
            e.put("trainLoss", r.trainLoss());
            e.put("trainAccuracy", r.trainAccuracy());
            if (!Double.isNaN(r.valAccuracy())) {
                e.put("valLoss", r.valLoss());
                e.put("valAccuracy", r.valAccuracy());
            }
            e.put("seconds", r.seconds());
            e.put("samplesPerSecond", r.samplesPerSecond());
        }
        if (test != null) {
            root.put("testLoss", test[0]);
            root.put("testAccuracy", test[1]);
            root.put("testCorrect", testEval.correct());
            root.put("testSamples", testEval.samples());
        }
        if (int8 != null) {
            ObjectNode q = root.putObject("int8");
            q.put("file", INT8_FILE);
            q.put("quantizationAwareEpochs", int8.epochs().size());
            if (int8.test() != null) {
                q.put("testAccuracy", int8.test().accuracy());
                q.put("testCorrect", int8.test().correct());
                q.put("testSamples", int8.test().samples());
            }
        }
        if (norm != null) {
            ObjectNode n = root.putObject("normalization");
            ArrayNode sh = n.putArray("shift"), sc = n.putArray("scale");
            for (float v : norm.shift()) sh.add(v);
            for (float v : norm.scale()) sc.add(v);
            n.put("inModel", inside != null ? inside.description() : "outside the model, recorded as " + InputScaling.KEY + " (eval, run and the generated C apply it)");
        }
        root.put("spec", plan.spec().toJson());
        return root;
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The augmentations that fit samples of this shape, in order: image ones for images, sequence ones for sequences, noise for any. */
    static List<Augmentation> fitting(List<Augmentation> augmentations, int[] sampleShape) {
        List<Augmentation> out = new java.util.ArrayList<>();
        for (Augmentation a : augmentations) {
            try {
                a.check(sampleShape);
                out.add(a);
            } catch (DataException e) {
                // made for another kind of sample: the image defaults on a sequence, say
            }
        }
        return out;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
