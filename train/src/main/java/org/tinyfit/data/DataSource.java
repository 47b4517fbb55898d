package org.tinyfit.data;

import java.util.Optional;

/**
 * What {@link Datasets#open} found: the training data and, when the source defines one (IDX t10k
 * files, x_test/y_test arrays, an index rule such as {@code #test=5:4}), the test data.
 */
public record DataSource(String description, Dataset train, Optional<Dataset> test) {
    public DataSource {
        if (test.isPresent() && test.get().sampleLength() != train.sampleLength()) {
            throw new DataException(description + ": test samples have " + test.get().sampleLength()
                    + " values, training samples " + train.sampleLength());
        }
    }
}
