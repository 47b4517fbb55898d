package org.tinyfit.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.tinyfit.train.EpochResult;
import org.tinyfit.train.TrainState;
import org.tinyfit.train.Trainer;
import org.tinyfit.train.TrainingRun;

/**
 * The plan and a line per finished epoch (to {@code out}: stdout, or stderr when stdout holds JSON),
 * and a progress bar per epoch on stderr unless plain; the bar redraws its line with '\r', so it is
 * drawn only on a terminal.
 */
final class TrainProgress implements TrainingRun.Listener, AutoCloseable {
    private final PrintWriter out;
    private final boolean plain;
    private ProgressBar bar;
    private int barEpoch = -1;
    private int epochs;

    TrainProgress(PrintWriter out, boolean plain) { this.out = out; this.plain = plain || !onTerminal(); }

    private static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            // Console.isTerminal (Java 22+): from 22 on, System.console() is not null when redirected
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override public void resumed(TrainState st) {
        if (epochs > 0 && st.epoch() >= epochs) {
            out.printf(Locale.ROOT, "the checkpoint is of a finished run (%s); writing its model and summary again%n", Units.count(epochs, "epoch"));
        } else {
            out.printf(Locale.ROOT, "resuming from the checkpoint: epoch %d of %d, step %d%n", st.epoch() + 1, epochs, st.stepInEpoch());
        }
        out.flush();
    }

    @Override public void step(Trainer.Progress p) {
        if (plain) return;
        if (bar == null || barEpoch != p.epoch()) {
            close();
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", p.epoch() + 1, p.epochs()))
                    .setInitialMax(p.stepsPerEpoch()).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .startsFrom(p.step() - 1, java.time.Duration.ZERO)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err, 120)).build();
            barEpoch = p.epoch();
        }
        bar.stepTo(p.step());
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.2f%% %.0f samples/s", p.loss(), 100 * p.accuracy(), p.samplesPerSecond()));
    }

    @Override public void epoch(EpochResult r) {
        close();
        out.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%%s, %.1f s, %.0f samples/s%n", r.epoch() + 1, r.trainLoss(), 100 * r.trainAccuracy(),
                Double.isNaN(r.valAccuracy()) ? "" : String.format(Locale.ROOT, ", val loss %.4f acc %.2f%%", r.valLoss(), 100 * r.valAccuracy()),
                r.seconds(), r.samplesPerSecond());
        out.flush();
    }

    @Override public void quantizationAware(int first, int epochs) {
        close();
        boolean one = epochs - first == 1;
        out.printf(Locale.ROOT, "quantization-aware training: %s the int8 model forward; %s validation scores are the int8 model's%n",
                one ? "epoch " + epochs + " runs" : "epochs " + (first + 1) + "-" + epochs + " run", one ? "its" : "their");
        out.flush();
    }

    @Override public void started(TrainingRun.Plan p) {
        epochs = p.config().epochs();
        out.printf(Locale.ROOT, "model %s: %s; %s, %d validation; %s of %d per epoch; %s%n",
                p.spec().name(), Units.count(p.trainableParameters(), "trainable parameter"), Units.count(p.trainSamples(), "training sample"), p.validationSamples(),
                Units.count(p.stepsPerEpoch(), "step"), p.config().batch(), Units.count(p.config().threads(), "thread"));
        out.flush();
    }

    @Override public void close() {
        if (bar != null) { bar.close(); bar = null; }
    }
}
