package org.tinyfit.search;

import org.tinyfit.data.Dataset;
import org.tinyfit.data.Normalization;

/**
 * The data a search works on: the training part, the validation part it selects by (held out,
 * stratified, from the training data), the test part it only reports on (may be null), and the
 * normalization fitted on the training part.
 */
public record SearchData(String description, Dataset train, Dataset validation, Dataset test, Normalization normalization) {
    public int[] sampleShape() { return train.sampleShape(); }

    public int classes() { return train.numClasses(); }
}
