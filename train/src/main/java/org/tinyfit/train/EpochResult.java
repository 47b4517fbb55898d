package org.tinyfit.train;

/** One finished epoch: mean training loss and accuracy over its batches, validation accuracy (NaN without validation data), and wall time. */
public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy, double seconds, double samplesPerSecond) {}
