package org.tinyfit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fills preallocated {@link Batch} buffers from a dataset, epoch by epoch, with a seeded shuffle,
 * seeded augmentations and an optional normalization (applied after augmenting). Allocates nothing
 * per sample or per batch. Not for concurrent use: give each consumer its own loader.
 *
 * <pre>{@code
 * BatchLoader loader = BatchLoader.builder(train).batchSize(64).shuffle(42)
 *         .augment(new Augmentation.RandomCrop(2)).normalize(norm).build();
 * Batch batch = loader.newBatch();
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     loader.startEpoch(epoch);
 *     while (loader.next(batch)) { ... batch.features(), batch.labels(), batch.size() ... }
 * }
 * }</pre>
 */
public final class BatchLoader {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Augmentation[] augmentations;
    private final Normalization normalization;
    private final int[] shape;
    private final int sampleLength;
    private final int[] order;
    private final float[] scratch;
    private final SeededRandom random = new SeededRandom(0);
    private int epoch = -1;
    private int cursor;

    private BatchLoader(Builder b) {
        this.data = b.data;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.augmentations = b.augmentations.toArray(new Augmentation[0]);
        this.normalization = b.normalization;
        this.shape = data.sampleShape();
        this.sampleLength = data.sampleLength();
        for (Augmentation a : augmentations) a.check(shape);
        if (normalization != null && normalization.channels() != data.channels()) {
            throw new DataException("normalization has " + normalization.channels() + " channels, the data has "
                    + data.channels());
        }
        this.order = Splits.identity(data.size());
        this.scratch = new float[sampleLength];
    }

    public static Builder builder(Dataset data) { return new Builder(data); }

    public Dataset dataset() { return data; }

    public int batchSize() { return batchSize; }

    /** Batches one epoch yields. */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** A batch whose buffers fit this loader; allocate once and reuse. */
    public Batch newBatch() { return new Batch(batchSize, shape); }

    /** Starts epoch {@code epoch}: the order (if shuffling) and augmentations depend only on seed and epoch. */
    public void startEpoch(int epoch) { startEpoch(epoch, 0); }

    /**
     * Starts epoch {@code epoch} at its batch {@code firstBatch}, e.g. to resume a run mid-epoch:
     * the batches that follow are exactly those an uninterrupted epoch yields from there on.
     */
    public void startEpoch(int epoch, int firstBatch) {
        if (epoch < 0) throw new DataException("epoch must be >= 0, got " + epoch);
        if (firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new DataException("first batch must be in [0, " + batchesPerEpoch() + "], got " + firstBatch);
        }
        this.epoch = epoch;
        this.cursor = firstBatch * batchSize;
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            random.reseed(SeededRandom.derive(seed, 0x0bde4, epoch));
            Splits.shuffle(order, 0, order.length, random);
        }
    }

    /** Fills {@code batch} with the next samples of this epoch; false when the epoch is over. */
    public boolean next(Batch batch) {
        if (epoch < 0) startEpoch(0);
        if (batch.capacity() != batchSize || batch.sampleLength() != sampleLength) {
            throw new DataException("batch of " + batch.capacity() + " x " + batch.sampleLength()
                    + " does not fit this loader (" + batchSize + " x " + sampleLength + "); use newBatch()");
        }
        int remaining = order.length - cursor;
        int n = Math.min(batchSize, remaining);
        if (n == 0 || (dropLast && n < batchSize)) return false;
        float[] x = batch.features();
        int[] y = batch.labels();
        for (int j = 0; j < n; j++) {
            int index = order[cursor + j];
            int off = j * sampleLength;
            data.copySample(index, x, off);
            if (augmentations.length > 0) {
                random.reseed(SeededRandom.derive(seed, epoch, index));
                for (Augmentation a : augmentations) a.apply(x, off, shape, random, scratch);
            }
            if (normalization != null) normalization.apply(x, off, sampleLength);
            y[j] = data.label(index);
        }
        batch.setSize(n);
        cursor += n;
        return true;
    }

    /** Options of a loader; defaults: batch 32, stored order, keep the last short batch, no augmentation. */
    public static final class Builder {
        private final Dataset data;
        private int batchSize = 32;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private final List<Augmentation> augmentations = new ArrayList<>();
        private Normalization normalization;

        private Builder(Dataset data) { this.data = data; }

        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) throw new DataException("batch size must be positive, got " + batchSize);
            this.batchSize = batchSize;
            return this;
        }

        /** Shuffles each epoch with a permutation derived from {@code seed} and the epoch; also seeds augmentations. */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /** Seeds augmentations without shuffling. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        public Builder augment(Augmentation... augmentations) {
            this.augmentations.addAll(Arrays.asList(augmentations));
            return this;
        }

        public Builder normalize(Normalization normalization) {
            this.normalization = normalization;
            return this;
        }

        public BatchLoader build() { return new BatchLoader(this); }
    }
}
