package org.tinyfit.train;

import java.util.ArrayList;
import java.util.List;

/** Where training is: the next epoch and step, the running sums of the current epoch and the finished epochs (the data order follows from the seed and the epoch). */
public final class TrainState {
    int epoch;
    int stepInEpoch;
    long globalStep;
    double lossSum;
    long correct;
    long seen;
    double epochSeconds;
    final List<EpochResult> history = new ArrayList<>();

    public int epoch() { return epoch; }

    public int stepInEpoch() { return stepInEpoch; }

    public long globalStep() { return globalStep; }

    public List<EpochResult> history() { return List.copyOf(history); }
}
