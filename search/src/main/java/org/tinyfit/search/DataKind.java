package org.tinyfit.search;

import java.util.Arrays;

/** What a sample is, read from its shape: the search space follows from it. */
public enum DataKind {
    /** [height, width, channels]: 2-D convolutions. */
    IMAGE,
    /** [length, channels]: convolutions along the length. */
    SEQUENCE,
    /** [features]: multi-layer perceptrons. */
    TABULAR;

    public static DataKind of(int[] sampleShape) {
        return switch (sampleShape.length) {
            case 3 -> IMAGE;
            case 2 -> SEQUENCE;
            case 1 -> TABULAR;
            default -> throw new SearchException("samples of shape " + Arrays.toString(sampleShape)
                    + " fit no search space: use images [h,w,c], sequences [length,channels] or rows [features]");
        };
    }
}
