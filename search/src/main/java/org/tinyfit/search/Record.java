package org.tinyfit.search;

/**
 * One journal row: a candidate, whether it was trained or rejected before training (and why), its
 * footprint and, if trained, its evaluation.
 */
public record Record(Candidate candidate, Status status, String reason, Footprint footprint, Evaluation evaluation) {
    public enum Status { TRAINED, REJECTED }

    public boolean trained() { return status == Status.TRAINED; }

    public double accuracy() { return trained() ? evaluation.valAccuracy() : Double.NaN; }
}
