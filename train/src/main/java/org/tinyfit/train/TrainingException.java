package org.tinyfit.train;

/** A training run that cannot give a usable model (its loss stopped being a number); the message is one line saying what happened and what to change. */
public class TrainingException extends RuntimeException {
    public TrainingException(String message) { super(message); }
}
