package org.tinyfit.data;

/** What a sample's shape means: images are [height, width, channels], sequences [length, channels], tabular rows [features]. */
public enum Layout {
    IMAGE, SEQUENCE, TABULAR;

    /** The layout of a sample shape; the last dimension is always the channel (for tabular data: the feature). */
    public static Layout of(int[] sampleShape) {
        return switch (sampleShape.length) {
            case 3 -> IMAGE;
            case 2 -> SEQUENCE;
            case 1 -> TABULAR;
            default -> throw new DataException("a sample must have 1 to 3 dimensions ([features], [length, channels] "
                    + "or [height, width, channels]), got " + java.util.Arrays.toString(sampleShape));
        };
    }
}
