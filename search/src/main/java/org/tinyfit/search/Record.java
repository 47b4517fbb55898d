package org.tinyfit.search;

/**
 * One journal row: a candidate, whether it was trained, stopped after the first rung of
 * successive halving (its evaluation is that rung's) or rejected before training (and why), its
 * footprint and, unless rejected, its evaluation.
 */
public record Record(Candidate candidate, Status status, String reason, Footprint footprint, Evaluation evaluation) {
    public enum Status { TRAINED, STOPPED, REJECTED }

    /** Trained by its whole recipe: a member of the population and of the Pareto front. */
    public boolean trained() { return status == Status.TRAINED; }

    public double accuracy() { return trained() ? evaluation.valAccuracy() : Double.NaN; }
}
