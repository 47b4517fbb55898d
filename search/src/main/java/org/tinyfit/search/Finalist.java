package org.tinyfit.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.tinyfit.data.Augmentation;
import org.tinyfit.graph.Graph;
import org.tinyfit.train.EpochResult;
import org.tinyfit.passes.InferenceForm;
import org.tinyfit.train.Loss;
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

    /** Trains {@code genome} for {@code epochs} epochs with its recipe's learning rate. */
    public static Finalist train(SearchSpace space, SearchData data, Genome genome, int epochs, long seed, int threads, Trainer.Listener listener) {
        Genome.Recipe r = genome.recipe();
        List<Augmentation> aug = r.shift() > 0 ? List.of(new Augmentation.RandomCrop(r.shift())) : List.of();
        TrainConfig cfg = TrainConfig.builder().epochs(epochs).batch(r.batch()).lr(r.lr()).seed(seed).threads(threads)
                .augmentations(aug).checkpointSteps(0).warmupEpochs(Math.min(1f, epochs / 3f)).build();
        Loss loss = new Loss.SoftmaxCrossEntropy(cfg.labelSmoothing());
        try (Trainer trainer = new Trainer(space.graph(genome, seed), cfg, data.train(), data.validation(), data.normalization(), loss)) {
            trainer.run(null, listener, null);
            Graph inference = InferenceForm.of(trainer.net().toGraph());
            Graph int8 = Int8Model.quantize(inference, data);
            List<EpochResult> history = trainer.state().history();
            double val = Int8Model.accuracy(int8, data.validation(), data, threads);
            double test = data.test() == null ? Double.NaN : Int8Model.accuracy(int8, data.test(), data, threads);
            return new Finalist(genome, inference, int8, history, val, test);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
