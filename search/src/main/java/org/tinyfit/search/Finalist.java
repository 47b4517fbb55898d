package org.tinyfit.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.tinyfit.data.Augmentation;
import org.tinyfit.graph.Graph;
import org.tinyfit.train.EpochResult;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.quant.PtqOptions;
import org.tinyfit.train.Loss;
import org.tinyfit.train.QuantizationAwareTraining;
import org.tinyfit.train.TrainConfig;
import org.tinyfit.train.Trainer;

/**
 * The search's chosen genome trained again, longer, on the training part, validated each epoch on
 * the validation part and scored once on the test part: the model a user deploys.
 *
 * @param inference the trained float inference graph (batch norm folded, dropout removed)
 * @param int8      its int8 model ({@link Int8Model}), which the accuracies are measured on
 * @param history   per-epoch training and validation figures
 * @param testAccuracy accuracy on the test part (NaN when the data has none)
 */
public record Finalist(Genome genome, Graph inference, Graph int8, List<EpochResult> history, double validationAccuracy, double testAccuracy) {
    public Finalist { history = List.copyOf(history); }

    /** Trains {@code genome} for {@code epochs} epochs with its recipe's learning rate; its int8 model by post-training quantization. */
    public static Finalist train(SearchSpace space, SearchData data, Genome genome, int epochs, long seed, int threads, Trainer.Listener listener) {
        return train(space, data, genome, epochs, 0, seed, threads, listener);
    }

    /**
     * Trains {@code genome} for {@code epochs} epochs with its recipe's learning rate, the last
     * {@code qatEpochs} of them quantization-aware ({@link QuantizationAwareTraining}: the int8 model
     * runs forward, so the accuracies measured on the int8 model are those of the file written from
     * it); with none, the int8 model comes from post-training quantization.
     */
    public static Finalist train(SearchSpace space, SearchData data, Genome genome, int epochs, int qatEpochs, long seed, int threads,
                                 Trainer.Listener listener) {
        if (qatEpochs < 0 || qatEpochs > epochs) throw new IllegalArgumentException("quantization-aware epochs must be between 0 and " + epochs + ", got " + qatEpochs);
        Genome.Recipe r = genome.recipe();
        List<Augmentation> aug = r.shift() > 0 ? List.of(new Augmentation.RandomCrop(r.shift())) : List.of();
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batch(r.batch()).lr(r.lr()).seed(seed).threads(threads)
                .augmentations(aug).checkpointSteps(0).warmupEpochs(Math.min(1f, epochs / 3f)).build();
        Loss loss = new Loss.SoftmaxCrossEntropy(cfg.labelSmoothing());
        try (Trainer trainer = new Trainer(space.graph(genome, seed), cfg, data.train(), data.validation(), data.normalization(), loss)) {
            int floatEpochs = epochs - qatEpochs;
            trainer.run(null, listener, null, floatEpochs);
            Graph inference = InferenceForm.of(trainer.net().toGraph());
            List<EpochResult> history = new ArrayList<>(trainer.state().history());
            Graph int8;
            if (qatEpochs > 0) {
                try (QuantizationAwareTraining qat = new QuantizationAwareTraining(inference, cfg, data.train(), data.validation(),
                        data.normalization(), loss, PtqOptions.defaults())) {
                    history.addAll(qat.run(floatEpochs, listener));
                    inference = qat.net().toGraph();
                    int8 = qat.convert().int8();
                }
            } else {
                int8 = Int8Model.quantize(inference, data);
            }
            double val = Int8Model.accuracy(int8, data.validation(), data, threads);
            double test = data.test() == null ? Double.NaN : Int8Model.accuracy(int8, data.test(), data, threads);
            return new Finalist(genome, inference, int8, history, val, test);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
